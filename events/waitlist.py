"""Seat offers from the waitlist: when an event sets `offer_hours`, a freed seat is offered
to the first person in line, who has that long to confirm it; a declined or expired offer
goes to the next person.

The same shape as `events.services`: every change locks the event row first (and then the
registrations it changes), so a confirmation and an expiry at the same moment queue up and
exactly one of them happens. Leaving the waitlist is `services.registration_cancel`.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from events import services, zones
from events.models import Event, Registration
from events.tasks import send_offer_expired_task, send_promotion_task, send_seat_offer_task
from hub.audit import audit_record
from hub.jobs import enqueue_on_commit
from hub.locks import row_lock

Status = Registration.Status


def offer_deadline(event: Event, now: datetime) -> datetime:
    """`offer_hours` from now, but never later than the start of the event."""
    return min(now + timedelta(hours=event.offer_hours), event.starts_at)


def seat_offer(*, event: Event, registration: Registration, now: datetime | None = None) -> None:
    """Offer a freed seat to `registration`, the head of the waitlist, until the deadline.

    Called by `services.promote_from_waitlist` with the event locked; the offer holds the
    seat (Registration.SEAT_HOLDING) and the person is e-mailed a link to confirm it.
    """
    now = now or timezone.now()
    registration.status = Status.OFFERED
    registration.waitlist_position = None
    registration.offer_expires_at = offer_deadline(event, now)
    registration.save(update_fields=["status", "waitlist_position", "offer_expires_at"])
    audit_record(
        actor=None,
        action="registration.offered",
        target=registration,
        detail={"expires_at": registration.offer_expires_at.isoformat()},
    )
    enqueue_on_commit(send_seat_offer_task, registration.pk)


def _lock(event_id: int, registrations: QuerySet) -> tuple[Event, list[Registration]]:
    """The event, then `registrations` of it, locked until the transaction ends."""
    event = services.lock_event(event_id)
    with row_lock():
        return event, list(registrations.select_for_update().select_related("user"))


def _when(moment: datetime, event: Event) -> str:
    return zones.moment_in_words(timezone.localtime(moment, zones.event_zone(event)))


@transaction.atomic(durable=True)
def offer_accept(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Confirm an offered seat; the ticket goes out by e-mail. Confirming twice is harmless.

    The caller has established that the request speaks for the person: their own session,
    or the signed link of the offer e-mail.
    """
    now = now or timezone.now()
    event, [registration] = _lock(
        registration.event_id, Registration.objects.filter(pk=registration.pk)
    )
    if registration.status in (Status.CONFIRMED, Status.CHECKED_IN):
        return registration
    if registration.status != Status.OFFERED:
        raise ValidationError(
            _("This seat is no longer offered to you: the offer was declined or ran out."),
            code="offer_closed",
        )
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event was cancelled."), code="event_cancelled")
    if now >= registration.offer_expires_at:
        raise ValidationError(
            _("The offer ran out on %(when)s; the seat goes to the next person on the waitlist.")
            % {"when": _when(registration.offer_expires_at, event)},
            code="offer_expired",
        )
    registration.status = Status.CONFIRMED
    registration.confirmed_at = now
    registration.save(update_fields=["status", "confirmed_at"])
    audit_record(actor=registration.user, action="registration.offer_accepted", target=registration)
    # "You are in", with the ticket: the same e-mail as a promotion without an offer.
    enqueue_on_commit(send_promotion_task, registration.pk)
    return registration


def _give_up(registration: Registration, *, action: str, now: datetime) -> None:
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=registration.user if action == "registration.offer_declined" else None,
        action=action,
        target=registration,
    )


def _seat_goes_on(event: Event) -> None:
    if event.status == Event.Status.PUBLISHED and not event.has_started:
        services.promote_from_waitlist(event)


@transaction.atomic(durable=True)
def offer_decline(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Turn an offered seat down: the registration is cancelled and the seat is offered to
    the next person in line. Declining twice is harmless; a confirmed seat is cancelled on
    the event page instead, so an old e-mail cannot take it away."""
    now = now or timezone.now()
    event, [registration] = _lock(
        registration.event_id, Registration.objects.filter(pk=registration.pk)
    )
    if registration.status == Status.CANCELLED:
        return registration
    if registration.status != Status.OFFERED:
        raise ValidationError(
            _(
                "You already confirmed this seat. To give it up, cancel your registration on the "
                "event page."
            ),
            code="offer_closed",
        )
    _give_up(registration, action="registration.offer_declined", now=now)
    _seat_goes_on(event)
    return registration


@transaction.atomic(durable=True)
def event_offers_expire(*, event_id: int, now: datetime) -> list[Registration]:
    """Cancel the offers of one event that ran out by `now`, tell each person once, and
    offer the seats to the next people in line. An offer expires at most once: the lock
    and the status check make a second run (or a confirmation that came first) a no-op."""
    event, expired = _lock(
        event_id,
        Registration.objects.filter(
            event_id=event_id, status=Status.OFFERED, offer_expires_at__lte=now
        ).order_by("offer_expires_at", "pk"),
    )
    for registration in expired:
        _give_up(registration, action="registration.offer_expired", now=now)
        if event.status != Event.Status.CANCELLED:
            enqueue_on_commit(send_offer_expired_task, registration.pk)
    if expired:
        _seat_goes_on(event)
    return expired


def offers_expire(*, now: datetime | None = None) -> int:
    """Every offer that ran out by `now`, one event (and one transaction) at a time; returns
    how many expired. The periodic task calls this."""
    now = now or timezone.now()
    event_ids = (
        Registration.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
        .order_by("event_id")
        .values_list("event_id", flat=True)
        .distinct()
    )
    return sum(len(event_offers_expire(event_id=pk, now=now)) for pk in list(event_ids))
