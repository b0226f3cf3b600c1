"""A person's secret calendar address (CalendarFeed): the events they registered for and the
sessions they starred, for a calendar app, which cannot sign in. The token in the address is
the only key: unguessable, compared in constant time, replaced or withdrawn by the person.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from events.models import CalendarFeed, Event, Registration, ScheduledSession
from events.queries import FEED_KEEPS_PAST_DAYS, PUBLIC_PROPOSAL_STATUSES, public_events_q
from hub.audit import audit_record
from hub.models import User

TOKEN_BYTES = 32

# Registrations the feed shows: seats (confirmed, checked in, offered) and waitlist places,
# which a calendar marks as tentative. Cancelled registrations are left out.
FEED_STATUSES = (
    Registration.Status.CONFIRMED,
    Registration.Status.CHECKED_IN,
    Registration.Status.OFFERED,
    Registration.Status.WAITLISTED,
)


def feed_of(user) -> CalendarFeed | None:
    if not user.is_authenticated:
        return None
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic(durable=True)
def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """A new secret address for `user`; the one they had (if any) stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=user, token=token)
        audit_record(actor=user, action="calendar_feed.create", target=feed)
    else:
        feed.token, feed.created_at = token, timezone.now()
        feed.save(update_fields=["token", "created_at"])
        audit_record(actor=user, action="calendar_feed.renew", target=feed)
    return feed


@transaction.atomic(durable=True)
def calendar_feed_revoke(*, user: User) -> bool:
    """Withdraw the address: calendars subscribed to it get nothing more. True if there was one."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return False
    audit_record(actor=user, action="calendar_feed.revoke", target=feed)
    feed.delete()
    return True


def feed_for_token(feed_id: int, token: str) -> CalendarFeed | None:
    """The feed an address names, if its token is the current one and its owner active."""
    feed = CalendarFeed.objects.select_related("user").filter(pk=feed_id).first()
    if feed is None or not secrets.compare_digest(feed.token.encode(), token.encode()):
        return None
    return feed if feed.user.is_active else None


def feed_registrations(user: User, *, now=None) -> list[Registration]:
    """The person's registrations for public events that have not ended, or ended recently."""
    now = now or timezone.now()
    return list(
        Registration.objects.filter(
            public_events_q("event__"),
            user=user,
            status__in=FEED_STATUSES,
            event__ends_at__gte=now - timedelta(days=FEED_KEEPS_PAST_DAYS),
        )
        .select_related("event", "event__organization")
        .order_by("event__starts_at", "pk")
    )


def feed_sessions(user: User, *, now=None) -> list[ScheduledSession]:
    """The sessions the person starred on the published schedules of published events."""
    now = now or timezone.now()
    return list(
        ScheduledSession.objects.filter(
            proposal__stars__user=user,
            proposal__status__in=PUBLIC_PROPOSAL_STATUSES,
            slot__event__status=Event.Status.PUBLISHED,
            slot__event__schedule_published=True,
            slot__ends_at__gte=now - timedelta(days=FEED_KEEPS_PAST_DAYS),
        )
        .select_related("proposal__proposer", "proposal__event", "room", "slot")
        .prefetch_related("proposal__co_hosts")
        .order_by("slot__starts_at", "room__name")
    )
