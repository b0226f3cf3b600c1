"""Read side of pledges: who sees which pledge and log, and progress computed by the database.

The visibility rules live here and nowhere else: `PUBLIC_PLEDGE` (a pledge is public when it
says so and the hub published its organization), `pledges_visible_to` and
`contributions_readable_by`. Pages, the API, the leaderboards, the totals, the organization
page and the digest read through them; `pledges.permissions` checks one object by the same
rule.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from directory.models import Membership
from directory.permissions import MANAGING_ROLES, organization_is_public
from directory.queries import organizations_managed_by, public_organizations_q
from pledges.models import MONTHS_PER_PERIOD, Contribution, ContributionEvidence, Period, Pledge
from pledges.periods import PeriodSpan, period_containing, periods_between

TRUNCATE = {Period.MONTH: TruncMonth, Period.QUARTER: TruncQuarter, Period.YEAR: TruncYear}
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
HOURS = DecimalField(max_digits=12, decimal_places=2)
# A pledge page shows at most this many periods (ten years of months); staff may date a
# pledge anywhere in admin, and its history must not grow with that.
HISTORY_LIMIT = 120

# --- Who sees what ----------------------------------------------------------------------------

# The organization's half of the rule is the directory's own.
PUBLIC_PLEDGE = Q(public=True) & public_organizations_q("organization__")
PUBLIC_PLEDGE_OF_LOG = Q(pledge__public=True) & public_organizations_q("pledge__organization__")


def pledge_is_public(pledge: Pledge) -> bool:
    """`PUBLIC_PLEDGE` for one loaded pledge (with its organization)."""
    return pledge.public and organization_is_public(pledge.organization)


def organizations_of_member(user) -> QuerySet:
    """Ids of the organizations the user belongs to, whatever the role (a subquery)."""
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "organization"
    )


def reviewers_other_than(*, organization, contributor) -> QuerySet:
    """Memberships of the organization's active owners and admins other than the contributor:
    who may review the contributor's logs. Ids, instances or OuterRefs."""
    return Membership.objects.filter(
        organization=organization, status=Membership.Status.ACTIVE, role__in=MANAGING_ROLES
    ).exclude(user=contributor)


def public_pledges() -> QuerySet:
    return Pledge.objects.filter(PUBLIC_PLEDGE)


def pledges_visible_to(user) -> QuerySet:
    """Public pledges for everyone; every pledge of an organization to its own people (they
    log hours under private ones too, and keep seeing them if the organization is archived);
    everything for staff."""
    if not user.is_authenticated:
        return public_pledges()
    if user.is_staff:
        return Pledge.objects.all()
    return Pledge.objects.filter(PUBLIC_PLEDGE | Q(organization__in=organizations_of_member(user)))


def public_contributions() -> QuerySet:
    """Approved hours under public pledges: the only hours the public boards and totals count."""
    return Contribution.objects.filter(PUBLIC_PLEDGE_OF_LOG, status=Contribution.Status.APPROVED)


def contributions_readable_by(user) -> QuerySet:
    """Single logs: one's own, and every log of an organization one owns or administers;
    everything for staff. The public sees logs only summed up on the boards."""
    if not user.is_authenticated:
        return Contribution.objects.none()
    if user.is_staff:
        return Contribution.objects.all()
    return Contribution.objects.filter(
        Q(contributor=user)
        | Q(pledge__organization__in=organizations_managed_by(user).order_by().values("pk"))
    )


def has_checked_evidence() -> Exists:
    """A log with at least one link the forge confirmed (pledges/evidence.py)."""
    return Exists(
        ContributionEvidence.objects.filter(
            contribution=OuterRef("pk"), status=ContributionEvidence.Status.CHECKED
        )
    )


def with_evidence(logs: QuerySet) -> QuerySet:
    """`logs` with their evidence links and what checking them found (one more query)."""
    return logs.prefetch_related(
        Prefetch("evidence", queryset=ContributionEvidence.objects.order_by("pk"))
    )


# --- Hours in SQL -----------------------------------------------------------------------------


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
    hours in their current period and all time, and how many of those carry checked
    evidence (subqueries: no join fan-out)."""
    approved = Contribution.objects.filter(status=Contribution.Status.APPROVED)
    return pledges.annotate(
        pledged=pledged_hours_expression(),
        this_period=_hours_subquery(approved.filter(current_period_filter(today))),
        all_time=_hours_subquery(approved),
        all_time_evidenced=_hours_subquery(approved.filter(has_checked_evidence())),
    )


def public_pledges_with_hours(today: date | None = None) -> QuerySet:
    """Public pledges with their hours (this period, all time), biggest givers first."""
    today = today or timezone.localdate()
    return (
        pledges_with_hours(public_pledges(), today)
        .select_related("organization")
        .order_by("status", "-this_period", "organization__name")
    )


def pledges_of_organization(organization, *, user) -> QuerySet:
    """The organization's pledges the user may see, for its page."""
    pledges = pledges_visible_to(user).filter(organization=organization)
    return pledges_with_hours(pledges, timezone.localdate()).order_by("status", "-starts_on")


# How far the approved hours may trail the pace before a period is "behind": a tenth of the
# pledge, because hours are logged and approved days after they were given.
PACE_TOLERANCE = Decimal("0.1")


STATUS_LABELS = {
    "met": pgettext_lazy("a pledge's period", "met"),
    "on track": pgettext_lazy("a pledge's period", "on track"),
    "behind": pgettext_lazy("a pledge's period", "behind"),
}


@dataclass
class PeriodProgress:
    """One period of a pledge: its hours, and the one rule that says whether it is "met",
    "on track" or "behind" (the pledge page, the public list, the organization page and
    the API all read `status`)."""

    span: PeriodSpan
    pledged: Decimal
    approved: Decimal
    pending: Decimal
    today: date
    # The pledge's own dates: a pledge made mid-period is paced from its first day.
    starts_on: date
    ends_on: date | None
    # Approved hours whose log carries evidence the forge confirmed.
    evidenced: Decimal = Decimal("0")

    @property
    def percent(self) -> int:
        return int(round(self.approved / self.pledged * 100)) if self.pledged else 0

    @property
    def bar_percent(self) -> int:
        return min(self.percent, 100)

    @property
    def expected(self) -> Decimal:
        """The approved hours that keep pace: the pledge spread evenly over the days of the
        period the pledge covers, counting the days before today (today's hours are not
        logged yet, so a pledge made today, or a period begun today, expects nothing)."""
        first = max(self.span.start, self.starts_on)
        last = min(self.span.end, self.ends_on) if self.ends_on else self.span.end
        covered = (last - first).days + 1
        if covered <= 0:
            return Decimal("0")
        passed = min(max((self.today - first).days, 0), covered)
        return self.pledged * passed / covered

    @property
    def is_over(self) -> bool:
        return self.today > self.span.end or bool(self.ends_on and self.today > self.ends_on)

    @property
    def status(self) -> str:
        """ "met" (the pledged hours are approved); "behind" when the period ended short of
        them, or while it runs when the approved hours trail the pace by more than
        PACE_TOLERANCE of the pledge; otherwise "on track"."""
        if self.approved >= self.pledged:
            return "met"
        if self.is_over:
            return "behind"
        allowance = self.pledged * PACE_TOLERANCE
        return "on track" if self.approved + allowance >= self.expected else "behind"

    @property
    def status_label(self) -> str:
        """`status` in the page's language (`status` itself stays the API's word)."""
        return STATUS_LABELS[self.status]


def pledge_history(pledge: Pledge, today: date | None = None) -> list[PeriodProgress]:
    """The pledge's periods up to today (at most HISTORY_LIMIT, the latest), oldest first,
    in one query."""
    today = today or timezone.localdate()
    last = min(today, pledge.ends_on) if pledge.ends_on else today
    if last < pledge.starts_on:
        return []
    spans = periods_between(pledge.starts_on, last, pledge.period, limit=HISTORY_LIMIT)
    truncate = TRUNCATE[pledge.period]
    rows = (
        pledge.contributions.filter(
            status__in=[Contribution.Status.APPROVED, Contribution.Status.PENDING],
            date__gte=spans[0].start,
        )
        .annotate(period_start=truncate("date"))
        .values("period_start")
        .annotate(
            approved=Sum("hours", filter=Q(status=Contribution.Status.APPROVED)),
            pending=Sum("hours", filter=Q(status=Contribution.Status.PENDING)),
            evidenced=Sum(
                "hours",
                filter=Q(status=Contribution.Status.APPROVED) & Q(has_checked_evidence()),
            ),
        )
    )
    by_start = {_as_date(row["period_start"]): row for row in rows}
    pledged = pledge.pledged_hours
    history = []
    for span in spans:
        row = by_start.get(span.start, {})
        history.append(
            PeriodProgress(
                span=span,
                pledged=pledged,
                approved=row.get("approved") or Decimal("0"),
                pending=row.get("pending") or Decimal("0"),
                today=today,
                starts_on=pledge.starts_on,
                ends_on=pledge.ends_on,
                evidenced=row.get("evidenced") or Decimal("0"),
            )
        )
    return history


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def approved_hours(pledge: Pledge) -> tuple[Decimal, Decimal]:
    """All the pledge's approved hours, however far back its history goes, and those with
    checked evidence."""
    totals = pledge.contributions.filter(status=Contribution.Status.APPROVED).aggregate(
        total=Coalesce(Sum("hours"), ZERO),
        evidenced=Coalesce(Sum("hours", filter=Q(has_checked_evidence())), ZERO),
    )
    return totals["total"], totals["evidenced"]


def current_period(pledge: Pledge, today: date | None = None) -> PeriodSpan:
    return period_containing(today or timezone.localdate(), pledge.period)


def period_by_person(pledge: Pledge, span: PeriodSpan) -> list[dict]:
    """Approved and pending hours per person in the period, most first."""
    return list(
        pledge.contributions.filter(date__gte=span.start, date__lte=span.end)
        .values(
            "contributor",
            "contributor__display_name",
            "contributor__show_name_on_pledges",
            "contributor__deleted_at",
        )
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
    """Logs waiting for review, with their evidence and whether the forge checked it."""
    return with_evidence(
        pledge.contributions.filter(status=Contribution.Status.PENDING)
        .select_related("contributor", "project")
        .order_by("date", "pk")
    )


def contributions_of(user) -> QuerySet:
    """The person's own logs, newest first, with their pledge, organization and evidence."""
    return with_evidence(
        Contribution.objects.filter(contributor=user)
        .select_related("pledge__organization", "project")
        .order_by("-date", "-pk")
    )
