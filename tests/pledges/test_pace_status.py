"""A period's status is honest: "met" once the pledged hours are approved, "behind" only when
the approved hours trail the pace of the days already passed by more than a tenth of the
pledge (or the period ended short), "on track" otherwise; one rule for every surface."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from pledges import services
from pledges.models import Period, Pledge
from pledges.periods import period_containing
from pledges.queries import PeriodProgress
from tests.directory.factories import MembershipFactory, OrganizationFactory

MARCH = period_containing(date(2025, 3, 1), Period.MONTH)  # 31 days
Q2 = period_containing(date(2025, 4, 1), Period.QUARTER)  # 91 days


def status(
    *, today: date, approved: str, span=MARCH, starts_on: date | None = None, ends_on=None
) -> str:
    return PeriodProgress(
        span=span,
        pledged=Decimal("31"),
        approved=Decimal(approved),
        pending=Decimal("0"),
        today=today,
        starts_on=starts_on or date(2024, 1, 1),
        ends_on=ends_on,
    ).status


@pytest.mark.parametrize(
    ("case", "arguments", "expected"),
    [
        # Day 1: nothing could be logged and approved yet.
        ("first day of the period", {"today": date(2025, 3, 1), "approved": "0"}, "on track"),
        (
            "first day of a quarter",
            {"today": date(2025, 4, 1), "approved": "0", "span": Q2},
            "on track",
        ),
        (
            "a pledge made today, mid-period",
            {"today": date(2025, 3, 20), "approved": "0", "starts_on": date(2025, 3, 20)},
            "on track",
        ),
        # 31 hours over 31 days: one hour a day keeps pace; the allowance is 3.1 hours.
        ("within the allowance", {"today": date(2025, 3, 4), "approved": "0"}, "on track"),
        ("past the allowance", {"today": date(2025, 3, 5), "approved": "0"}, "behind"),
        ("mid-period, on pace", {"today": date(2025, 3, 16), "approved": "15"}, "on track"),
        (
            "mid-period, a little short",
            {"today": date(2025, 3, 16), "approved": "11.9"},
            "on track",
        ),
        ("mid-period, well short", {"today": date(2025, 3, 16), "approved": "11.75"}, "behind"),
        (
            "paced from the day the pledge was made",
            {"today": date(2025, 3, 25), "approved": "10", "starts_on": date(2025, 3, 20)},
            "on track",
        ),
        ("last day, close", {"today": date(2025, 3, 31), "approved": "27"}, "on track"),
        ("last day, short", {"today": date(2025, 3, 31), "approved": "26.75"}, "behind"),
        ("met early", {"today": date(2025, 3, 10), "approved": "31"}, "met"),
        ("met over", {"today": date(2025, 3, 2), "approved": "40"}, "met"),
        # Over: no allowance for what can no longer be given.
        ("ended a little short", {"today": date(2025, 4, 1), "approved": "30"}, "behind"),
        ("ended met", {"today": date(2025, 4, 2), "approved": "31"}, "met"),
        (
            "the pledge ended mid-period, short",
            {"today": date(2025, 3, 20), "approved": "10", "ends_on": date(2025, 3, 15)},
            "behind",
        ),
        (
            "paced up to the pledge's last day",
            {"today": date(2025, 3, 15), "approved": "26", "ends_on": date(2025, 3, 15)},
            "on track",
        ),
    ],
)
def test_the_status_compares_approved_hours_with_the_pace_so_far(case, arguments, expected):
    assert status(**arguments) == expected, case


# --- Every surface reads the same rule ----------------------------------------------------------


@pytest.mark.django_db
def test_a_pledge_made_today_is_on_track_on_its_page_the_list_the_organization_and_the_api(
    client,
):
    organization = OrganizationFactory(name="Formstone Software")
    owner = MembershipFactory(organization=organization, owner=True).user
    today = timezone.localdate()
    pledge = services.pledge_create(
        organization=organization,
        actor=owner,
        data={
            "kind": Pledge.Kind.HOURS,
            "hours_per_period": Decimal("40"),
            "period": Period.YEAR,
            # Made today: later in the year than its first day (unless today is January 1st).
            "starts_on": today,
        },
    )
    other = MembershipFactory(organization__name="Rowhouse Labs", owner=True)
    since_january = services.pledge_create(
        organization=other.organization,
        actor=other.user,
        data={
            "kind": Pledge.Kind.HOURS,
            "hours_per_period": Decimal("400"),
            "period": Period.YEAR,
            "starts_on": today.replace(month=1, day=1),
        },
    )

    page = client.get(pledge.get_absolute_url()).content.decode()
    assert '<span class="pledge-status">on track</span>' in page
    listing = client.get("/pledges/").content.decode()
    organization_page = client.get(organization.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/pledges/{pledge.pk}/").json()
    assert api["this_period"]["status"] == "on track"
    assert api["history"][-1]["status"] == "on track"
    for html in (listing, organization_page):
        assert '<span class="pledge-status">on track</span>' in html
    # The rule still finds the pledge that gave nothing since January (past its allowance).
    if today.timetuple().tm_yday > 40:
        api = client.get(f"/api/v1/pledges/{since_january.pk}/").json()
        assert api["this_period"]["status"] == "behind"
