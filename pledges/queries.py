"""Read side of pledges: progress per period, computed by the database."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from directory import queries as directory_queries
from directory.models import ListingStatus
from hub import cache_versions
from pledges import leaderboards
from pledges.leaderboards import ZERO, pledges_with_hours
from pledges.models import Contribution, Period, Pledge
from pledges.periods import PeriodSpan, period_containing, periods_between

TRUNCATE = {Period.MONTH: TruncMonth, Period.QUARTER: TruncQuarter, Period.YEAR: TruncYear}


def public_pledges(today: date | None = None) -> QuerySet:
    """Public pledges with their hours (this period, all time), biggest givers first."""
    today = today or timezone.localdate()
    return (
        pledges_with_hours(
            Pledge.objects.filter(public=True, organization__status=ListingStatus.PUBLISHED), today
        )
        .select_related("organization")
        .order_by("status", "-this_period", "organization__name")
    )


class CachedPublicPledges:
    """`public_pledges(today)` for a Paginator: the count and each page's rows come from the
    cache. They hold only public pledges of published organizations, and their keys carry
    the leaderboards' version (pledges and approvals bump it) and the directory's
    (an organization published, renamed, archived or merged bumps it)."""

    def __init__(self, today: date):
        self.today = today

    def _key(self, *parts) -> str:
        versions = ":".join(
            str(cache_versions.current(key))
            for key in (leaderboards.VERSION_KEY, directory_queries.VERSION_KEY)
        )
        return ":".join(["pledges:public", versions, self.today.isoformat(), *map(str, parts)])

    def count(self) -> int:
        return cache.get_or_set(
            self._key("count"),
            lambda: public_pledges(self.today).count(),
            timeout=directory_queries.CACHE_SECONDS,
        )

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list:
        return cache.get_or_set(
            self._key("rows", window.start, window.stop),
            lambda: list(public_pledges(self.today)[window]),
            timeout=directory_queries.CACHE_SECONDS,
        )


def pledges_of_organization(organization, *, include_private: bool) -> QuerySet:
    pledges = Pledge.objects.filter(organization=organization)
    if not include_private:
        pledges = pledges.filter(public=True)
    return pledges_with_hours(pledges, timezone.localdate()).order_by("status", "-starts_on")


@dataclass
class PeriodProgress:
    span: PeriodSpan
    pledged: Decimal
    approved: Decimal
    pending: Decimal
    today: date

    @property
    def percent(self) -> int:
        return int(round(self.approved / self.pledged * 100)) if self.pledged else 0

    @property
    def bar_percent(self) -> int:
        return min(self.percent, 100)

    @property
    def status(self) -> str:
        """ "met", "on track" (approved keeps pace with the time passed) or "behind"."""
        if self.approved >= self.pledged:
            return "met"
        expected = self.pledged * Decimal(str(self.span.elapsed_fraction(self.today)))
        return "on track" if self.approved >= expected else "behind"


def pledge_history(pledge: Pledge, today: date | None = None) -> list[PeriodProgress]:
    """Every period of the pledge up to today, oldest first, in one query."""
    today = today or timezone.localdate()
    last = min(today, pledge.ends_on) if pledge.ends_on else today
    if last < pledge.starts_on:
        return []
    truncate = TRUNCATE[pledge.period]
    rows = (
        pledge.contributions.filter(
            status__in=[Contribution.Status.APPROVED, Contribution.Status.PENDING]
        )
        .annotate(period_start=truncate("date"))
        .values("period_start")
        .annotate(
            approved=Sum("hours", filter=Q(status=Contribution.Status.APPROVED)),
            pending=Sum("hours", filter=Q(status=Contribution.Status.PENDING)),
        )
    )
    by_start = {_as_date(row["period_start"]): row for row in rows}
    pledged = pledge.pledged_hours
    history = []
    for span in periods_between(pledge.starts_on, last, pledge.period):
        row = by_start.get(span.start, {})
        history.append(
            PeriodProgress(
                span=span,
                pledged=pledged,
                approved=row.get("approved") or Decimal("0"),
                pending=row.get("pending") or Decimal("0"),
                today=today,
            )
        )
    return history


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def current_period(pledge: Pledge, today: date | None = None) -> PeriodSpan:
    return period_containing(today or timezone.localdate(), pledge.period)


def period_by_person(pledge: Pledge, span: PeriodSpan) -> list[dict]:
    """Approved and pending hours per person in the period, most first."""
    return list(
        pledge.contributions.filter(date__gte=span.start, date__lte=span.end)
        .values("contributor", "contributor__display_name", "contributor__show_name_on_pledges")
        .annotate(
            approved=Coalesce(Sum("hours", filter=Q(status=Contribution.Status.APPROVED)), ZERO),
            pending=Coalesce(Sum("hours", filter=Q(status=Contribution.Status.PENDING)), ZERO),
        )
        .filter(Q(approved__gt=0) | Q(pending__gt=0))
        .order_by("-approved", "contributor")
    )


def period_by_project(pledge: Pledge, span: PeriodSpan) -> list[dict]:
    return list(
        pledge.contributions.filter(
            date__gte=span.start, date__lte=span.end, status=Contribution.Status.APPROVED
        )
        .values("project__slug", "project__name", "project_url")
        .annotate(hours=Sum("hours"), people=Count("contributor", distinct=True))
        .order_by("-hours", "project__name")
    )


def pending_contributions(pledge: Pledge) -> QuerySet:
    return (
        pledge.contributions.filter(status=Contribution.Status.PENDING)
        .select_related("contributor", "project")
        .order_by("date", "pk")
    )


def contributions_of(user) -> QuerySet:
    """The person's own logs, newest first, with their pledge and organization."""
    return (
        Contribution.objects.filter(contributor=user)
        .select_related("pledge__organization", "project")
        .order_by("-date", "-pk")
    )
