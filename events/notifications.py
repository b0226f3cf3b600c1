"""E-mails about events: rendered from templates, sent from a worker, each at most once
(hub.notifications keeps the ledger)."""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.core import mail, signing
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.models import Event, Registration, ScheduleChange, SessionProposal, Star
from hub.notifications import build_message, send_once


def ticket_qr_png(ticket_code: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(ticket_code, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def ticket_qr_svg(ticket_code: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(ticket_code, error="m").save(
        buffer,
        kind="svg",
        scale=8,
        border=2,
        title=_("Ticket %(code)s") % {"code": ticket_code},
        svgclass=None,
    )
    return buffer.getvalue()


def _registration_message(kind: str, template: str, registration: Registration, **context):
    attachments = []
    if registration.has_ticket:
        attachments.append(("ticket-qr.png", ticket_qr_png(registration.ticket_code), "image/png"))
    return build_message(
        kind=kind,
        user=registration.user,
        template=f"events/email/{template}",
        context={"registration": registration, "event": registration.event, **context},
        attachments=attachments,
    )


def _registration(registration_id: int) -> Registration:
    return Registration.objects.select_related("event", "user").get(pk=registration_id)


def _tell_once(registration: Registration, *, kind: str, key: str, template: str, **context):
    """The e-mail `template` about `registration` to its person, once per `key` and
    registration."""
    send_once(
        kind=kind,
        user=registration.user,
        key=f"{key}-{registration.pk}",
        build=lambda: _registration_message(kind, template, registration, **context),
    )


def send_ticket(registration_id: int) -> None:
    """The ticket (or waitlist place) right after registering; once per registration."""
    registration = _registration(registration_id)
    if registration.status != Registration.Status.CANCELLED:
        _tell_once(registration, kind="ticket", key="registration", template="ticket")


def send_promotion(registration_id: int) -> None:
    """ "You are in": once per registration that moved up from the waitlist (with an offer:
    once it is confirmed)."""
    registration = _registration(registration_id)
    if registration.status in (Registration.Status.CONFIRMED, Registration.Status.CHECKED_IN):
        _tell_once(registration, kind="waitlist_promotion", key="registration", template="promoted")


# --- Seat offers: the signed link in the e-mail speaks for the person ----------------------

OFFER_SALT = "events.waitlist.offer"


def offer_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=OFFER_SALT)


def registration_for_offer_token(token: str) -> Registration | None:
    """The registration an offer link stands for; None if the link was tampered with."""
    try:
        pk = signing.loads(token, salt=OFFER_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Registration.objects.select_related("event", "user").filter(pk=pk).first()


def offer_url(registration: Registration) -> str:
    """The offer's link, in the person's language (the e-mail it goes into is)."""
    with translation.override(registration.user.preferred_language):
        path = reverse(
            "events:offer-link",
            kwargs={"slug": registration.event.slug, "token": offer_token(registration)},
        )
    return f"{settings.HUB_SITE_URL}{path}"


def send_seat_offer(registration_id: int) -> None:
    """ "A seat is yours if you confirm by …": once per offer, while it is open."""
    registration = _registration(registration_id)
    if registration.status == Registration.Status.OFFERED:
        _tell_once(
            registration,
            kind="waitlist_promotion",
            key="offer",
            template="offer",
            offer_url=offer_url(registration),
        )


def send_offer_expired(registration_id: int) -> None:
    """ "Your offer ran out": once per offer that expired unanswered."""
    registration = _registration(registration_id)
    if registration.status == Registration.Status.CANCELLED:
        _tell_once(
            registration, kind="waitlist_promotion", key="offer-expired", template="offer_expired"
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


# --- Changes to the published grid, for the people who starred a session ------------------

# Organizers change several sessions in a row: the news waits until the grid has been quiet
# this long, so each person gets one e-mail for the whole batch; and never longer than
# SCHEDULE_NEWS_LONGEST_WAIT, so an organizer who keeps editing does not hold it back forever.
SCHEDULE_NEWS_QUIET = timedelta(minutes=10)
SCHEDULE_NEWS_LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class ScheduleNews:
    """What happened to one session in a batch: moved, back (on the schedule) or removed."""

    proposal: SessionProposal
    kind: str
    before: str
    after: str


def schedule_news(changes: list[ScheduleChange]) -> list[ScheduleNews]:
    """A batch of changes (in order) as news per session: from where it was before the first
    change to where it is after the last. A change with no `before` put the session (back)
    on the grid; a session moved and moved back again is no news."""
    by_proposal: dict[int, list[ScheduleChange]] = {}
    for change in changes:
        by_proposal.setdefault(change.proposal_id, []).append(change)
    news = []
    for listed in by_proposal.values():
        before = listed[0].before
        after = "" if listed[-1].kind == ScheduleChange.Kind.REMOVED else listed[-1].after
        if before == after:
            continue
        kind = "removed" if not after else "back" if not before else "moved"
        news.append(ScheduleNews(listed[0].proposal, kind, before, after))
    return news


def announce_schedule_changes(*, now: datetime | None = None) -> int:
    """Send the news of every event whose batch of changes is due; returns how many e-mails
    went out. The periodic task calls this."""
    now = now or timezone.now()
    pending = (
        ScheduleChange.objects.filter(notified_at__isnull=True)
        .order_by("event_id")
        .values("event_id")
        .annotate(first=Min("created_at"), last=Max("created_at"))
    )
    due = [
        row["event_id"]
        for row in pending
        if row["last"] <= now - SCHEDULE_NEWS_QUIET
        or row["first"] <= now - SCHEDULE_NEWS_LONGEST_WAIT
    ]
    return sum(send_schedule_changes(event_id) for event_id in due)


def send_schedule_changes(event_id: int) -> int:
    """One e-mail per person who starred a session that moved, came back or left the grid,
    listing what every change not announced yet comes to; returns how many were sent.

    No transaction around the sending: each person's claim in the ledger commits before
    their e-mail goes out, and its key names the changes, so a retry after a crash half-way
    (or a second run at the same moment) sends nobody the same news twice. The changes are
    marked as announced once everyone has been told.
    """
    changes = list(
        ScheduleChange.objects.filter(event_id=event_id, notified_at__isnull=True)
        .select_related("proposal", "event")
        .order_by("created_at", "pk")
    )
    if not changes:
        return 0
    event = changes[0].event
    ordered = schedule_news(changes)
    news = {item.proposal.pk: item for item in ordered}
    change_ids = {}
    for change in changes:
        change_ids.setdefault(change.proposal_id, []).append(change.pk)
    per_person: dict[int, tuple] = {}
    stars = Star.objects.filter(proposal_id__in=news).select_related("user")
    for star in stars.order_by("user_id", "proposal_id"):
        person, listed = per_person.setdefault(star.user_id, (star.user, []))
        listed.append(news[star.proposal_id])
    sent = 0
    with mail.get_connection() as connection:
        for person, listed in per_person.values():
            listed.sort(key=ordered.index)
            keys = sorted(pk for item in listed for pk in change_ids[item.proposal.pk])
            sent += send_once(
                kind="schedule_change",
                user=person,
                key=f"schedule-{event.pk}-" + "-".join(map(str, keys))[:150],
                build=lambda p=person, items=listed: build_message(
                    kind="schedule_change",
                    user=p,
                    template="events/email/schedule_changed",
                    context={"person": p, "event": event, "news": items},
                ),
                connection=connection,
            )
    ScheduleChange.objects.filter(pk__in=[c.pk for c in changes], notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return sent
