"""Concurrency on PostgreSQL: real threads, each with its own database connection.

Every race test has a negative control: the same race with the event lock switched
off must break the invariant, which proves the test can fail.
"""

import threading

from django.db import connection

from events import services
from events.models import Event, Registration
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.races import run_concurrently

THREADS = 50
SEATS = 10


def lock_switched_off(monkeypatch):
    """Replace the row lock by a plain read, and let every thread read before any writes."""
    gate = threading.Barrier(THREADS, timeout=30)

    def unlocked(event_id):
        event = Event.objects.get(pk=event_id)
        gate.wait()
        return event

    monkeypatch.setattr(services, "lock_event", unlocked)


def register_everyone(event, users):
    return run_concurrently(
        lambda user: services.registration_create(event=event, user=user), users
    )


def test_fifty_concurrent_registrations_never_overbook_ten_seats(race):
    event = EventFactory(capacity=SEATS)
    users = UserFactory.create_batch(THREADS)
    errors = register_everyone(event, users)
    assert errors == []
    confirmed = event.registrations.filter(status="confirmed").count()
    positions = sorted(
        event.registrations.filter(status="waitlisted").values_list("waitlist_position", flat=True)
    )
    assert confirmed == SEATS
    assert positions == list(range(1, THREADS - SEATS + 1))


def test_negative_control_without_the_lock_the_same_race_overbooks(race, monkeypatch):
    lock_switched_off(monkeypatch)
    event = EventFactory(capacity=SEATS)
    users = UserFactory.create_batch(THREADS)
    errors = register_everyone(event, users)
    assert event.registrations.filter(status="confirmed").count() > SEATS, errors[:3]


def test_two_racing_cancellations_promote_two_people_in_order(race):
    event = EventFactory(capacity=2)
    holders = [
        services.registration_create(event=event, user=UserFactory()).registration for _ in range(2)
    ]
    waiting = [
        services.registration_create(event=event, user=UserFactory()).registration for _ in range(3)
    ]
    errors = run_concurrently(
        lambda registration: services.registration_cancel(
            registration=registration, actor=registration.user
        ),
        holders,
    )
    assert errors == []
    now = {r.pk: (r.status, r.waitlist_position) for r in Registration.objects.filter(event=event)}
    assert now[waiting[0].pk] == ("confirmed", None)
    assert now[waiting[1].pk] == ("confirmed", None)
    assert now[waiting[2].pk] == ("waitlisted", 1)
    assert event.registrations.holding_seats().count() == 2


def test_the_same_person_registering_twice_at_once_gets_one_registration(race):
    event = EventFactory(capacity=SEATS)
    user = UserFactory()
    errors = run_concurrently(
        lambda _: services.registration_create(event=event, user=user), list(range(8))
    )
    assert errors == []
    assert event.registrations.filter(user=user).count() == 1
    assert connection.vendor == "postgresql"
