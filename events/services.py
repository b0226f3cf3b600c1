"""Every state change of events: registration, waitlist, check-in, cancellation.

Seats are the scarce thing. Every change that takes or frees a seat first locks the
event row (`select_for_update`), then counts seats from the registrations under that
lock, so concurrent requests queue up instead of overbooking.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from events.models import Event, Registration
from events.permissions import user_can_organize
from events.tasks import (
    send_event_cancelled_task,
    send_event_message_task,
    send_promotion_task,
    send_ticket_task,
)
from hub.audit import audit_record
from hub.jobs import enqueue_on_commit
from hub.models import User


def lock_event(event_id: int) -> Event:
    """The event row, locked until the transaction ends."""
    return Event.objects.select_for_update().get(pk=event_id)


def registration_closed_reason(event: Event, *, now=None) -> str | None:
    """Why nobody can register right now, in words for the page and the API; None if open."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return "This event was cancelled."
    if event.status != Event.Status.PUBLISHED:
        return "This event is not published."
    if now >= event.starts_at:
        return "This event has already started."
    if event.registration_opens_at and now < event.registration_opens_at:
        local = timezone.localtime(event.registration_opens_at)
        return f"Registration opens on {local:%B %-d, %Y at %-I:%M %p} ({local.tzname()})."
    if event.registration_closes_at and now >= event.registration_closes_at:
        return "Registration is closed."
    return None


def seats_taken(event: Event) -> int:
    return event.registrations.holding_seats().count()


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool


@transaction.atomic
def registration_create(
    *,
    event: Event,
    user: User,
    accessibility_needs: str = "",
    dietary_requirements: str = "",
    answers: dict | None = None,
) -> RegistrationResult:
    """Register `user`: a confirmed seat while seats last, then the waitlist.

    Registering twice returns the registration the person already has.
    """
    event = lock_event(event.pk)
    existing = event.registrations.active().filter(user=user).first()
    if existing is not None:
        return RegistrationResult(existing, created=False)
    reason = registration_closed_reason(event)
    if reason:
        raise ValidationError(reason, code="registration_closed")
    registration = Registration(
        event=event,
        user=user,
        accessibility_needs=accessibility_needs.strip(),
        dietary_requirements=dietary_requirements.strip(),
        answers=answers or {},
    )
    if event.capacity is None or seats_taken(event) < event.capacity:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = timezone.now()
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlist_position = _next_waitlist_position(event)
    registration.save()
    audit_record(actor=user, action=f"registration.{registration.status}", target=registration)
    enqueue_on_commit(send_ticket_task, registration.pk)
    return RegistrationResult(registration, created=True)


def _next_waitlist_position(event: Event) -> int:
    last = event.registrations.filter(status=Registration.Status.WAITLISTED).aggregate(
        last=Max("waitlist_position")
    )["last"]
    return (last or 0) + 1


def _close_waitlist_gap(event: Event, position: int) -> None:
    """Everyone behind `position` moves up one place."""
    event.registrations.filter(
        status=Registration.Status.WAITLISTED, waitlist_position__gt=position
    ).update(waitlist_position=F("waitlist_position") - 1)


def promote_from_waitlist(event: Event) -> list[Registration]:
    """Fill free seats from the head of the waitlist, first come first served.

    Call with the event locked. Each promoted person is told by e-mail after commit.
    """
    promoted = []
    while event.capacity is None or seats_taken(event) < event.capacity:
        head = (
            event.registrations.filter(status=Registration.Status.WAITLISTED)
            .order_by("waitlist_position")
            .first()
        )
        if head is None:
            break
        position = head.waitlist_position
        head.status = Registration.Status.CONFIRMED
        head.waitlist_position = None
        head.confirmed_at = timezone.now()
        head.save(update_fields=["status", "waitlist_position", "confirmed_at"])
        _close_waitlist_gap(event, position)
        audit_record(actor=None, action="registration.promoted", target=head)
        enqueue_on_commit(send_promotion_task, head.pk)
        promoted.append(head)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User) -> Registration:
    """Cancel a registration until the event starts; a freed seat goes to the waitlist."""
    event = lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if actor != registration.user and not user_can_organize(user=actor, event=event):
        raise PermissionDenied("Only the person or the event's organizers cancel a registration.")
    if registration.status == Registration.Status.CANCELLED:
        return registration
    if event.has_started and actor == registration.user:
        raise ValidationError("The event has started; registrations can no longer be cancelled.")
    if registration.status == Registration.Status.CHECKED_IN:
        raise ValidationError("This person is already checked in.")
    was_waitlisted_at = registration.waitlist_position
    registration.status = Registration.Status.CANCELLED
    registration.waitlist_position = None
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "waitlist_position", "cancelled_at"])
    if was_waitlisted_at is not None:
        _close_waitlist_gap(event, was_waitlisted_at)
    audit_record(actor=actor, action="registration.cancel", target=registration)
    if event.status == Event.Status.PUBLISHED and not event.has_started:
        promote_from_waitlist(event)
    return registration


@transaction.atomic
def event_change_capacity(*, event: Event, actor: User, capacity: int | None) -> Event:
    """Change the number of seats; never below the seats already taken. More seats go
    to the waitlist at once."""
    event = lock_event(event.pk)
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied("Only the event's organizers change its capacity.")
    taken = seats_taken(event)
    if capacity is not None and capacity < taken:
        raise ValidationError(
            {"capacity": f"{taken} people already hold a seat; the capacity cannot be lower."}
        )
    old = event.capacity
    event.capacity = capacity
    event.save(update_fields=["capacity", "updated_at"])
    audit_record(
        actor=actor, action="event.capacity", target=event, detail={"from": old, "to": capacity}
    )
    if event.status == Event.Status.PUBLISHED and not event.has_started:
        promote_from_waitlist(event)
    return event


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    already: bool


@transaction.atomic
def registration_check_in(*, event: Event, actor: User, ticket_code: str) -> CheckInResult:
    """Check a confirmed person in by ticket code. Twice is fine: it says when it happened."""
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied("Only the event's organizers check people in.")
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, ticket_code=ticket_code.strip())
        .first()
    )
    if registration is None:
        raise ValidationError("No ticket with this code for this event.")
    if registration.status == Registration.Status.CHECKED_IN:
        return CheckInResult(registration, already=True)
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(
            f"This ticket is not confirmed ({registration.get_status_display().lower()})."
        )
    registration.status = Registration.Status.CHECKED_IN
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = actor
    registration.save(update_fields=["status", "checked_in_at", "checked_in_by"])
    audit_record(actor=actor, action="registration.check_in", target=registration)
    return CheckInResult(registration, already=False)


@transaction.atomic
def event_cancel(*, event: Event, actor: User, reason: str = "") -> Event:
    """Cancel the whole event; everyone registered is told."""
    event = lock_event(event.pk)
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied("Only the event's organizers cancel it.")
    if event.status == Event.Status.CANCELLED:
        return event
    event.status = Event.Status.CANCELLED
    event.cancelled_at = timezone.now()
    event.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(actor=actor, action="event.cancel", target=event, detail={"reason": reason})
    enqueue_on_commit(send_event_cancelled_task, event.pk, reason)
    return event


@transaction.atomic
def event_message_attendees(*, event: Event, actor: User, subject: str, body: str) -> int:
    """Queue an e-mail from the organizers to every confirmed attendee; returns how many."""
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied("Only the event's organizers message attendees.")
    if not subject.strip() or not body.strip():
        raise ValidationError("A message needs a subject and a text.")
    recipients = event.registrations.holding_seats().count()
    audit_record(
        actor=actor,
        action="event.message",
        target=event,
        detail={"subject": subject, "recipients": recipients},
    )
    enqueue_on_commit(send_event_message_task, event.pk, subject.strip(), body.strip())
    return recipients
