"""E-mails about events: rendered from templates, sent from a worker, each at most once
(hub.notifications keeps the ledger)."""

import io

import segno
from django.core import mail
from django.db import transaction
from django.utils import timezone

from events.models import Event, Registration, ScheduleChange, Star
from hub.notifications import build_message, send_once


def ticket_qr_png(ticket_code: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(ticket_code, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def ticket_qr_svg(ticket_code: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(ticket_code, error="m").save(
        buffer, kind="svg", scale=8, border=2, title=f"Ticket {ticket_code}", svgclass=None
    )
    return buffer.getvalue()


def _registration_message(kind: str, template: str, registration: Registration, **context):
    attachments = []
    if registration.holds_seat:
        attachments.append(("ticket-qr.png", ticket_qr_png(registration.ticket_code), "image/png"))
    return build_message(
        kind=kind,
        user=registration.user,
        template=f"events/email/{template}",
        context={"registration": registration, "event": registration.event, **context},
        attachments=attachments,
    )


def send_ticket(registration_id: int) -> None:
    """The ticket (or waitlist place) right after registering; once per registration."""
    registration = Registration.objects.select_related("event", "user").get(pk=registration_id)
    if registration.status == Registration.Status.CANCELLED:
        return
    send_once(
        kind="ticket",
        user=registration.user,
        key=f"registration-{registration.pk}",
        build=lambda: _registration_message("ticket", "ticket", registration),
    )


def send_promotion(registration_id: int) -> None:
    """ "You are in": once per registration that moved up from the waitlist."""
    registration = Registration.objects.select_related("event", "user").get(pk=registration_id)
    if not registration.holds_seat:
        return
    send_once(
        kind="waitlist_promotion",
        user=registration.user,
        key=f"registration-{registration.pk}",
        build=lambda: _registration_message("waitlist_promotion", "promoted", registration),
    )


def send_event_cancelled(event_id: int, reason: str) -> int:
    event = Event.objects.get(pk=event_id)
    registrations = event.registrations.exclude(status=Registration.Status.CANCELLED)
    return _send_to_each(
        registrations, "cancelled", key=f"event-{event.pk}-cancelled", reason=reason
    )


def send_event_message(event_id: int, message_key: str, subject: str, body: str) -> int:
    """The organizers' message to every confirmed attendee; `message_key` tells one
    message from another, so each reaches each person once."""
    event = Event.objects.get(pk=event_id)
    return _send_to_each(
        event.registrations.holding_seats(),
        "organizer_message",
        key=f"event-{event.pk}-message-{message_key}",
        subject=subject,
        text=body,
    )


def _send_to_each(registrations, template: str, *, key: str, **context) -> int:
    """One SMTP connection for all of them; each person at most once per key."""
    sent = 0
    with mail.get_connection() as connection:
        for registration in registrations.select_related("user", "event"):
            sent += send_once(
                kind="event_update",
                user=registration.user,
                key=key,
                build=lambda r=registration: build_message(
                    kind="event_update",
                    user=r.user,
                    template=f"events/email/{template}",
                    context={"registration": r, "event": r.event, **context},
                ),
                connection=connection,
            )
    return sent


def send_schedule_changes(event_id: int) -> int:
    """One e-mail per person who starred a session that moved or left the grid, listing
    every change not announced yet; returns how many were sent.

    The changes are locked and marked as announced in the same transaction; the ledger
    key names the changes, so a retry after a crash sends nobody the same news twice.
    """
    with transaction.atomic():
        changes = list(
            ScheduleChange.objects.select_for_update(skip_locked=True)
            .filter(event_id=event_id, notified_at__isnull=True)
            .select_related("proposal", "event")
            .order_by("created_at", "pk")
        )
        if not changes:
            return 0
        event = changes[0].event
        by_proposal: dict[int, list[ScheduleChange]] = {}
        for change in changes:
            by_proposal.setdefault(change.proposal_id, []).append(change)
        per_person: dict[int, tuple] = {}
        stars = Star.objects.filter(proposal_id__in=by_proposal).select_related("user")
        for star in stars.order_by("user_id", "proposal_id"):
            person, listed = per_person.setdefault(star.user_id, (star.user, []))
            listed.extend(by_proposal[star.proposal_id])
        sent = 0
        with mail.get_connection() as connection:
            for person, listed in per_person.values():
                listed = sorted(listed, key=lambda c: (c.created_at, c.pk))
                sent += send_once(
                    kind="schedule_change",
                    user=person,
                    key=f"schedule-{event.pk}-" + "-".join(str(c.pk) for c in listed)[:150],
                    build=lambda p=person, changes=listed: build_message(
                        kind="schedule_change",
                        user=p,
                        template="events/email/schedule_changed",
                        context={"person": p, "event": event, "changes": changes},
                    ),
                    connection=connection,
                )
        ScheduleChange.objects.filter(pk__in=[c.pk for c in changes]).update(
            notified_at=timezone.now()
        )
    return sent
