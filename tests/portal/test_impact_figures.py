"""The year in numbers (portal/impact.py): each figure counts what the public may see, in its
year, and nothing else (tests/portal/impact_world.py puts the things that must not count
next to the things that must)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from pledges.models import Period
from pledges.periods import periods_between
from pledges.queries import public_pledges
from portal import impact
from tests.directory.factories import OrganizationFactory
from tests.events.factories import EventFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory
from tests.portal.impact_world import LAST_YEAR, approved, build_world, day, moment

pytestmark = pytest.mark.django_db
# The year's figures: hours given, hours pledged, per organization, per month, asks, events,
# positions, endorsements, new members, organizations published.
FIGURE_QUERIES = 10


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def figures(world):
    return impact.year_in_numbers(LAST_YEAR)


def test_hours_given_are_the_approved_hours_of_public_pledges_in_the_year(figures):
    assert figures.hours_given == Decimal("11")
    assert figures.logs == 4


def test_evidence_counts_the_logs_with_a_checked_link_only(figures):
    assert (figures.logs_with_evidence, figures.hours_with_evidence) == (1, Decimal("3"))


def test_people_and_projects_helped(figures):
    # Ana, Ben and Chloe; the people of private pledges and unpublished organizations not.
    assert figures.people == 3
    # Row House Toolkit and one project outside the directory; an unpublished project not.
    assert figures.projects == 2


def test_asks_met_in_the_year(figures):
    assert figures.asks_met == 1


def test_hours_pledged_are_every_period_each_public_pledge_covers_in_the_year(figures):
    # 10 months x 10 h, 2 quarters x 480 h (5% of 20 people), 1 year x 100 h.
    assert figures.hours_pledged == Decimal("1160")
    assert figures.organizations_pledging == 3
    assert figures.organizations_giving == 2


def _pledged_by_the_model(year: int) -> Decimal:
    """Pledge.pledged_hours for each period pledges.periods counts in the year."""
    total = Decimal("0")
    for pledge in public_pledges():
        first = max(pledge.starts_on, date(year, 1, 1))
        last = min(pledge.ends_on or date(year, 12, 31), date(year, 12, 31))
        if first <= last:
            total += pledge.pledged_hours * len(periods_between(first, last, pledge.period))
    return total


@pytest.mark.parametrize("period", Period.values)
@pytest.mark.parametrize("percent", [False, True])
def test_hours_pledged_agree_with_the_pledges_own_periods(period, percent):
    """Every kind and period, starting and ending inside and outside the year."""
    spans = [
        (day(1, 1, LAST_YEAR - 1), None),
        (day(2, 14), day(8, 31)),
        (day(5, 31), None),
        (day(12, 31), day(3, 1, LAST_YEAR + 1)),
        (day(11, 30, LAST_YEAR - 1), day(1, 1)),
    ]
    for starts_on, ends_on in spans:
        shape = {"percent_of_workforce": True, "percent": Decimal("2.5"), "workforce_size": 7}
        PledgeFactory(
            period=period, starts_on=starts_on, ends_on=ends_on, **(shape if percent else {})
        )
    expected = _pledged_by_the_model(LAST_YEAR)
    assert expected > 0
    assert impact.year_in_numbers(LAST_YEAR).hours_pledged == expected


def test_hours_per_month(figures):
    by_month = {month.span.start.month: month.approved for month in figures.months}
    assert len(by_month) == 12
    assert (by_month[2], by_month[4], by_month[7]) == (Decimal("1.5"), Decimal("5.5"), Decimal("4"))
    assert sum(by_month.values()) == figures.hours_given


def test_the_current_year_shows_its_months_so_far(db):
    today = timezone.localdate()
    months = impact.year_in_numbers(today.year).months
    assert [month.span.start.month for month in months] == list(range(1, today.month + 1))


def test_each_organization_with_a_public_pledge_in_the_year(figures):
    rows = {
        row["name"]: (row["pledged"], row["given"], row["people"]) for row in figures.organizations
    }
    assert rows == {
        "Tidewater Cloudworks": (Decimal("100"), Decimal("9.5"), 2),
        "Formstone Software": (Decimal("960"), Decimal("1.5"), 1),
        "Harbor Health Informatics Lab": (Decimal("100"), Decimal("0"), 0),
    }


def test_organizations_are_alphabetical_unless_the_hub_ranks(figures):
    alphabetical = impact.organizations_in_order(figures.organizations, ranked=False)
    assert [row["name"] for row in alphabetical] == [
        "Formstone Software",
        "Harbor Health Informatics Lab",
        "Tidewater Cloudworks",
    ]
    ranked = impact.organizations_in_order(figures.organizations, ranked=True)
    assert [row["name"] for row in ranked] == [
        "Tidewater Cloudworks",
        "Formstone Software",
        "Harbor Health Informatics Lab",
    ]


def test_events_held_and_their_attendance(figures):
    # The summit and New Year's Eve (23:00 in Baltimore); drafts, cancelled events and the
    # year before not; two people checked in.
    assert (figures.events_held, figures.attendance) == (2, 2)


def test_an_event_still_to_come_was_not_held(db):
    EventFactory()
    assert impact.year_in_numbers(timezone.localdate().year).events_held == 0


def test_positions_and_endorsements(figures):
    assert figures.positions == 1
    # Two public organizations on the year's position, one on an older one; not a pending
    # organization, a draft position, nor an endorsement of the year before.
    assert figures.endorsements == 3


def test_new_members_and_organizations_published(figures):
    # Joined at midnight on January 1st; not the account deleted since.
    assert figures.new_members == 1
    # Tidewater and Harbor Health; not an archived organization published in the year.
    assert figures.organizations_published == 2


def test_the_hub_s_years_begin_with_its_first_public_data(world):
    today = timezone.localdate()
    assert impact.years_of_hub(today) == [today.year, LAST_YEAR, LAST_YEAR - 1]


def test_unpublished_things_do_not_open_a_year(db):
    today = timezone.localdate()
    OrganizationFactory(pending=True, created_at=moment(1, 1, year=LAST_YEAR - 5))
    EventFactory(draft=True, starts_at=moment(1, 1, year=LAST_YEAR - 5))
    assert impact.years_of_hub(today) == [today.year]


def test_the_figures_take_the_same_queries_for_more_rows(world, django_assert_num_queries):
    with django_assert_num_queries(FIGURE_QUERIES):
        impact.year_in_numbers(LAST_YEAR)
    for index in range(5):
        organization = OrganizationFactory(name=f"Canton Civic Tech {index}")
        pledge = PledgeFactory(organization=organization, starts_on=day(1, 1))
        approved(pledge, "2", day(3, index + 1))
        ContributionFactory(pledge=pledge, date=day(3, index + 1))
        EventFactory(starts_at=moment(3, index + 1))
    with django_assert_num_queries(FIGURE_QUERIES):
        figures = impact.year_in_numbers(LAST_YEAR)
    assert figures.organizations_pledging == 8
