"""The year in numbers (/impact/): what the hub's members gave and did in one calendar year.

Every figure is an aggregate query over one app's public rows, read through that app's own
visibility rule (`pledges.queries.public_contributions` and `public_pledges`,
`pledges.asks.queries.public_asks`, `events.queries.public_events`,
`chamber.queries.public_positions` and `public_endorsements`,
`directory.queries.public_organizations`): the number of queries is the same for ten rows or
a million. Private pledges count nowhere, as on the pledge boards and
totals: the public sees no hour of them.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter, TruncMonth
from django.utils import timezone

from chamber.queries import public_endorsements, public_positions
from directory.exports import spreadsheet_safe
from directory.queries import public_organizations, public_projects_q
from events.models import Event, Registration
from events.queries import public_events
from pledges.asks.queries import public_asks
from pledges.charts import bar_chart
from pledges.models import MONTHS_PER_PERIOD, Ask, Period, Pledge
from pledges.periods import periods_between
from pledges.queries import (
    ZERO,
    PeriodProgress,
    has_checked_evidence,
    public_contributions,
    public_pledges,
)

CENT = Decimal("0.01")
# Room for percent × workforce × months before the division by 100 (see `_pledged`).
WIDE = DecimalField(max_digits=20, decimal_places=4)


@dataclass
class YearSpan:
    """One calendar year of the hub's time zone, as far as it has come on `today`."""

    year: int
    today: date

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    @property
    def is_current(self) -> bool:
        return self.year == self.today.year

    @property
    def through(self) -> date:
        """The last day the figures cover: today in the current year."""
        return min(self.today, self.last_day)

    def moments(self) -> tuple[datetime, datetime]:
        """The year's first moment and the first moment of the next, in the hub's zone."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.first_day, time.min, tzinfo=zone),
            datetime.combine(date(self.year + 1, 1, 1), time.min, tzinfo=zone),
        )


@dataclass
class YearInNumbers:
    span: YearSpan
    hours_given: Decimal
    logs: int
    logs_with_evidence: int
    hours_with_evidence: Decimal
    people: int
    projects: int
    asks_met: int
    hours_pledged: Decimal
    organizations: list[dict]
    months: list[PeriodProgress]
    events_held: int
    attendance: int
    positions: int
    endorsements: int
    new_members: int
    organizations_published: int
    chart: dict | None = field(default=None)

    @property
    def organizations_pledging(self) -> int:
        return sum(1 for row in self.organizations if row["pledged"])

    @property
    def organizations_giving(self) -> int:
        return sum(1 for row in self.organizations if row["given"])

    @property
    def percent_of_pledge(self) -> int | None:
        if not self.hours_pledged:
            return None
        return int(round(self.hours_given / self.hours_pledged * 100))


def first_year(today: date) -> int:
    """The year of the hub's first public data: a published organization, a public pledge,
    a published event or position (this year for a hub with none yet)."""
    firsts = [
        public_organizations().aggregate(first=Min("published_at"))["first"],
        public_pledges().aggregate(first=Min("starts_on"))["first"],
        public_events().aggregate(first=Min("starts_at"))["first"],
        public_positions().aggregate(first=Min("published_at"))["first"],
    ]
    years = [
        (timezone.localtime(when) if isinstance(when, datetime) else when).year
        for when in firsts
        if when is not None
    ]
    return min([today.year, *years])


def years_of_hub(today: date) -> list[int]:
    """Every year the impact pages show, newest first."""
    return list(range(today.year, first_year(today) - 1, -1))


def _hours_given(logs: QuerySet) -> dict:
    """One pass over the year's approved public hours."""
    return logs.aggregate(
        given=Coalesce(Sum("hours"), ZERO),
        logs=Count("pk"),
        logs_with_evidence=Count("pk", filter=Q(has_checked_evidence())),
        hours_with_evidence=Coalesce(Sum("hours", filter=Q(has_checked_evidence())), ZERO),
        people=Count("contributor", distinct=True),
        # Listed projects the public sees, and projects outside the directory by address.
        listed_projects=Count("project", distinct=True, filter=public_projects_q("project__")),
        unlisted_projects=Count(
            "project_url", distinct=True, filter=Q(project__isnull=True) & ~Q(project_url="")
        ),
    )


def _periods_in_year(span: YearSpan):
    """How many of its own periods a pledge covers in the year, in SQL.

    A pledge owes its hours for every period it touches, a first or last one it covers only
    in part too (pledges.queries.PeriodProgress: a period is met once its full pledged hours
    are approved); an ended pledge's `ends_on` is the day it ended.
    """
    starts_before = Q(starts_on__lt=span.first_day)
    runs_past = Q(ends_on__isnull=True) | Q(ends_on__gt=span.last_day)
    months = (
        Case(When(runs_past, then=Value(12)), default=ExtractMonth("ends_on"))
        - Case(When(starts_before, then=Value(1)), default=ExtractMonth("starts_on"))
        + 1
    )
    quarters = (
        Case(When(runs_past, then=Value(4)), default=ExtractQuarter("ends_on"))
        - Case(When(starts_before, then=Value(1)), default=ExtractQuarter("starts_on"))
        + 1
    )
    return Case(
        When(period=Period.MONTH, then=months),
        When(period=Period.QUARTER, then=quarters),
        default=Value(1),
        output_field=IntegerField(),
    )


def _months_per_period():
    return Case(
        *[When(period=period, then=Value(n)) for period, n in MONTHS_PER_PERIOD.items()],
        output_field=IntegerField(),
    )


def _pledged(span: YearSpan) -> list[dict]:
    """Hours each organization's public pledges commit for the year, all of the year's
    periods (those still to come in the current year too).

    A percentage pledge owes percent × workforce × HUB_WORKING_HOURS_PER_MONTH per month of
    its periods (Pledge.pledged_hours); the sum is divided by 100 here, after the database
    added it up, because SQLite divides integers as integers."""
    pledges = public_pledges().filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=span.first_day), starts_on__lte=span.last_day
    )
    periods = _periods_in_year(span)
    rows = (
        pledges.values("organization__slug", "organization__name")
        .annotate(
            fixed=Coalesce(
                Sum(F("hours_per_period") * periods, filter=Q(kind=Pledge.Kind.HOURS)),
                Value(Decimal("0")),
                output_field=WIDE,
            ),
            percent_months=Coalesce(
                Sum(
                    F("percent") * F("workforce_size") * periods * _months_per_period(),
                    filter=Q(kind=Pledge.Kind.PERCENT),
                ),
                Value(Decimal("0")),
                output_field=WIDE,
            ),
        )
        .order_by()
    )
    hours_per_month = Decimal(settings.HUB_WORKING_HOURS_PER_MONTH)
    return [
        {
            "slug": row["organization__slug"],
            "name": row["organization__name"],
            "pledged": (
                Decimal(row["fixed"]) + Decimal(row["percent_months"]) * hours_per_month / 100
            ).quantize(CENT),
        }
        for row in rows
    ]


def _given_by_organization(logs: QuerySet) -> list[dict]:
    return list(
        logs.values("pledge__organization__slug")
        .annotate(given=Sum("hours"), people=Count("contributor", distinct=True))
        .order_by()
    )


def _organizations(pledged: list[dict], given: list[dict]) -> list[dict]:
    """Each organization with a public pledge in the year: hours pledged and given, people."""
    rows = {row["slug"]: {**row, "given": Decimal("0"), "people": 0} for row in pledged}
    for row in given:
        # Hours are logged inside their pledge's dates: every giver has a pledge in the year.
        organization = rows.get(row["pledge__organization__slug"])
        if organization is not None:
            organization["given"] = row["given"]
            organization["people"] = row["people"]
    return list(rows.values())


def _months(logs: QuerySet, span: YearSpan, pledged: Decimal) -> list[PeriodProgress]:
    """The approved hours of each month of the year so far (pledges.charts draws them);
    `pledged`: a twelfth of the year's pledged hours, the even monthly pace."""
    by_month = {
        (row["month"].date() if hasattr(row["month"], "date") else row["month"]): row["given"]
        for row in logs.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(given=Sum("hours"))
        .order_by()
    }
    return [
        PeriodProgress(
            span=month,
            pledged=pledged,
            approved=by_month.get(month.start, Decimal("0")),
            pending=Decimal("0"),
            today=span.today,
            starts_on=span.first_day,
            ends_on=span.last_day,
        )
        for month in periods_between(span.first_day, span.through, Period.MONTH)
    ]


def _events(span: YearSpan) -> dict:
    """Published events of the year that have begun (a cancelled one was not held), and the
    people checked in at them."""
    start, end = span.moments()
    return (
        public_events()
        .filter(
            status=Event.Status.PUBLISHED,
            starts_at__gte=start,
            starts_at__lt=min(end, timezone.now()),
        )
        .aggregate(
            held=Count("pk", distinct=True),
            attendance=Count(
                "registrations",
                filter=Q(registrations__status=Registration.Status.CHECKED_IN),
            ),
        )
    )


def _new_members(span: YearSpan) -> int:
    """Accounts opened in the year and still held (a deleted account is forgotten)."""
    start, end = span.moments()
    return (
        get_user_model()
        .objects.filter(
            date_joined__gte=start, date_joined__lt=end, is_active=True, deleted_at__isnull=True
        )
        .count()
    )


def year_in_numbers(year: int, *, today: date | None = None) -> YearInNumbers:
    """The figures of `year` (one of `years_of_hub`)."""
    span = YearSpan(year=year, today=today or timezone.localdate())
    start, end = span.moments()
    logs = public_contributions().filter(date__gte=span.first_day, date__lte=span.last_day)
    given = _hours_given(logs)
    pledged = _pledged(span)
    hours_pledged = sum((row["pledged"] for row in pledged), Decimal("0"))
    events = _events(span)
    figures = YearInNumbers(
        span=span,
        hours_given=given["given"],
        logs=given["logs"],
        logs_with_evidence=given["logs_with_evidence"],
        hours_with_evidence=given["hours_with_evidence"],
        people=given["people"],
        projects=given["listed_projects"] + given["unlisted_projects"],
        # Closed once their approved hours reached the hours wanted (pledges.asks.services).
        asks_met=public_asks()
        .filter(status=Ask.Status.MET, closed_at__gte=start, closed_at__lt=end)
        .count(),
        hours_pledged=hours_pledged,
        organizations=_organizations(pledged, _given_by_organization(logs)),
        months=_months(logs, span, (hours_pledged / 12).quantize(CENT)),
        events_held=events["held"],
        attendance=events["attendance"],
        positions=public_positions().filter(published_at__gte=start, published_at__lt=end).count(),
        endorsements=public_endorsements()
        .filter(created_at__gte=start, created_at__lt=end)
        .count(),
        new_members=_new_members(span),
        organizations_published=public_organizations()
        .filter(published_at__gte=start, published_at__lt=end)
        .count(),
    )
    figures.chart = bar_chart(figures.months, span.today)
    return figures


def organizations_in_order(rows: list[dict], *, ranked: bool) -> list[dict]:
    """Alphabetical (the hub celebrates a total, not a ranking), or by hours given when the
    hub chooses boards that rank (HUB_BOARDS_RANKED)."""
    if ranked:
        return sorted(rows, key=lambda row: (-row["given"], row["name"].casefold()))
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["slug"]))


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ["figure", "period_start", "period_end", "organization", "organization_name", "value"]


def _csv_value(value) -> str:
    """Dot decimals with two places for hours, plain integers for counts."""
    if isinstance(value, Decimal):
        return f"{value.quantize(CENT):f}"
    return str(value)


def csv_rows(figures: YearInNumbers, *, ranked: bool) -> list[list[str]]:
    """The year's figures, hours per month and each organization's figures, one value a row
    (ISO dates: the period a value covers, through today in the current year; hours pledged
    cover the whole year)."""
    span = figures.span
    year = [span.first_day.isoformat(), span.last_day.isoformat()]
    so_far = [span.first_day.isoformat(), span.through.isoformat()]
    hub_figures = [
        ("hours_pledged", year, figures.hours_pledged),
        ("hours_given", so_far, figures.hours_given),
        ("logs_approved", so_far, figures.logs),
        ("logs_with_checked_evidence", so_far, figures.logs_with_evidence),
        ("hours_with_checked_evidence", so_far, figures.hours_with_evidence),
        ("organizations_pledging", year, figures.organizations_pledging),
        ("organizations_giving", so_far, figures.organizations_giving),
        ("people_contributing", so_far, figures.people),
        ("projects_helped", so_far, figures.projects),
        ("asks_met", so_far, figures.asks_met),
        ("events_held", so_far, figures.events_held),
        ("event_attendance", so_far, figures.attendance),
        ("positions_published", so_far, figures.positions),
        ("endorsements", so_far, figures.endorsements),
        ("new_members", so_far, figures.new_members),
        ("organizations_published", so_far, figures.organizations_published),
    ]
    rows = [[name, *period, "", "", _csv_value(value)] for name, period, value in hub_figures]
    for month in figures.months:
        period = [month.span.start.isoformat(), min(month.span.end, span.through).isoformat()]
        rows.append(["hours_given", *period, "", "", _csv_value(month.approved)])
    for organization in organizations_in_order(figures.organizations, ranked=ranked):
        who = [organization["slug"], spreadsheet_safe(organization["name"])]
        rows.append(["hours_pledged", *year, *who, _csv_value(organization["pledged"])])
        rows.append(["hours_given", *so_far, *who, _csv_value(organization["given"])])
        rows.append(["people_contributing", *so_far, *who, _csv_value(organization["people"])])
    return rows
