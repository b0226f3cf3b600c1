"""E-mails about events, rendered from templates and sent from a worker."""

import io

import segno
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from events.models import Event, Registration, ScheduleChange, Star


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


def _context(**extra) -> dict:
    return {
        "hub_name": settings.HUB_NAME,
        "hub_postal_address": settings.HUB_POSTAL_ADDRESS,
        "site_url": settings.HUB_SITE_URL,
        **extra,
    }


def _message(template: str, context: dict, to: list[str]) -> EmailMultiAlternatives:
    subject = render_to_string(f"events/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"events/email/{template}.txt", context)
    return EmailMultiAlternatives(subject=subject, body=body, to=to)


def send_ticket(registration_id: int) -> None:
    registration = Registration.objects.select_related("event", "user").get(pk=registration_id)
    if registration.status == Registration.Status.CANCELLED:
        return
    message = _message(
        "ticket",
        _context(registration=registration, event=registration.event),
        [registration.user.email],
    )
    if registration.holds_seat:
        message.attach("ticket-qr.png", ticket_qr_png(registration.ticket_code), "image/png")
    message.send()


def send_promotion(registration_id: int) -> None:
    registration = Registration.objects.select_related("event", "user").get(pk=registration_id)
    if not registration.holds_seat:
        return
    message = _message(
        "promoted",
        _context(registration=registration, event=registration.event),
        [registration.user.email],
    )
    message.attach("ticket-qr.png", ticket_qr_png(registration.ticket_code), "image/png")
    message.send()


def send_event_cancelled(event_id: int, reason: str) -> None:
    event = Event.objects.get(pk=event_id)
    registrations = event.registrations.exclude(status=Registration.Status.CANCELLED)
    _send_to_each(registrations, "cancelled", {"event": event, "reason": reason})


def send_event_message(event_id: int, subject: str, body: str) -> None:
    event = Event.objects.get(pk=event_id)
    registrations = event.registrations.holding_seats()
    _send_to_each(
        registrations, "organizer_message", {"event": event, "subject": subject, "text": body}
    )


def _send_to_each(registrations, template: str, context: dict) -> None:
    """One SMTP connection for the whole batch."""
    messages = [
        _message(
            template, _context(registration=registration, **context), [registration.user.email]
        )
        for registration in registrations.select_related("user")
    ]
    with mail.get_connection() as connection:
        connection.send_messages(messages)


def send_schedule_changes(event_id: int) -> int:
    """One e-mail per person who starred a session that moved or left the grid, listing
    every change not announced yet; returns how many were sent.

    The changes are locked and marked as announced in the same transaction that sends, so a
    second run (or a second task of the same batch) finds nothing left to tell.
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
        messages = [
            _message(
                "schedule_changed",
                _context(
                    person=person,
                    event=event,
                    changes=sorted(listed, key=lambda c: (c.created_at, c.pk)),
                ),
                [person.email],
            )
            for person, listed in per_person.values()
        ]
        if messages:
            with mail.get_connection() as connection:
                connection.send_messages(messages)
        ScheduleChange.objects.filter(pk__in=[c.pk for c in changes]).update(
            notified_at=timezone.now()
        )
    return len(messages)
