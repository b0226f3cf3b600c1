"""Reminder jobs: events a day ahead, pledge periods starting, hours waiting for review.
Each message goes out at most once, whatever how often the jobs run."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db.models import Exists, OuterRef
from django.utils import timezone

from directory.models import Membership
from events.calendar import calendar_bytes
from events.models import Event, Registration
from events.notifications import ticket_qr_png
from hub.notifications import build_message, send_once
from pledges.models import Contribution, Pledge
from pledges.periods import period_containing

PLEDGE_REMINDER_WINDOW_DAYS = 7
PENDING_REVIEW_AFTER_DAYS = 7


@dataclass
class JobReport:
    considered: int = 0
    sent: int = 0

    def send(self, connection, *, kind: str, user, key: str, context: dict, **message) -> None:
        """The e-mail `hub/email/<kind>` to `user`, once per `key`, counted."""
        self.considered += 1
        self.sent += send_once(
            kind=kind,
            user=user,
            key=key,
            build=lambda: build_message(
                kind=kind,
                user=user,
                template=f"hub/email/{kind}",
                context=context,
                **message,
            ),
            connection=connection,
        )


def absolute_url(path: str) -> str:
    return f"{settings.HUB_SITE_URL}{path}"


def send_event_reminders(*, now=None) -> JobReport:
    """Remind confirmed attendees of events starting within HUB_EVENT_REMINDER_HOURS."""
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.HUB_EVENT_REMINDER_HOURS)
    registrations = Registration.objects.filter(
        status__in=Registration.TICKET_HOLDING,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=horizon,
    ).select_related("event", "user")
    report = JobReport()
    with mail.get_connection() as connection:
        for registration in registrations:
            report.considered += 1
            event = registration.event
            report.sent += send_once(
                kind="event_reminder",
                user=registration.user,
                key=f"event-{event.pk}-{event.starts_at:%Y%m%dT%H%M}",
                build=lambda r=registration: build_message(
                    kind="event_reminder",
                    user=r.user,
                    template="hub/email/event_reminder",
                    context={"event": r.event, "registration": r},
                    attachments=[
                        (
                            "event.ics",
                            calendar_bytes([r.event], absolute_url=absolute_url),
                            "text/calendar",
                        ),
                        ("ticket-qr.png", ticket_qr_png(r.ticket_code), "image/png"),
                    ],
                ),
                connection=connection,
            )
    return report


def send_pledge_reminders(*, today=None) -> JobReport:
    """Early in each period, nudge members who have not logged hours in it yet."""
    today = today or timezone.localdate()
    report = JobReport()
    pledges = Pledge.objects.filter(
        status=Pledge.Status.ACTIVE, starts_on__lte=today
    ).select_related("organization")
    with mail.get_connection() as connection:
        for pledge in pledges:
            span = period_containing(today, pledge.period)
            if (today - span.start).days >= PLEDGE_REMINDER_WINDOW_DAYS:
                continue
            logged = Contribution.objects.filter(
                pledge=pledge,
                contributor=OuterRef("user"),
                date__gte=span.start,
                date__lte=span.end,
            )
            members = (
                Membership.objects.filter(
                    organization=pledge.organization, status=Membership.Status.ACTIVE
                )
                .exclude(Exists(logged))
                .select_related("user")
            )
            for membership in members:
                report.send(
                    connection,
                    kind="pledge_reminder",
                    user=membership.user,
                    key=f"pledge-{pledge.pk}-{span.start.isoformat()}",
                    context={"pledge": pledge, "period": span},
                )
    return report


def send_pending_review_reminders(*, today=None) -> JobReport:
    """Tell organization admins, once a week, about others' logs waiting more than a week."""
    today = today or timezone.localdate()
    cutoff = timezone.now() - timedelta(days=PENDING_REVIEW_AFTER_DAYS)
    waiting = defaultdict(list)
    for contribution in Contribution.objects.filter(
        status=Contribution.Status.PENDING, created_at__lte=cutoff
    ).select_related("pledge__organization", "contributor", "project"):
        waiting[contribution.pledge.organization].append(contribution)
    year, week, _ = today.isocalendar()
    report = JobReport()
    with mail.get_connection() as connection:
        for organization, contributions in waiting.items():
            admins = Membership.objects.filter(
                organization=organization,
                status=Membership.Status.ACTIVE,
                role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
            ).select_related("user")
            for membership in admins:
                # Nobody reviews their own hours: an admin hears only of the others' logs.
                theirs = [c for c in contributions if c.contributor_id != membership.user_id]
                if not theirs:
                    continue
                report.send(
                    connection,
                    kind="pending_review",
                    user=membership.user,
                    key=f"pending-{organization.pk}-{year}-W{week:02d}",
                    context={"organization": organization, "contributions": theirs},
                )
    return report
