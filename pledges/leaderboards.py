"""Public leaderboards and the hub's totals: computed by the database, cached, and
invalidated whenever an approval (or a pledge) changes them."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from directory.models import Project
from hub import cache_versions
from pledges.models import MONTHS_PER_PERIOD, Contribution, Period, Pledge
from pledges.periods import period_containing

VERSION_KEY = "pledges:leaderboards:version"
CACHE_SECONDS = 3600
LIMIT = 10
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
HOURS = DecimalField(max_digits=12, decimal_places=2)


def leaderboards_invalidate() -> None:
    """Every cached board is stale from now on (their keys carry the version)."""
    cache_versions.bump(VERSION_KEY)


def _version() -> int:
    return cache_versions.current(VERSION_KEY)


def public_contributions():
    """Approved hours under public pledges: the only hours the public boards count."""
    return Contribution.objects.filter(status=Contribution.Status.APPROVED, pledge__public=True)


def pledged_hours_expression(prefix: str = ""):
    """Hours a pledge promises per period, computed in SQL (see Pledge.pledged_hours)."""
    months = Case(
        *[
            When(**{f"{prefix}period": period, "then": Value(n)})
            for period, n in MONTHS_PER_PERIOD.items()
        ],
        default=Value(1),
    )
    per_person = ExpressionWrapper(
        Value(settings.HUB_WORKING_HOURS_PER_MONTH) * months, output_field=HOURS
    )
    return Case(
        When(**{f"{prefix}kind": Pledge.Kind.HOURS, "then": F(f"{prefix}hours_per_period")}),
        default=ExpressionWrapper(
            F(f"{prefix}percent")
            * F(f"{prefix}workforce_size")
            * per_person
            / Value(Decimal("100")),
            output_field=HOURS,
        ),
        output_field=HOURS,
    )


def current_period_filter(today: date) -> Q:
    """Logs dated inside their own pledge's current period (month, quarter or year)."""
    condition = Q()
    for period in Period.values:
        span = period_containing(today, period)
        condition |= Q(pledge__period=period, date__gte=span.start, date__lte=span.end)
    return condition


def _hours_subquery(contributions):
    total = contributions.filter(pledge=OuterRef("pk")).values("pledge").annotate(t=Sum("hours"))
    return Coalesce(Subquery(total.values("t"), output_field=HOURS), ZERO)


def pledges_with_hours(pledges, today: date):
    """`pledges` annotated in SQL with their promised hours per period and their approved
    hours in their current period and all time (subqueries: no join fan-out)."""
    approved = Contribution.objects.filter(status=Contribution.Status.APPROVED)
    return pledges.annotate(
        pledged=pledged_hours_expression(),
        this_period=_hours_subquery(approved.filter(current_period_filter(today))),
        all_time=_hours_subquery(approved),
    )


def _organizations(today: date) -> dict:
    pledges = pledges_with_hours(
        Pledge.objects.filter(public=True, status=Pledge.Status.ACTIVE), today
    ).values("organization__slug", "organization__name", "pledged", "this_period", "all_time")
    by_organization: dict[str, dict] = {}
    for pledge in pledges:
        row = by_organization.setdefault(
            pledge["organization__slug"],
            {
                "slug": pledge["organization__slug"],
                "name": pledge["organization__name"],
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
    )
    totals = {
        "hours": figures["year_hours"],
        "people": figures["year_people"],
        "all_time_hours": figures["all_time_hours"],
    }
    totals["organizations"] = (
        Pledge.objects.filter(public=True, status=Pledge.Status.ACTIVE)
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
        "month_label": month.label,
    }


def leaderboards() -> dict:
    """The boards for today, from the cache when nothing changed since they were built."""
    today = timezone.localdate()
    key = f"pledges:leaderboards:{_version()}:{today.isoformat()}"
    return cache.get_or_set(key, lambda: compute_leaderboards(today), timeout=CACHE_SECONDS)
