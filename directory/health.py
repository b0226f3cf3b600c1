"""Project health: what the forges say about each published project, and the rules the
project page explains it by.

The forge-sync job (directory.tasks.forge_sync_task, beat every 30 minutes, and
`manage.py forge_sync`) reads a batch of due projects through hub.forge and stores one
ProjectHealth row each. A project is due when it has never been read, when its repository
address changed, or when its next attempt has come (HUB_FORGE_SYNC_INTERVAL_HOURS after a
read; sooner, growing, after a forge error; 30 days after a 404, an archived repository or a
host the hub does not read). A rate limit stops the batch and moves every project it had
claimed to the time the forge names.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.licenses import spdx_ids_by_lowercase
from directory.models import ListingStatus, Project, ProjectHealth
from directory.queries import directory_cache_invalidate
from hub.forge import (
    ForgeClient,
    ForgeError,
    ForgeNotFound,
    ForgeRateLimited,
    ForgeUnavailable,
    NotModified,
    parse_repository_url,
)

logger = logging.getLogger(__name__)

ACTIVE_DAYS = 90
RELEASE_DAYS = 365
SCORECARD_GOOD = 5.0
# A 404, an archived repository or an unknown host is read again after this long.
SETTLED_RETRY = timedelta(days=30)
# While a batch works on its projects, another run leaves them alone this long.
CLAIM_LEASE = timedelta(hours=1)
LONGEST_BACKOFF = timedelta(hours=24)

Result = ProjectHealth.Result
Activity = ProjectHealth.Activity


# --- Rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One line of the health card: what the rule asks, whether it is met, and the figure.

    `met` is None when the forge gave nothing to judge by (no Scorecard for the repository).
    """

    key: str
    label: str
    met: bool | None
    figure: str


def _ago(when: datetime, now: datetime) -> str:
    return _("%(time)s ago") % {"time": timesince(when, now).split(",")[0]}


def activity_of(health: ProjectHealth, now: datetime) -> str:
    """active (a commit in the last 90 days), quiet, or archived."""
    if health.archived:
        return Activity.ARCHIVED
    if health.last_commit_at and health.last_commit_at >= now - timedelta(days=ACTIVE_DAYS):
        return Activity.ACTIVE
    return Activity.QUIET


def health_rules(health: ProjectHealth, now: datetime | None = None) -> list[Rule]:
    """The card's rules, in order, each met or not with the figure that decides it."""
    now = now or timezone.now()
    last_commit = health.last_commit_at
    contributors = health.active_contributors or 0
    release = health.last_release_at
    score = health.scorecard_score
    return [
        Rule(
            "active",
            _("Active: a commit in the last %(days)s days") % {"days": ACTIVE_DAYS},
            bool(last_commit and last_commit >= now - timedelta(days=ACTIVE_DAYS)),
            _("Last commit %(ago)s") % {"ago": _ago(last_commit, now)}
            if last_commit
            else _("No commit in the last 12 months"),
        ),
        Rule(
            "maintainers",
            _("Maintained by more than one person"),
            contributors > 1,
            ngettext(
                "%(n)s contributor in the last 12 months",
                "%(n)s contributors in the last 12 months",
                contributors,
            )
            % {"n": contributors},
        ),
        Rule(
            "release",
            _("A release in the last year"),
            bool(release and release >= now - timedelta(days=RELEASE_DAYS)),
            f"{health.last_release_name or _('Latest release')}, {_ago(release, now)}"
            if release
            else _("No release published"),
        ),
        Rule(
            "not_archived",
            _("Not archived"),
            not health.archived,
            _("Archived on the forge: read-only") if health.archived else _("Open for changes"),
        ),
        Rule(
            "license",
            _("License found"),
            health.license_found,
            (health.license_spdx or _("A license file the forge could not identify"))
            if health.license_found
            else _("No license file found"),
        ),
        Rule(
            "scorecard",
            _("OpenSSF Scorecard %(score)s or more") % {"score": f"{SCORECARD_GOOD:g}"},
            None if score is None else score >= SCORECARD_GOOD,
            _("Not scored by OpenSSF Scorecard")
            if score is None
            else _("%(score)s of 10") % {"score": number_format(score, 1)},
        ),
    ]


# --- Sync ------------------------------------------------------------------------------------


@dataclass
class SyncReport:
    """What one run did: per project's result, and the forge's figures."""

    attempted: int = 0
    results: dict[str, int] = field(default_factory=dict)
    paused_until: datetime | None = None
    requests: int = 0
    not_modified_answers: int = 0

    def count(self, result: str) -> None:
        self.results[result] = self.results.get(result, 0) + 1


def _syncable_projects():
    return Project.objects.filter(status=ListingStatus.PUBLISHED).exclude(repository_url="")


def _due(now: datetime) -> Q:
    return (
        Q(next_attempt_at__isnull=True)
        | Q(next_attempt_at__lte=now)
        | (~Q(repository_url="") & ~Q(repository_url=F("project__repository_url")))
    )


def claim_due(*, now: datetime, limit: int, slugs: list[str] | None = None) -> list[int]:
    """Claim up to `limit` due projects for this run: their health rows' ids, most overdue
    first. Claimed rows are not due for CLAIM_LEASE, so concurrent runs share no project."""
    projects = _syncable_projects()
    if slugs:
        projects = projects.filter(slug__in=slugs)
    missing = projects.filter(health__isnull=True).values_list("pk", flat=True)
    ProjectHealth.objects.bulk_create(
        [ProjectHealth(project_id=pk) for pk in missing], ignore_conflicts=True
    )
    with transaction.atomic():
        rows = ProjectHealth.objects.filter(project__in=projects)
        if not slugs:
            rows = rows.filter(_due(now))
        ids = list(
            rows.select_for_update(skip_locked=True, of=("self",))
            .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
            .values_list("pk", flat=True)[:limit]
        )
        ProjectHealth.objects.filter(pk__in=ids).update(next_attempt_at=now + CLAIM_LEASE)
    return ids


def _backoff(failures: int) -> timedelta:
    return min(timedelta(hours=2 ** max(failures - 1, 0)), LONGEST_BACKOFF)


def refresh_health(health: ProjectHealth, forge: ForgeClient, now: datetime) -> str:
    """Read one project's repository and store what the forge says; the result's name.

    ForgeRateLimited passes through: the batch stops there.
    """
    url = health.project.repository_url
    interval = timedelta(hours=settings.HUB_FORGE_SYNC_INTERVAL_HOURS)
    ref = parse_repository_url(url)
    if ref is None:
        health.repository_url = url
        health.last_result, health.last_error = Result.UNSUPPORTED, ""
        # What was read before described another repository: no card, no badge.
        health.fetched_at, health.activity = None, ""
        health.next_attempt_at = now + SETTLED_RETRY
        health.save()
        return Result.UNSUPPORTED
    if url != health.repository_url:
        # Another repository: nothing of the last one's may be taken for it.
        health.etags = {}
    etags = dict(health.etags)
    try:
        repository = forge.repository(ref, etag=etags.get("repository", ""))
        if isinstance(repository, NotModified):
            result = Result.NOT_MODIFIED
        else:
            result = Result.FETCHED
            etags["repository"] = repository.etag
            health.stars, health.forks = repository.stars, repository.forks
            health.open_issues = repository.open_issues
            health.archived = repository.archived
            health.license_found = repository.license_found
            # GitLab spells SPDX ids in lower case ("apache-2.0").
            spdx = repository.license_spdx
            health.license_spdx = spdx_ids_by_lowercase().get(spdx.lower(), spdx)
            activity = forge.activity(ref, since=now - timedelta(days=365))
            health.last_commit_at = activity.last_commit_at
            health.active_contributors = activity.active_contributors
            release = forge.latest_release(ref, etag=etags.get("release", ""))
            if release is None:
                health.last_release_at, health.last_release_name = None, ""
                etags.pop("release", None)
            elif not isinstance(release, NotModified):
                health.last_release_at = release.published_at
                health.last_release_name = release.name or release.tag
                etags["release"] = release.etag
            health.scorecard_score = _scorecard_or_kept(forge, ref, health.scorecard_score)
    except ForgeNotFound as error:
        health.repository_url = url
        health.last_result, health.last_error = Result.NOT_FOUND, str(error)[:300]
        health.fetched_at, health.activity = None, ""
        health.next_attempt_at = now + SETTLED_RETRY
        health.save()
        return Result.NOT_FOUND
    except ForgeUnavailable as error:
        health.failures += 1
        health.last_result, health.last_error = Result.ERROR, str(error)[:300]
        health.next_attempt_at = now + _backoff(health.failures)
        health.save(update_fields=["failures", "last_result", "last_error", "next_attempt_at"])
        return Result.ERROR
    health.repository_url = url
    health.source_url = ref.url
    health.forge_host = ref.host
    health.etags = etags
    health.fetched_at = now
    health.failures = 0
    health.last_result, health.last_error = result, ""
    health.activity = activity_of(health, now)
    health.next_attempt_at = now + (SETTLED_RETRY if health.archived else interval)
    health.save()
    return result


def _scorecard_or_kept(forge: ForgeClient, ref, kept: float | None) -> float | None:
    """Scorecard is another service: its trouble keeps the last score and fails nothing else."""
    try:
        scorecard = forge.scorecard(ref)
    except ForgeError as error:
        logger.info("Scorecard of %s not read: %s", ref.url, error)
        return kept
    return scorecard.score if scorecard else None


def sync_projects(
    *,
    limit: int | None = None,
    slugs: list[str] | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> SyncReport:
    """One run: claim a batch of due projects (or the named ones) and refresh each once."""
    now = now or timezone.now()
    limit = settings.HUB_FORGE_SYNC_BATCH if limit is None else limit
    ids = claim_due(now=now, limit=limit, slugs=slugs)
    report = SyncReport()
    with ForgeClient() as forge:
        rows = ProjectHealth.objects.filter(pk__in=ids).select_related("project")
        by_pk = {row.pk: row for row in rows}
        for position, health in enumerate((by_pk[pk] for pk in ids), start=1):
            try:
                result = refresh_health(health, forge, now)
            except ForgeRateLimited as paused:
                report.paused_until = paused.until
                _pause(ids[position - 1 :], paused.until)
                report.count(Result.RATE_LIMITED)
                if progress:
                    progress(position, len(ids), f"paused until {paused.until:%H:%M} UTC")
                break
            report.attempted += 1
            report.count(result)
            if progress:
                progress(position, len(ids), health.project.slug)
        report.requests = forge.stats.requests
        report.not_modified_answers = forge.stats.not_modified
    if report.attempted:
        transaction.on_commit(directory_cache_invalidate)
    return report


def _pause(ids: list[int], until: datetime) -> None:
    ProjectHealth.objects.filter(pk__in=ids).update(
        next_attempt_at=until,
        last_result=Result.RATE_LIMITED,
        last_error=f"Paused by the forge until {until:%Y-%m-%d %H:%M} UTC",
    )
