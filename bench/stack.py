"""The services around the benchmark: a throw-away PostgreSQL database, a free Redis
database for the cache, gunicorn on a free loopback port, and facts about the machine."""

import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import redis
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


# --- PostgreSQL ------------------------------------------------------------------------


DROP = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _admin_dsn(database_url: str) -> tuple[str, str]:
    """(DSN of the `postgres` maintenance database on the same server, benchmark db name)."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def _admin(database_url: str):
    dsn, name = _admin_dsn(database_url)
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    return connection, name


def create_database(database_url: str) -> None:
    """A fresh, empty database: dropped first if a previous run left it behind."""
    connection, name = _admin(database_url)
    with connection.cursor() as cursor:
        cursor.execute(DROP.format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def drop_database(database_url: str) -> None:
    connection, name = _admin(database_url)
    with connection.cursor() as cursor:
        cursor.execute(DROP.format(sql.Identifier(name)))
    connection.close()


def analyze(database_url: str) -> float:
    """VACUUM ANALYZE the benchmark database; returns the seconds it took."""
    started = time.monotonic()
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return time.monotonic() - started


def postgres_version(database_url: str) -> str:
    connection, _ = _admin(database_url)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return version


# --- Redis -------------------------------------------------------------------------------


def choose_redis_db(server_url: str, preferred: int = 9) -> int:
    """An empty Redis database number: `preferred` if it is empty, else the first empty one
    from 15 down. Refuses to go on when every candidate holds keys."""
    client = redis.Redis.from_url(server_url)
    used = {int(name[2:]) for name in client.info("keyspace")}
    candidates = [preferred] + [n for n in range(15, 0, -1) if n != preferred]
    for number in candidates:
        if number not in used:
            return number
    raise SystemExit(f"No empty Redis database on {server_url}; flush one for the benchmark.")


def redis_version(server_url: str) -> str:
    return redis.Redis.from_url(server_url).info("server").get("redis_version", "?")


def flush_redis_db(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


# --- gunicorn ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """The portal under gunicorn (sync workers, as in docker-compose.yml), on loopback."""

    def __init__(self, *, env: dict, workers: int, port: int, log_path: Path):
        self.env, self.workers, self.port, self.log_path = env, workers, port, log_path
        self.process = None
        self.base = f"http://127.0.0.1:{port}"

    def start(self, timeout: float = 60) -> None:
        # The production configuration, with the flags that make a measurement: flags win
        # over gunicorn.conf.py. No worker is recycled mid-run and no access line is written
        # per request, so figures stay comparable with earlier runs.
        command = [
            str(VENV_BIN / "gunicorn"),
            "--config", str(ROOT / "gunicorn.conf.py"),
            "hub.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--threads", "1",
            "--backlog", "2048",
            "--timeout", "60",
            "--max-requests", "0",
            "--access-logfile", "/dev/null",
            "--log-level", "warning",
            "--error-logfile", str(self.log_path),
        ]  # fmt: skip
        # Django logs to stderr: a failing page under load writes there, not to the table.
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command, no shell
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"gunicorn exited ({code}): {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:  # noqa: S310 - our server
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"no answer from gunicorn in {timeout:.0f} s: {self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return ""


# --- The machine -----------------------------------------------------------------------------


def memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def machine(database_url: str, redis_url: str) -> dict:
    return {
        "cores": os.cpu_count(),
        "memory": f"{memory_gib():.1f} GiB",
        "python": platform.python_version(),
        "postgresql": postgres_version(database_url),
        "redis": redis_version(redis_url),
        "os": platform.platform(terse=True),
    }
