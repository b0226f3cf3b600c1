"""Seat offers under concurrency, on PostgreSQL: real threads, one connection each.

Each race has a negative control: the same race with the locks switched off must break the
invariant, which proves the test can fail.
"""

import threading
from datetime import timedelta

from django.core.exceptions import ValidationError

from events import services, waitlist
from events.models import Event, Registration
from hub.models import AuditEntry
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.races import run_concurrently


def register(event) -> Registration:
    return services.registration_create(event=event, user=UserFactory()).registration


def fresh(registration) -> Registration:
    registration.refresh_from_db()
    return registration


def offers_of(registration) -> int:
    return AuditEntry.objects.filter(
        action="registration.offered", target_id=registration.pk
    ).count()


# --- Confirming at the very moment the offer expires -------------------------------------


def an_open_offer():
    """One seat, offered to the first of two people in line."""
    event = EventFactory(capacity=1, offer_hours=2)
    holder = register(event)
    line = [register(event), register(event)]
    services.registration_cancel(registration=holder, actor=holder.user)
    return event, fresh(line[0]), line[1]


def confirm_and_expire_at_once(offer):
    """The person presses Confirm a second before the deadline while the expiry job runs a
    second after it; returns whether the confirmation went through."""
    deadline = offer.offer_expires_at
    outcome = {}

    def work(which):
        if which == "confirm":
            try:
                waitlist.offer_accept(registration=offer, now=deadline - timedelta(seconds=1))
                outcome["confirmed"] = True
            except ValidationError:
                outcome["confirmed"] = False
        else:
            waitlist.offers_expire(now=deadline + timedelta(seconds=1))

    errors = run_concurrently(work, ["confirm", "expire"])
    assert errors == []
    return outcome["confirmed"]


def exactly_one_of_confirm_or_expire(event, offer, next_in_line, confirmed) -> bool:
    offer, next_in_line = fresh(offer), fresh(next_in_line)
    seats = event.registrations.holding_seats().count()
    if confirmed:
        happened = offer.status == "confirmed" and next_in_line.status == "waitlisted"
    else:
        happened = offer.status == "cancelled" and next_in_line.status == "offered"
    return happened and seats == 1 and offers_of(next_in_line) <= 1


def test_a_confirmation_and_the_expiry_at_the_same_moment_never_both_happen(race):
    for _ in range(5):
        event, offer, next_in_line = an_open_offer()
        confirmed = confirm_and_expire_at_once(offer)
        assert exactly_one_of_confirm_or_expire(event, offer, next_in_line, confirmed)


def switch_the_offer_lock_off(monkeypatch, threads: int):
    """Read without locking, and let every thread read before any of them writes."""
    gate = threading.Barrier(threads, timeout=30)

    def unlocked(event_id, registrations):
        event = Event.objects.get(pk=event_id)
        rows = list(registrations.select_related("user"))
        gate.wait()
        return event, rows

    monkeypatch.setattr(waitlist, "_lock", unlocked)
    monkeypatch.setattr(services, "lock_event", lambda event_id: Event.objects.get(pk=event_id))


def test_negative_control_without_the_lock_confirm_and_expiry_both_happen(race, monkeypatch):
    event, offer, next_in_line = an_open_offer()
    switch_the_offer_lock_off(monkeypatch, 2)
    confirmed = confirm_and_expire_at_once(offer)
    assert not exactly_one_of_confirm_or_expire(event, offer, next_in_line, confirmed)


# --- Two seats freed at once ---------------------------------------------------------------


def two_holders_and_three_waiting():
    event = EventFactory(capacity=2, offer_hours=24)
    holders = [register(event), register(event)]
    return event, holders, [register(event) for _ in range(3)]


def cancel_at_once(holders) -> None:
    errors = run_concurrently(
        lambda registration: services.registration_cancel(
            registration=registration, actor=registration.user
        ),
        holders,
    )
    assert errors == []


def each_of_the_first_two_offered_once(event, line) -> bool:
    first, second, third = (fresh(r) for r in line)
    return (
        (first.status, second.status) == ("offered", "offered")
        and (third.status, third.waitlist_position) == ("waitlisted", 1)
        and offers_of(first) == 1
        and offers_of(second) == 1
        and event.registrations.holding_seats().count() == 2
    )


def test_two_seats_freed_at_once_are_offered_to_the_first_two_once_each(race):
    for _ in range(3):
        event, holders, line = two_holders_and_three_waiting()
        cancel_at_once(holders)
        assert each_of_the_first_two_offered_once(event, line)


def test_negative_control_without_the_lock_two_freed_seats_are_offered_wrongly(race, monkeypatch):
    event, holders, line = two_holders_and_three_waiting()
    gate = threading.Barrier(2, timeout=30)

    def unlocked(event_id):
        event = Event.objects.get(pk=event_id)
        gate.wait()
        return event

    # Both also read the head of the line before either offers it a seat (their first offer
    # only): without this, on a busy machine one cancellation could commit before the other
    # looked, and both be right.
    offering = threading.Barrier(2, timeout=30)
    first_offer = threading.local()
    offer = waitlist.seat_offer

    def offer_together(**kwargs):
        if not getattr(first_offer, "made", False):
            first_offer.made = True
            offering.wait()
        return offer(**kwargs)

    monkeypatch.setattr(services, "lock_event", unlocked)
    monkeypatch.setattr(waitlist, "seat_offer", offer_together)
    cancel_at_once(holders)
    assert not each_of_the_first_two_offered_once(event, line)
