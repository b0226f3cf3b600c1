"""The production server: gunicorn.conf.py reads the environment, flags still win, and the
Dockerfile and docker-compose.yml start gunicorn with it."""

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from gunicorn.app.wsgiapp import WSGIApplication

from tests.conftest import REPO_ROOT, free_port

CONFIG = REPO_ROOT / "gunicorn.conf.py"
VARIABLES = (
    "PORT", "WEB_CONCURRENCY", "GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT",
    "GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_REQUESTS_JITTER", "GUNICORN_ACCESS_LOG",
    "GUNICORN_BIND",
)  # fmt: skip


def gunicorn_settings(monkeypatch, env: dict, *flags: str):
    """gunicorn's settings as `gunicorn -c gunicorn.conf.py FLAGS hub.wsgi:application` has them."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    argv = ["gunicorn", "-c", str(CONFIG), *flags, "hub.wsgi:application"]
    monkeypatch.setattr(sys, "argv", argv)
    return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg


def test_workers_threads_port_and_timeouts_come_from_the_environment(monkeypatch):
    cfg = gunicorn_settings(
        monkeypatch,
        {
            "PORT": "9123",
            "GUNICORN_WORKERS": "5",
            "GUNICORN_THREADS": "4",
            "GUNICORN_TIMEOUT": "45",
        },
    )
    assert cfg.bind == ["0.0.0.0:9123"]
    assert (cfg.workers, cfg.threads, cfg.timeout) == (5, 4, 45)
    assert cfg.worker_class_str == "gthread"
    assert cfg.max_requests == 1000
    assert cfg.max_requests_jitter == 100
    assert cfg.accesslog == "-"


def test_web_concurrency_sets_the_workers_unless_gunicorn_workers_does(monkeypatch):
    assert gunicorn_settings(monkeypatch, {"WEB_CONCURRENCY": "3"}).workers == 3
    both = {"WEB_CONCURRENCY": "3", "GUNICORN_WORKERS": "6"}
    assert gunicorn_settings(monkeypatch, both).workers == 6


def test_without_variables_sync_workers_on_port_8000(monkeypatch):
    cfg = gunicorn_settings(monkeypatch, {})
    assert cfg.bind == ["0.0.0.0:8000"]
    assert cfg.worker_class_str == "sync"
    assert 1 <= cfg.workers <= 8


def test_flags_win_over_the_file_as_the_benchmark_needs(monkeypatch):
    cfg = gunicorn_settings(
        monkeypatch,
        {"GUNICORN_WORKERS": "7", "GUNICORN_THREADS": "4"},
        *("--workers", "2", "--worker-class", "sync", "--threads", "1", "--max-requests", "0"),
    )
    assert (cfg.workers, cfg.threads, cfg.max_requests) == (2, 1, 0)
    assert cfg.worker_class_str == "sync"


def test_the_dockerfile_and_compose_start_gunicorn_with_the_file():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py", "hub.wsgi:application"]' in dockerfile
    compose = (REPO_ROOT / "docker-compose.yml").read_text()
    assert "gunicorn --config gunicorn.conf.py hub.wsgi:application" in compose
    bench = (REPO_ROOT / "bench" / "stack.py").read_text()
    assert '"--config", str(ROOT / "gunicorn.conf.py")' in bench


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs a POSIX process model")
def test_gunicorn_serves_the_portal_with_the_file_and_logs_each_request(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in VARIABLES},
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        "PORT": str(port),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "hub.wsgi:application"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer in 30 s"
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Using worker: gthread" in output
    assert '"GET /healthz HTTP/1.1" 200' in output
