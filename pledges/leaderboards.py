"""Public leaderboards, the hub's totals and the public list of pledges: computed by the
database from `pledges.queries`' public rules, cached, and stale whenever an approval, a
pledge or the directory (an organization published, archived, renamed) changes them."""

from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from directory.models import Project
from hub import cache_versions
from pledges.models import Period, Pledge
from pledges.periods import period_containing
from pledges.queries import (
    ZERO,
    has_checked_evidence,
    pledges_with_hours,
    public_contributions,
    public_pledges,
    public_pledges_with_hours,
)

VERSION_KEY = cache_versions.PLEDGES_LEADERBOARDS
CACHE_SECONDS = 3600
LIMIT = 10


def leaderboards_invalidate() -> None:
    """Every cached board is stale from now on (their keys carry the version)."""
    cache_versions.bump(VERSION_KEY)


def _versions() -> str:
    return cache_versions.combined((VERSION_KEY, cache_versions.DIRECTORY_LISTINGS))


def _organizations(today: date) -> dict:
    pledges = pledges_with_hours(
        public_pledges().filter(status=Pledge.Status.ACTIVE), today
    ).values(
        "organization__slug",
        "organization__name",
        "organization__logo",
        "pledged",
        "this_period",
        "all_time",
    )
    by_organization: dict[str, dict] = {}
    for pledge in pledges:
        row = by_organization.setdefault(
            pledge["organization__slug"],
            {
                "slug": pledge["organization__slug"],
                "name": pledge["organization__name"],
                "logo": pledge["organization__logo"],
                "pledged": Decimal("0"),
                "this_period": Decimal("0"),
                "all_time": Decimal("0"),
            },
        )
        for key in ("pledged", "this_period", "all_time"):
            row[key] += pledge[key]
    rows = list(by_organization.values())
    for row in rows:
        row["percent_met"] = _percent(row["this_period"], row["pledged"])
    return {
        "by_hours": sorted(rows, key=lambda r: (-r["this_period"], r["name"]))[:LIMIT],
        "by_percent": sorted(rows, key=lambda r: (-r["percent_met"], r["name"]))[:LIMIT],
        "all_time": sorted(rows, key=lambda r: (-r["all_time"], r["name"]))[:LIMIT],
    }


def _percent(part: Decimal, whole: Decimal | None) -> int:
    if not whole:
        return 0
    return int(round(part / whole * 100))


def _projects(contributions) -> list[dict]:
    # Grouped by id, named afterwards: grouping 100k+ logs by the project's name and slug
    # sorted them as text, twice as slow. Equal hours at the cut go by id.
    rows = list(
        contributions.values("project", "project_url")
        .annotate(hours=Sum("hours"), people=Count("contributor", distinct=True))
        .order_by("-hours", "project", "project_url")[:LIMIT]
    )
    projects = Project.objects.in_bulk([row["project"] for row in rows if row["project"]])
    board = []
    for row in rows:
        project = projects.get(row["project"])
        board.append(
            {
                "slug": project.slug if project else None,
                "name": project.name if project else row["project_url"],
                "logo": project.logo.name if project else "",
                "url": row["project_url"],
                "hours": row["hours"],
                "people": row["people"],
            }
        )
    return sorted(board, key=lambda row: (-row["hours"], row["name"], row["url"]))


def _totals(today: date) -> dict:
    this_year = Q(date__year=today.year)
    # One pass over the approved hours for this year's and all time's figures.
    figures = public_contributions().aggregate(
        year_hours=Coalesce(Sum("hours", filter=this_year), ZERO),
        year_people=Count("contributor", distinct=True, filter=this_year),
        all_time_hours=Coalesce(Sum("hours"), ZERO),
        all_time_evidenced=Coalesce(Sum("hours", filter=Q(has_checked_evidence())), ZERO),
    )
    totals = {
        "hours": figures["year_hours"],
        "people": figures["year_people"],
        "all_time_hours": figures["all_time_hours"],
        "all_time_evidenced": figures["all_time_evidenced"],
    }
    totals["organizations"] = (
        public_pledges()
        .filter(status=Pledge.Status.ACTIVE)
        .values("organization")
        .distinct()
        .count()
    )
    return totals


def compute_leaderboards(today: date) -> dict:
    month = period_containing(today, Period.MONTH)
    return {
        "organizations": _organizations(today),
        "projects_this_month": _projects(
            public_contributions().filter(date__gte=month.start, date__lte=month.end)
        ),
        "projects_all_time": _projects(public_contributions()),
        "totals": _totals(today),
        # The span, not its label: the cached boards serve every language.
        "month": month,
    }


def leaderboards() -> dict:
    """The boards for today, from the cache when nothing changed since they were built."""
    today = timezone.localdate()
    key = f"pledges:leaderboards:{_versions()}:{today.isoformat()}"
    return cache.get_or_set(key, lambda: compute_leaderboards(today), timeout=CACHE_SECONDS)


class CachedPublicPledges:
    """`public_pledges_with_hours(today)` for a Paginator: the count and each page's rows
    come from the cache, under the same versions as the boards."""

    def __init__(self, today: date):
        self.today = today

    def _key(self, *parts) -> str:
        return ":".join(["pledges:public", _versions(), self.today.isoformat(), *map(str, parts)])

    def _rows(self) -> QuerySet:
        return public_pledges_with_hours(self.today)

    def count(self) -> int:
        return cache.get_or_set(
            self._key("count"), lambda: self._rows().count(), timeout=CACHE_SECONDS
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list:
        return cache.get_or_set(
            self._key("rows", window.start, window.stop),
            lambda: list(self._rows()[window]),
            timeout=CACHE_SECONDS,
        )
