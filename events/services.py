"""Every state change of events: registration, waitlist, check-in, cancellation.

Seats are the scarce thing. Every change that takes or frees a seat first locks the
event row (`select_for_update`), then counts seats from the registrations under that
lock, so concurrent requests queue up instead of overbooking.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import zones
from events.models import ANSWER_MAX_LENGTH, Event, Registration, normalize_ticket_code
from events.permissions import user_can_organize
from events.tasks import (
    send_event_cancelled_task,
    send_event_message_task,
    send_promotion_task,
    send_ticket_task,
)
from hub.audit import audit_record
from hub.jobs import enqueue_on_commit
from hub.locks import row_lock
from hub.models import User


def lock_event(event_id: int) -> Event:
    """The event row, locked until the transaction ends (LockBusy if it stays busy)."""
    with row_lock():
        return Event.objects.select_for_update().get(pk=event_id)


def registration_closed_reason(event: Event, *, now=None) -> str | None:
    """Why nobody can register right now, in words for the page and the API; None if open."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return _("This event was cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return _("This event is not published.")
    if now >= event.starts_at:
        return _("This event has already started.")
    if event.registration_opens_at and now < event.registration_opens_at:
        local = timezone.localtime(event.registration_opens_at, zones.event_zone(event))
        return _("Registration opens on %(when)s.") % {"when": zones.moment_in_words(local)}
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _("Registration is closed.")
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
    notify: bool = True,
) -> RegistrationResult:
    """Register `user`: a confirmed seat while seats last, then the waitlist.

    Registering twice returns the registration the person already has. `notify=False`
    (demo data, imports) sends no ticket e-mail.
    """
    event = lock_event(event.pk)
    numbers = _registration_numbers(event, user)
    if numbers["mine"]:
        return RegistrationResult(event.registrations.active().get(user=user), created=False)
    reason = registration_closed_reason(event)
    if reason:
        raise ValidationError(reason, code="registration_closed")
    registration = Registration(
        event=event,
        user=user,
        accessibility_needs=accessibility_needs.strip(),
        dietary_requirements=dietary_requirements.strip(),
        answers=_clean_answers(event, answers or {}),
    )
    registration.full_clean(exclude=["event", "user", "status", "ticket_code"])
    if event.capacity is None or numbers["taken"] < event.capacity:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = timezone.now()
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlist_position = (numbers["last_position"] or 0) + 1
    registration.save()
    audit_record(actor=user, action=f"registration.{registration.status}", target=registration)
    if notify:
        enqueue_on_commit(send_ticket_task, registration.pk)
    return RegistrationResult(registration, created=True)


def _clean_answers(event: Event, answers: dict) -> dict:
    """Answers to the event's own questions only, each within the length limit."""
    questions = set(event.questions or [])
    errors = {}
    for question, text in answers.items():
        if question not in questions:
            errors[question] = _("Not one of this event's questions.")
        elif not isinstance(text, str) or len(text) > ANSWER_MAX_LENGTH:
            errors[question] = _("At most %(limit)s characters.") % {"limit": ANSWER_MAX_LENGTH}
    if errors:
        raise ValidationError({"answers": [f"{q}: {e}" for q, e in errors.items()]})
    return {question: text.strip() for question, text in answers.items() if text.strip()}


def _registration_numbers(event: Event, user: User) -> dict:
    """Seats taken, the waitlist's last position (None when empty) and whether `user` is
    registered already, in one query.

    Plain SQL: this runs while the event is locked, once per registration of a rush, and
    building the same aggregate through the ORM costs more than running it.
    """
    seat_holding = list(Registration.SEAT_HOLDING)
    placeholders = ", ".join(["%s"] * len(seat_holding))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(CASE WHEN status IN ({placeholders}) THEN 1 END),
                   MAX(CASE WHEN status = %s THEN waitlist_position END),
                   COUNT(CASE WHEN user_id = %s AND status <> %s THEN 1 END)
            FROM {Registration._meta.db_table}
            WHERE event_id = %s
            """,  # noqa: S608 - the table name and placeholders are ours, values are parameters
            [
                *seat_holding,
                Registration.Status.WAITLISTED,
                user.pk,
                Registration.Status.CANCELLED,
                event.pk,
            ],
        )
        taken, last_position, mine = cursor.fetchone()
    return {"taken": taken, "last_position": last_position, "mine": mine}


def _close_waitlist_gap(event: Event, position: int) -> None:
    """Everyone behind `position` moves up one place."""
    event.registrations.filter(
        status=Registration.Status.WAITLISTED, waitlist_position__gt=position
    ).update(waitlist_position=F("waitlist_position") - 1)


def promote_from_waitlist(event: Event) -> list[Registration]:
    """Fill free seats from the head of the waitlist, first come first served.

    Call with the event locked. Each promoted person is told by e-mail after commit. With
    `offer_hours`, the seat is offered instead (events.waitlist), to be confirmed in time.
    """
    from events import waitlist  # builds on this module

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
        if event.offer_hours:
            waitlist.seat_offer(event=event, registration=head)
        else:
            head.status = Registration.Status.CONFIRMED
            head.waitlist_position = None
            head.confirmed_at = timezone.now()
            head.save(update_fields=["status", "waitlist_position", "confirmed_at"])
            audit_record(actor=None, action="registration.promoted", target=head)
            enqueue_on_commit(send_promotion_task, head.pk)
        _close_waitlist_gap(event, position)
        promoted.append(head)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User) -> Registration:
    """Cancel a registration until the event starts; a freed seat goes to the waitlist."""
    event = lock_event(registration.event_id)
    with row_lock():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if actor != registration.user and not user_can_organize(user=actor, event=event):
        raise PermissionDenied(
            _("Only the person or the event's organizers cancel a registration.")
        )
    if registration.status == Registration.Status.CANCELLED:
        return registration
    if event.has_started and actor == registration.user:
        raise ValidationError(_("The event has started; registrations can no longer be cancelled."))
    if registration.status == Registration.Status.CHECKED_IN:
        raise ValidationError(_("This person is already checked in."))
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
        raise PermissionDenied(_("Only the event's organizers change its capacity."))
    taken = seats_taken(event)
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("An event needs at least one seat (or no limit).")})
    if capacity is not None and capacity < taken:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(taken)s person already holds a seat; the capacity cannot be lower.",
                    "%(taken)s people already hold a seat; the capacity cannot be lower.",
                    taken,
                )
                % {"taken": taken}
            }
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


EDITABLE_FIELDS = (
    "title", "summary", "description", "kind", "time_zone", "starts_at", "ends_at", "venue_name",
    "venue_address", "online_url", "capacity", "registration_opens_at",
    "registration_closes_at", "offer_hours", "ask_accessibility", "ask_dietary", "questions",
)  # fmt: skip


def event_check_times(event: Event) -> None:
    """Refuse times that contradict each other, or a time zone that does not exist, with a
    message on the field to fix."""
    errors = {}
    if event.time_zone:
        try:
            zones.canonical_name(event.time_zone)
        except ValidationError as error:
            errors["time_zone"] = error.messages
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic(durable=True)
def event_update(*, event: Event, actor: User, data: dict) -> Event:
    """Change an event's details; a new capacity goes through event_change_capacity so the
    waitlist moves up at once. All or nothing: one refused value leaves the event as it was."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    event = lock_event(event.pk)
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied(_("Only the event's organizers edit it."))
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event was cancelled; it can no longer be edited."))
    changed = [
        name for name, value in data.items() if name != "capacity" and getattr(event, name) != value
    ]
    for name in changed:
        setattr(event, name, data[name])
    event.full_clean(exclude=["capacity"], validate_unique=False, validate_constraints=False)
    event_check_times(event)
    if changed:
        event.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="event.update", target=event, detail={"fields": changed})
    if "capacity" in data and data["capacity"] != event.capacity:
        # Locks the event again (a no-op inside this transaction), refuses a capacity below
        # the seats taken and promotes the waitlist into any new seats.
        event = event_change_capacity(event=event, actor=actor, capacity=data["capacity"])
    return event


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    already: bool


@transaction.atomic
def registration_check_in(*, event: Event, actor: User, ticket_code: str) -> CheckInResult:
    """Check a confirmed person in by ticket code. Twice is fine: it says when it happened."""
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied(_("Only the event's organizers check people in."))
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event was cancelled; nobody can be checked in."))
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, ticket_code=normalize_ticket_code(ticket_code))
        .first()
    )
    if registration is None:
        raise ValidationError(_("No ticket with this code for this event."))
    if registration.status == Registration.Status.CHECKED_IN:
        return CheckInResult(registration, already=True)
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(
            _("This ticket is not confirmed (%(status)s).")
            % {"status": registration.get_status_display().lower()}
        )
    registration.status = Registration.Status.CHECKED_IN
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = actor
    registration.save(update_fields=["status", "checked_in_at", "checked_in_by"])
    audit_record(actor=actor, action="registration.check_in", target=registration)
    return CheckInResult(registration, already=False)


@transaction.atomic
def event_cancel(*, event: Event, actor: User, reason: str = "", notify: bool = True) -> Event:
    """Cancel the whole event; everyone registered is told (unless `notify=False`)."""
    event = lock_event(event.pk)
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied(_("Only the event's organizers cancel it."))
    if event.status == Event.Status.CANCELLED:
        return event
    event.status = Event.Status.CANCELLED
    event.cancelled_at = timezone.now()
    event.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(actor=actor, action="event.cancel", target=event, detail={"reason": reason})
    if notify:
        enqueue_on_commit(send_event_cancelled_task, event.pk, reason)
    return event


@transaction.atomic(durable=True)
def event_message_attendees(*, event: Event, actor: User, subject: str, body: str) -> int:
    """Queue an e-mail from the organizers to every confirmed attendee; returns how many."""
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied(_("Only the event's organizers message attendees."))
    if not subject.strip() or not body.strip():
        raise ValidationError(_("A message needs a subject and a text."))
    recipients = event.registrations.holding_seats().count()
    if not recipients:
        raise ValidationError(_("Nobody holds a seat yet, so there is nobody to write to."))
    entry = audit_record(
        actor=actor,
        action="event.message",
        target=event,
        detail={"subject": subject, "recipients": recipients},
    )
    # The audit row's id tells this message from any other with the same text.
    enqueue_on_commit(
        send_event_message_task, event.pk, str(entry.pk), subject.strip(), body.strip()
    )
    return recipients
