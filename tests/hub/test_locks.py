"""Row locks give up after HUB_LOCK_TIMEOUT_MS (hub/locks.py): a change that finds its row
locked by a stuck transaction answers "busy, try again" (503 with Retry-After) instead of
holding the worker."""

import json
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import RequestFactory

from directory import services as directory_services
from directory.models import Organization
from events import services as event_services
from events.models import Event
from hub import services as hub_services
from hub.locks import LockBusy, row_lock
from hub.middleware import BoundedInputMiddleware
from hub.models import User
from pledges import services as pledge_services
from portal.services import account_delete
from tests.directory.factories import OrganizationFactory
from tests.events.factories import EventFactory
from tests.factories import UserFactory

TIMEOUT_MS = 300


class HeldLock:
    """A row locked by another connection (a thread in a transaction) until released."""

    def __init__(self, model, pk):
        self.model, self.pk = model, pk
        self.taken, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic():
                self.model.objects.select_for_update().get(pk=self.pk)
                self.taken.set()
                self.release.wait(timeout=30)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.taken.wait(timeout=10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


@pytest.fixture
def short_lock_timeout(settings):
    settings.HUB_LOCK_TIMEOUT_MS = TIMEOUT_MS


def busy_within_the_timeout(call):
    started = time.monotonic()
    with pytest.raises(LockBusy, match="try again"):
        call()
    elapsed = time.monotonic() - started
    assert TIMEOUT_MS / 1000 * 0.9 <= elapsed < 5


def test_a_registration_on_a_locked_event_is_busy_within_the_timeout(race, short_lock_timeout):
    event, user = EventFactory(capacity=10), UserFactory()
    with HeldLock(Event, event.pk):
        busy_within_the_timeout(
            lambda: event_services.registration_create(event=event, user=user, notify=False)
        )
    # Released: the same call goes through.
    event_services.registration_create(event=event, user=user, notify=False)
    assert event.registrations.filter(user=user).exists()


def test_a_membership_change_on_a_locked_organization_is_busy(race, short_lock_timeout):
    organization = OrganizationFactory()
    with HeldLock(Organization, organization.pk):
        busy_within_the_timeout(
            lambda: transaction.atomic(directory_services.lock_organization)(organization.pk)
        )


def test_logging_hours_while_the_person_is_locked_is_busy(race, short_lock_timeout):
    user = UserFactory()
    with HeldLock(User, user.pk):
        busy_within_the_timeout(lambda: transaction.atomic(pledge_services.lock_person_day)(user))


def test_the_lock_timeout_ends_with_the_transaction(race, short_lock_timeout):
    with transaction.atomic(), row_lock(), connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == f"{TIMEOUT_MS}ms"
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.parametrize("kind", ["page", "api"])
def test_pages_and_the_api_answer_503_with_retry_after(race, short_lock_timeout, client, kind):
    event, user = EventFactory(capacity=10), UserFactory()
    if kind == "page":
        client.force_login(user)
        request = lambda: client.post(f"/events/{event.slug}/register/")  # noqa: E731
    else:
        token = hub_services.api_token_regenerate(user=user).key
        request = lambda: client.post(  # noqa: E731
            f"/api/v1/events/{event.slug}/registration/",
            {},
            content_type="application/json",
            headers={"authorization": f"Token {token}"},
        )
    with HeldLock(Event, event.pk):
        started = time.monotonic()
        response = request()
        assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    if kind == "api":
        assert response.json()["code"] == "busy"
    assert "try again" in response.content.decode()


# --- Without PostgreSQL --------------------------------------------------------------------


def test_the_middleware_answers_a_busy_lock_with_503_and_retry_after():
    middleware = BoundedInputMiddleware(lambda request: None)
    api = middleware.process_exception(
        RequestFactory().post("/api/v1/events/x/registration/"), LockBusy(retry_after=5)
    )
    assert (api.status_code, api["Retry-After"]) == (503, "5")
    assert json.loads(api.content) == {"detail": LockBusy.message, "code": "busy"}
    assert middleware.process_exception(RequestFactory().get("/"), ValueError()) is None


@pytest.mark.django_db
def test_the_page_answer_is_a_page_with_the_message(rf):
    request = rf.post("/events/x/register/")
    response = BoundedInputMiddleware(lambda request: None).process_exception(
        request, LockBusy(retry_after=2)
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "Please try again" in response.content.decode()


# --- Top-level services run in their own transaction ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_top_level_service_refuses_to_run_inside_another_transaction():
    """durable=True: a service called from a view, the API or the admin commits on its own;
    called inside someone else's transaction it says so at once."""
    user = UserFactory()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        account_delete(user=user, password="not the password")
    # On its own it runs (and refuses the wrong password).
    with pytest.raises(ValidationError):
        account_delete(user=user, password="not the password")
