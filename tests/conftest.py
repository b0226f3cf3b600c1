"""Shared fixtures.

Tests that need the full stack (PostgreSQL, Redis, a Celery worker, SMTP) ask for
it through the fixtures below. On the embedded default they skip with a reason; with
HUB_REQUIRE_SERVICES=1 (CI) a missing service fails the test instead.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from hub.celery import app as celery_app
from tests.factories import StaffFactory, UserFactory
from tests.forge.fake import _fake_forge_server, fake_forge  # noqa: F401 - for every test folder

REPO_ROOT = Path(__file__).resolve().parent.parent


def require_service(reason: str) -> None:
    """Skip for lack of a service, or fail when CI says every service is there."""
    if os.environ.get("HUB_REQUIRE_SERVICES") == "1":
        pytest.fail(f"HUB_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def run_django(env_overrides: dict, code: str = "import django; django.setup()"):
    """Run `code` in a fresh Python process, from a clean slate of hub variables."""
    hub_variables = (
        "SECRET_KEY",
        "DEBUG",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "SECURE_SSL_REDIRECT",
    )
    env = {k: v for k, v in os.environ.items() if k not in hub_variables}
    env.update({"DJANGO_SETTINGS_MODULE": "hub.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests fetch no static files: no collected copy, no manifest needed.
    settings.STATIC_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A shared Redis cache would carry rate limits and cached pages from test to test
    # (and between parallel workers): give every test keys of its own.
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _in_the_default_language():
    """Each test starts in the hub's default language: a request under /fr/ leaves French
    active in the thread (LocaleMiddleware activates a language and nothing resets it), and a
    test that renders without a request would inherit it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def celery_conf():
    """Change Celery settings for one test; they are put back afterwards."""
    saved = {}

    def change(**values):
        for key in values:
            saved.setdefault(key, celery_app.conf[key])
        celery_app.conf.update(values)

    yield change
    celery_app.conf.update(saved)


@pytest.fixture(autouse=True)
def _jobs_run_in_process(celery_conf):
    """Jobs run eagerly unless a test asks for the real worker (`celery_worker`)."""
    celery_conf(task_always_eager=True)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return StaffFactory()


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        require_service("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def race(postgres, transactional_db):
    """Real threads on PostgreSQL: what each one writes is committed and seen by the others."""


@pytest.fixture(scope="session")
def redis_url():
    if not django_settings.REDIS_URL:
        require_service("needs Redis (set REDIS_URL=redis://...)")
    return django_settings.REDIS_URL


class SinkHandler:
    def __init__(self):
        self.messages = []
        self.connections = 0
        # Addresses the server refuses for good (a bounce: 550), and after how many
        # accepted messages it starts failing temporarily (451), to play a broken server.
        self.refuse: set[str] = set()
        self.fail_after: int | None = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            return "451 4.3.0 Try again later"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server on loopback that keeps what it receives."""

    def __init__(self):
        self.handler = SinkHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    @property
    def url(self) -> str:
        return f"smtp://{self.controller.hostname}:{self.controller.port}"

    @property
    def messages(self):
        return self.handler.messages

    def reset(self):
        self.handler.messages.clear()
        self.handler.connections = 0
        self.handler.refuse = set()
        self.handler.fail_after = None

    def wait_for(self, predicate, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if predicate(message):
                    return message
            time.sleep(0.1)
        raise AssertionError(f"no matching e-mail within {timeout}s; got {len(self.messages)}")


@pytest.fixture(scope="session")
def _smtp_server():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def smtp_sink(_smtp_server):
    """A real SMTP server on loopback, emptied for each test."""
    _smtp_server.reset()
    return _smtp_server


@pytest.fixture
def mail_over_smtp(settings, smtp_sink):
    """Django sends e-mail in this test process over real SMTP to `smtp_sink`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_sink.controller.hostname
    settings.EMAIL_PORT = smtp_sink.controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_sink


def database_url_for_workers() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def _celery_worker_process(
    django_db_setup, django_db_blocker, redis_url, _smtp_server, tmp_path_factory
):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            require_service("the Celery worker shares the test database: needs PostgreSQL")
        database_url = database_url_for_workers()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": _smtp_server.url,
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "SECRET_KEY": django_settings.SECRET_KEY,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "hub",
        "worker",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--pool",
        "solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"Celery worker did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    yield queue
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def celery_worker(_celery_worker_process, celery_conf):
    """A real Celery worker process consuming this test run's own queue on Redis.

    The test's data must be committed for the worker to see it: use `transactional_db`.
    """
    celery_conf(task_always_eager=False, task_default_queue=_celery_worker_process)
    return _celery_worker_process


def pytest_terminal_summary(terminalreporter):
    """Print the figures tests report (cases run, requests made) in the summary, so that a
    CI log records them even when the tests ran on xdist workers."""
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", []):
            if name == "figures" and report.when == "call":
                terminalreporter.write_line(value)
