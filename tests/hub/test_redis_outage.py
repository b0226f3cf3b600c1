"""A slow or dead Redis costs speed, never a page, a sign-in or a write.

Each test runs against a real `redis-server` of its own, configured exactly as
hub/settings.py configures the cache and the broker from REDIS_URL and HUB_REDIS_TIMEOUT,
in three states: answering (the control: the same requests use Redis for real), stopped
(connections refused) and frozen (SIGSTOP: connections accepted, never answered).
"""

import json
import logging
import os
import shutil
import signal
import subprocess
import time
import uuid

import kombu.pools
import pytest
import redis
from django.test import Client
from rest_framework.test import APIClient

from events.models import Registration
from hub import rediscache
from hub.celery import app as celery_app
from hub.models import OutboxJob
from tests.conftest import free_port, require_service, run_django
from tests.directory.factories import OrganizationFactory
from tests.events.factories import EventFactory
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Small timeouts keep a frozen Redis cheap here; production's default is 1 s.
REDIS_TIMEOUT = "0.5"
# The longest a visitor may wait for any answer while Redis is away.
BUDGET_SECONDS = 3.0
HANG_SECONDS = 30

PAGES = [
    "/",
    "/directory/",
    "/directory/?q=harbor",
    "/pledges/",
    "/events/",
    "/api/v1/organizations/",
    "/api/v1/events/",
]


class RedisServer:
    """A redis-server process of this test module's own, on a free port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.frozen = False
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)
        self.frozen = True

    def stop(self):
        if self.frozen:
            os.kill(self.process.pid, signal.SIGCONT)
            self.frozen = False
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def settings_for(redis_url: str) -> dict:
    """The cache and Celery settings hub/settings.py builds for this Redis, read in a fresh
    process so that the test uses what production would use."""
    code = (
        "import json, django; django.setup();"
        "from django.conf import settings; from hub.celery import app;"
        "keys = ['broker_url', 'broker_transport_options', 'broker_connection_timeout',"
        " 'broker_connection_retry', 'broker_connection_max_retries',"
        " 'task_publish_retry_policy', 'result_backend'];"
        "print(json.dumps({'cache': settings.CACHES['default'],"
        " 'celery': {key: app.conf[key] for key in keys}}))"
    )
    result = run_django(
        {
            "REDIS_URL": redis_url,
            "HUB_REDIS_TIMEOUT": REDIS_TIMEOUT,
            "SECRET_KEY": "insecure-key-for-the-test-suite-only",
        },
        code,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=["answering", "refused", "frozen"])
def redis_state(request):
    if shutil.which("redis-server") is None:
        require_service("needs redis-server on PATH to play a dead and a frozen Redis")
    server = RedisServer()
    try:
        configured = settings_for(server.url)
        if request.param == "refused":
            server.stop()
        elif request.param == "frozen":
            server.freeze()
        yield request.param, configured
    finally:
        server.stop()


def _drop_broker_connections():
    """Celery keeps its broker connections in pools keyed by URL: start from none."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_away(redis_state, settings, celery_conf):
    """The cache and the broker point at this module's Redis; returns its state."""
    state, configured = redis_state
    settings.CACHES = {"default": {**configured["cache"], "KEY_PREFIX": uuid.uuid4().hex}}
    settings.HUB_PAGE_CACHE_SECONDS = 60
    celery_conf(task_always_eager=False, **configured["celery"])
    _drop_broker_connections()
    # A call that waits on Redis for ever fails the test instead of hanging the run.
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(HANG_SECONDS)
    yield state
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
    _drop_broker_connections()


def _hung(signum, frame):
    raise TimeoutError(f"still waiting on Redis after {HANG_SECONDS} s")


def timed(call, *args, **kwargs):
    """Make one request as the first to meet the outage, within the budget."""
    rediscache.forget_outages()
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    logging.getLogger(__name__).info("%s %s: %.2f s", call.__name__, args[:1], elapsed)
    assert elapsed < BUDGET_SECONDS, f"{args[:1]} took {elapsed:.1f} s"
    return response


@pytest.fixture
def listings(db):
    OrganizationFactory(name="Harbor Labs")
    EventFactory()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_served(redis_away, listings, path):
    """A public page, anonymous (through the page cache) and signed in, answers 200."""
    for _ in range(2):
        assert timed(Client().get, path).status_code == 200
    signed_in = Client()
    signed_in.force_login(UserFactory())
    assert timed(signed_in.get, path).status_code == 200


def test_sign_in_works_through_the_login_form(redis_away, caplog):
    """allauth's rate limit cannot be checked: it lets the person in, and the log says so."""
    user = UserFactory()
    client = Client()
    caplog.clear()
    response = timed(
        client.post, "/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content
    assert client.session["_auth_user_id"] == str(user.pk)
    warnings = [r.getMessage() for r in caplog.records if r.name == "hub.rediscache"]
    if redis_away == "answering":
        assert warnings == []
    else:
        assert any("rate limits are not enforced" in message for message in warnings)


def expect_job_for(registration, state):
    job = OutboxJob.objects.get(args=[registration.pk])
    if state == "answering":
        assert job.dispatched_at is not None, job.last_error
    else:
        assert job.dispatched_at is None
        assert job.attempts == 1 and job.last_error


def test_a_registration_through_the_page_is_saved_and_its_job_waits(redis_away):
    event = EventFactory()
    client = Client()
    client.force_login(UserFactory())
    response = timed(client.post, f"/events/{event.slug}/register/")
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert registration.status == Registration.Status.CONFIRMED
    expect_job_for(registration, redis_away)


def test_a_registration_through_the_api_is_saved_and_its_job_waits(redis_away):
    event = EventFactory()
    api = APIClient()
    api.force_authenticate(UserFactory())
    response = timed(api.post, f"/api/v1/events/{event.slug}/registration/", {}, format="json")
    assert response.status_code == 201, response.content
    expect_job_for(Registration.objects.get(event=event), redis_away)


def test_healthz_marks_cache_and_broker_down_and_answers_200(redis_away):
    response = timed(Client().get, "/healthz")
    assert response.status_code == 200
    report = response.json()
    expected = "ok" if redis_away == "answering" else "error"
    assert (report["cache"], report["broker"]) == (expected, expected)
    assert report["database"] == "ok" and report["status"] == "ok"


def test_every_redis_call_is_bounded_by_hub_redis_timeout():
    """The settings give the cache and the broker the timeout from the environment, a cache
    that answers misses while Redis is away, one publish try, and no result backend (the
    hub never reads a task's result)."""
    configured = settings_for("redis://127.0.0.1:6379/0")
    cache = configured["cache"]
    assert cache["BACKEND"] == "hub.rediscache.ResilientRedisCache"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    celery = configured["celery"]
    assert celery["broker_connection_timeout"] == 0.5
    options = celery["broker_transport_options"]
    assert (options["socket_timeout"], options["socket_connect_timeout"]) == (0.5, 0.5)
    assert options["max_retries"] == 0
    assert celery["task_publish_retry_policy"]["max_retries"] == 0
    assert celery["result_backend"] is None
