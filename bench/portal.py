"""The benchmark's side inside Django: pick the pages, prepare the registration rush, check
its outcome, count SQL queries per page. Import after django.setup() (bench/run.py does),
with the same environment as the gunicorn it measures."""

import logging
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from directory.models import ListingStatus, Organization, ProjectRole
from events.models import Event, Registration
from hub.models import User

BATCH = 1000
RUSH_SLUG = "bench-registration-rush"


def row_counts() -> dict[str, int]:
    """Rows of the tables the scale is about (a model that does not exist yet is left out)."""
    counts = {}
    for label in (
        "directory.Organization",
        "directory.Project",
        "events.Event",
        "events.Registration",
        "hub.User",
        "pledges.Pledge",
        "pledges.Contribution",
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        counts[model._meta.verbose_name_plural] = model.objects.count()
    return counts


def _most_rows(rows, key: str) -> int | None:
    """The value of `key` that most of `rows` share (the lowest on a tie), if any."""
    row = rows.values(key).annotate(n=Count("id")).order_by("-n", key).first()
    return row[key] if row else None


def organization_slug() -> str:
    """The published organization with the most projects: the heaviest organization page."""
    published = Organization.objects.filter(status=ListingStatus.PUBLISHED)
    roles = ProjectRole.objects.filter(organization__status=ListingStatus.PUBLISHED)
    busiest = _most_rows(roles, "organization_id")
    if busiest:
        return Organization.objects.get(pk=busiest).slug
    return published.order_by("pk")[0].slug


def event_slug() -> str:
    """The upcoming published event with the most registrations."""
    upcoming = Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=timezone.now())
    busiest = _most_rows(Registration.objects.filter(event__in=upcoming), "event_id")
    if busiest:
        return Event.objects.get(pk=busiest).slug
    return upcoming.order_by("starts_at", "pk")[0].slug


def prepare_rush(*, people: int, seats: int) -> tuple[str, list[str]]:
    """An open summit with `seats` seats and `people` new users with API tokens, in bulk.

    Returns the event's slug and the users' token keys."""
    now = timezone.now()
    starts_at = (now + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    Event.objects.create(
        title="Benchmark Summit (registration rush)",
        slug=RUSH_SLUG,
        kind=Event.Kind.SUMMIT,
        summary="Created by the benchmark.",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=8),
        venue_name="Loopback Hall",
        capacity=seats,
        status=Event.Status.PUBLISHED,
        registration_opens_at=now - timedelta(hours=1),
    )
    password = make_password(None)
    emails = [f"bench-rush-{index}@example.org" for index in range(1, people + 1)]
    User.objects.bulk_create(
        [
            User(email=email, display_name=f"Rush {index}", password=password)
            for index, email in enumerate(emails, start=1)
        ],
        batch_size=BATCH,
    )
    user_ids = list(User.objects.filter(email__in=emails).values_list("id", flat=True))
    tokens = [Token(key=Token.generate_key(), user_id=user_id) for user_id in user_ids]
    Token.objects.bulk_create(tokens, batch_size=BATCH)
    return RUSH_SLUG, [token.key for token in tokens]


def rush_outcome(slug: str) -> dict:
    """What the database holds after the rush: seats, waitlist positions, capacity."""
    event = Event.objects.get(slug=slug)
    registrations = Registration.objects.filter(event=event)
    by_status = dict(
        registrations.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    positions = sorted(
        registrations.filter(status=Registration.Status.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    return {
        "capacity": event.capacity,
        "confirmed": by_status.get(Registration.Status.CONFIRMED, 0),
        "waitlisted": by_status.get(Registration.Status.WAITLISTED, 0),
        "positions": positions,
        "by_status": by_status,
    }


def count_queries(paths: list[str]) -> dict[str, dict]:
    """SQL queries of one anonymous GET per path, with the cache empty (cold) and again
    right after (warm), through Django's test client against the benchmark database."""
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    counts = {}
    request_log = logging.getLogger("django.request")
    request_log.disabled = True  # a failing page shows as its status in the table
    for path in paths:
        row = {}
        cache.clear()
        for state in ("cold", "warm"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            row[state] = len(captured)
            row["status"] = response.status_code
        counts[path] = row
    request_log.disabled = False
    cache.clear()
    return counts


def prepare_digest(*, subscribers: int) -> int:
    """`subscribers` people who opted in to the weekly digest (bulk inserts)."""
    from hub.models import NotificationSetting

    users = []
    for start in range(0, subscribers, BATCH):
        users += User.objects.bulk_create(
            [
                User(email=f"digest-reader-{n}@bench.example", display_name=f"Reader {n}")
                for n in range(start, min(start + BATCH, subscribers))
            ]
        )
    NotificationSetting.objects.bulk_create(
        [NotificationSetting(user=user, kind="weekly_digest", enabled=True) for user in users],
        batch_size=BATCH,
    )
    return NotificationSetting.objects.filter(kind="weekly_digest", enabled=True).count()
