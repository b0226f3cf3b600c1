"""The weekly digest: built once, sent in batches with one SMTP connection per batch and a
constant number of queries per batch, never holding every subscriber in memory."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext, ngettext_lazy

from directory.queries import public_organizations, public_projects
from events.models import Event, Registration
from events.queries import public_events
from hub.models import SentNotification, User
from hub.notifications import build_message, hub_context, users_who_want
from pledges.asks.digest import with_matching_asks
from pledges.asks.queries import asks_for_readers, new_asks_since
from pledges.leaderboards import leaderboards

logger = logging.getLogger(__name__)
KIND = "weekly_digest"


def digest_key(today) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def digest_content(now=None) -> dict:
    """What this week's digest says: the same for every subscriber, built once per run."""
    now = now or timezone.now()
    since = now - timedelta(days=7)
    seats = Count("registrations", filter=Q(registrations__status__in=Registration.SEAT_HOLDING))
    upcoming = list(
        # The public's events, less the cancelled ones: nobody is invited to those.
        public_events()
        .filter(
            status=Event.Status.PUBLISHED,
            starts_at__gte=now,
            starts_at__lte=now + timedelta(days=30),
        )
        .annotate(seats_taken=seats)
        .order_by("starts_at")[:8]
    )
    new_organizations = public_organizations().filter(published_at__gte=since)
    new_projects = public_projects().filter(published_at__gte=since)
    return {
        "organizations": list(new_organizations.order_by("name")[:10]),
        "organization_count": new_organizations.count(),
        "projects": list(new_projects.order_by("name")[:10]),
        "project_count": new_projects.count(),
        "events": [e for e in upcoming if e.capacity is None or e.seats_taken < e.capacity],
        "seeking": list(
            public_projects().filter(seeking_contributors=True).order_by("-published_at")[:6]
        ),
        "totals": leaderboards()["totals"],
        # Each reader gets those that match them (pledges.asks.digest), not the whole list.
        "new_asks": new_asks_since(since),
    }


def digest_headline(content: dict) -> str:
    """What the subject promises, from the week's numbers: "3 upcoming events, 2 new
    projects, 1 new organization"; a number only when it is not zero, and the projects
    looking for contributors when nothing else is new ("" when there is nothing at all)."""
    counts = [
        (
            len(content["events"]),
            ngettext_lazy("%(n)d upcoming event", "%(n)d upcoming events", "n"),
        ),
        (content["project_count"], ngettext_lazy("%(n)d new project", "%(n)d new projects", "n")),
        (
            content["organization_count"],
            ngettext_lazy("%(n)d new organization", "%(n)d new organizations", "n"),
        ),
    ]
    news = [phrase % {"n": n} for n, phrase in counts if n]
    if not news and content["seeking"]:
        seeking = len(content["seeking"])
        news = [
            ngettext(
                "%(n)d project looking for contributors",
                "%(n)d projects looking for contributors",
                seeking,
            )
            % {"n": seeking}
        ]
    return ", ".join(news)


def digest_news(content: dict) -> dict:
    """The digest's news as text and HTML and its subject's headline, in the active language:
    rendered once per run and language; only a small wrapper (greeting, footer, unsubscribe
    link) is rendered per person."""
    context = {**hub_context(), **content}
    return {
        "news_text": render_to_string("hub/email/digest_news.txt", context),
        "news_html": render_to_string("hub/email/digest_news.html", context),
        "headline": digest_headline(content),
    }


@dataclass
class DigestRun:
    recipients: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    batches: int = 0
    connections: int = 0
    failures: list[str] = field(default_factory=list)


def send_digest(
    *,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    now=None,
) -> DigestRun:
    """Send this week's digest to everyone who opted in and has not had it yet."""
    now = now or timezone.now()
    batch_size = batch_size or settings.HUB_DIGEST_BATCH_SIZE
    key = digest_key(timezone.localdate(now))
    content = digest_content(now)
    news_by_language: dict[str, dict] = {}

    def news_for(user: User) -> dict:
        language = user.preferred_language
        if language not in news_by_language:
            with translation.override(language):
                news_by_language[language] = digest_news(content)
        return news_by_language[language]

    subscribers = users_who_want(KIND).order_by("pk")
    run = DigestRun(recipients=subscribers.count())
    last_pk = 0
    while True:
        batch = list(
            subscribers.filter(pk__gt=last_pk).only("pk", "email", "display_name", "language")[
                :batch_size
            ]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        run.batches += 1
        if dry_run:
            already = set(
                SentNotification.objects.filter(
                    kind=KIND, key=key, recipient__in=batch
                ).values_list("recipient_id", flat=True)
            )
            run.sent += len(batch) - len(already)
            run.skipped += len(already)
        else:
            _send_batch(batch, key, news_for, run, new_asks=content["new_asks"])
        if progress:
            progress(run.sent + run.skipped + run.failed, run.recipients)
    return run


def _send_batch(
    batch: list[User], key: str, news_for: Callable, run: DigestRun, *, new_asks: list
) -> None:
    token = uuid.uuid4().hex
    SentNotification.objects.bulk_create(
        [SentNotification(kind=KIND, recipient=user, key=key, claim_token=token) for user in batch],
        ignore_conflicts=True,
    )
    mine = set(
        SentNotification.objects.filter(kind=KIND, key=key, claim_token=token).values_list(
            "recipient_id", flat=True
        )
    )
    run.skipped += len(batch) - len(mine)
    if not mine:
        return
    sent, bounced, unsent = [], [], []
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception:
        # The server is away and nothing went out: the next run may send the whole batch.
        SentNotification.objects.filter(kind=KIND, key=key, claim_token=token).delete()
        raise
    run.connections += 1
    asks_by_reader = asks_for_readers(batch, new_asks)
    with connection:
        for user in batch:
            if user.pk not in mine:
                continue
            # The reader's asks section in the reader's language, as the rest of the mail.
            with translation.override(user.preferred_language):
                news = with_matching_asks(news_for(user), asks_by_reader.get(user.pk, []))
            message = build_message(kind=KIND, user=user, template="hub/email/digest", context=news)
            message.connection = connection
            try:
                message.send()
            except Exception as error:  # noqa: BLE001 - one bad address never blocks the batch
                logger.warning("Digest to %s failed: %s", user.email, error)
                run.failures.append(f"{user.email}: {error}")
                is_bounce = (
                    getattr(error, "smtp_code", 0) >= 500 or "Refused" in type(error).__name__
                )
                (bounced if is_bounce else unsent).append(user.pk)
            else:
                sent.append(user.pk)
    now = timezone.now()
    SentNotification.objects.filter(kind=KIND, key=key, recipient__in=sent).update(sent_at=now)
    SentNotification.objects.filter(kind=KIND, key=key, recipient__in=bounced).update(
        error="refused by the mail server"
    )
    # Temporary failures give their claim back, so the next run tries them again.
    SentNotification.objects.filter(
        kind=KIND, key=key, recipient__in=unsent, claim_token=token
    ).delete()
    run.sent += len(sent)
    run.failed += len(bounced) + len(unsent)
