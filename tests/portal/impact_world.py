"""A year of the hub for the impact tests: what counts, and next to each thing what must not
(pending and rejected hours, private pledges, unpublished organizations, drafts, other
years). `LAST_YEAR` is over, so every figure is settled whatever day the tests run."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from chamber.models import Endorsement
from directory.models import ListingStatus
from events.models import Event, Registration
from pledges.models import Ask, Contribution, ContributionEvidence, Period, Pledge
from tests.chamber.factories import EndorsementFactory, PositionFactory
from tests.directory.factories import OrganizationFactory, ProjectFactory
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.pledges.asks_world import AskFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

LAST_YEAR = timezone.localdate().year - 1


def day(month: int, day_of_month: int, year: int = LAST_YEAR) -> date:
    return date(year, month, day_of_month)


def moment(month: int, day_of_month: int, hour: int = 18, year: int = LAST_YEAR) -> datetime:
    """A time of the hub's own zone (America/New_York in the tests)."""
    return datetime.combine(
        day(month, day_of_month, year), time(hour), tzinfo=timezone.get_current_timezone()
    )


def approved(pledge, hours, on, **fields):
    return ContributionFactory(
        pledge=pledge, hours=Decimal(hours), date=on, approved=True, **fields
    )


class World:
    """Handles on the rows the tests change or look for."""


def build_world() -> World:
    world = World()
    world.tidewater = OrganizationFactory(name="Tidewater Cloudworks", published_at=moment(2, 1))
    world.formstone = OrganizationFactory(
        name="Formstone Software", published_at=moment(11, 3, year=LAST_YEAR - 1)
    )
    world.harbor = OrganizationFactory(
        name="Harbor Health Informatics Lab", published_at=moment(6, 20)
    )
    # Pledges only in private: counted nowhere, named nowhere.
    world.screen_door = OrganizationFactory(name="Screen Door Digital")
    # Not (or no longer) published: nothing of theirs counts.
    world.pending = OrganizationFactory(name="Fells Point Pending Co", pending=True)
    world.archived = OrganizationFactory(
        name="Archived Analytics", status=ListingStatus.ARCHIVED, published_at=moment(3, 3)
    )

    # 10 h a month from March 15th: March to December, 10 months, 100 h.
    world.tidewater_pledge = PledgeFactory(
        organization=world.tidewater, hours_per_period=Decimal("10"), starts_on=day(3, 15)
    )
    # 5% of 20 people a quarter (5% x 20 x 160 x 3 = 480 h), ended May 10th: Q1 and Q2, 960 h.
    world.formstone_pledge = PledgeFactory(
        organization=world.formstone,
        percent_of_workforce=True,
        period=Period.QUARTER,
        starts_on=day(11, 1, year=LAST_YEAR - 1),
        ends_on=day(5, 10),
        status=Pledge.Status.ENDED,
    )
    # 100 h a year from June: the year's one period, 100 h.
    world.harbor_pledge = PledgeFactory(
        organization=world.harbor,
        hours_per_period=Decimal("100"),
        period=Period.YEAR,
        starts_on=day(6, 1),
    )
    world.harbor_private = PledgeFactory(
        organization=world.harbor, private=True, hours_per_period=Decimal("1000")
    )
    world.screen_door_private = PledgeFactory(
        organization=world.screen_door, private=True, starts_on=day(1, 1)
    )
    world.pending_pledge = PledgeFactory(
        organization=world.pending, hours_per_period=Decimal("500"), starts_on=day(1, 1)
    )
    world.archived_pledge = PledgeFactory(
        organization=world.archived, hours_per_period=Decimal("500"), starts_on=day(1, 1)
    )
    # Other years: one ended before the year, one starting after it.
    PledgeFactory(
        organization=world.tidewater,
        starts_on=day(1, 1, year=LAST_YEAR - 1),
        ends_on=day(12, 31, year=LAST_YEAR - 1),
        status=Pledge.Status.ENDED,
    )
    PledgeFactory(organization=world.tidewater, starts_on=day(1, 1, year=LAST_YEAR + 1))

    world.row_house = ProjectFactory(name="Row House Toolkit")
    unpublished_project = ProjectFactory(name="Waiting Project", pending=True)
    world.ana, world.ben, world.chloe = UserFactory(), UserFactory(), UserFactory()

    # Counted: 3 + 2.5 + 4 + 1.5 = 11 h by 3 people, on 2 public projects.
    world.evidenced = approved(
        world.tidewater_pledge, "3", day(4, 2), contributor=world.ana, project=world.row_house
    )
    ContributionEvidence.objects.create(
        contribution=world.evidenced,
        url="https://github.com/example/row-house/pull/7",
        kind=ContributionEvidence.Kind.PULL,
        status=ContributionEvidence.Status.CHECKED,
    )
    failed = approved(
        world.tidewater_pledge, "2.5", day(4, 20), contributor=world.ben, project=world.row_house
    )
    ContributionEvidence.objects.create(
        contribution=failed,
        url="https://github.com/example/row-house/pull/8",
        kind=ContributionEvidence.Kind.PULL,
        status=ContributionEvidence.Status.FAILED,
    )
    approved(
        world.tidewater_pledge,
        "4",
        day(7, 1),
        contributor=world.ana,
        project=None,
        project_url="https://codeberg.org/baltimore/bike-lanes",
    )
    approved(
        world.formstone_pledge,
        "1.5",
        day(2, 1),
        contributor=world.chloe,
        project=unpublished_project,
    )
    # Not counted: waiting, rejected, withdrawn, private, unpublished, other years.
    ContributionFactory(pledge=world.tidewater_pledge, hours=Decimal("5"), date=day(4, 3))
    ContributionFactory(
        pledge=world.tidewater_pledge, hours=Decimal("6"), date=day(4, 4), rejected=True
    )
    ContributionFactory(
        pledge=world.tidewater_pledge,
        hours=Decimal("7"),
        date=day(4, 5),
        status=Contribution.Status.WITHDRAWN,
    )
    approved(world.harbor_private, "8", day(8, 1))
    approved(world.screen_door_private, "8", day(8, 1))
    approved(world.pending_pledge, "9", day(8, 1))
    approved(world.archived_pledge, "9", day(8, 1))
    approved(world.formstone_pledge, "12", day(12, 31, year=LAST_YEAR - 1))
    approved(world.tidewater_pledge, "12", day(1, 1, year=LAST_YEAR + 1))

    # Asks: one met in the year; not one of an unpublished project, one still open, one past
    # its date or closed by its maintainers, nor one met the year before.
    AskFactory(project=world.row_house, status=Ask.Status.MET, closed_at=moment(6, 1))
    AskFactory(project=unpublished_project, status=Ask.Status.MET, closed_at=moment(6, 1))
    AskFactory(project=world.row_house)
    AskFactory(project=world.row_house, status=Ask.Status.EXPIRED, closed_at=moment(6, 1))
    AskFactory(project=world.row_house, status=Ask.Status.CLOSED, closed_at=moment(6, 1))
    AskFactory(
        project=world.row_house, status=Ask.Status.MET, closed_at=moment(6, 1, year=LAST_YEAR - 1)
    )

    # Events: held and published, two people checked in (one more confirmed, one cancelled).
    summit = EventFactory(
        title="Mid-Atlantic Open Source Summit", starts_at=moment(5, 10, hour=9), capacity=None
    )
    for status in (Registration.Status.CHECKED_IN, Registration.Status.CHECKED_IN):
        Registration.objects.create(event=summit, user=UserFactory(), status=status)
    Registration.objects.create(
        event=summit, user=UserFactory(), status=Registration.Status.CONFIRMED
    )
    Registration.objects.create(
        event=summit, user=UserFactory(), status=Registration.Status.CANCELLED
    )
    # The last evening of the year in Baltimore is already the next year in UTC: it counts.
    EventFactory(title="New Year's Eve Hack Night", starts_at=moment(12, 31, hour=23))
    # Not counted: a draft, a cancelled event, the year before.
    draft = EventFactory(title="Draft Meetup", starts_at=moment(6, 1), draft=True)
    Registration.objects.create(
        event=draft, user=UserFactory(), status=Registration.Status.CHECKED_IN
    )
    EventFactory(title="Cancelled Meetup", starts_at=moment(7, 1), status=Event.Status.CANCELLED)
    EventFactory(title="Last Year's Meetup", starts_at=moment(6, 1, year=LAST_YEAR - 1))

    # Positions: one published in the year (endorsed twice by public organizations, once
    # by a pending one); a draft; one of the year before, endorsed in the year.
    world.position = PositionFactory(
        title="Publish the code the city pays for", published_at=moment(3, 1)
    )
    for organization in (world.tidewater, world.formstone, world.pending):
        EndorsementFactory(position=world.position, organization=organization)
    Endorsement.objects.filter(position=world.position).update(created_at=moment(4, 1))
    draft_position = PositionFactory(draft=True)
    EndorsementFactory(position=draft_position, organization=world.harbor)
    Endorsement.objects.filter(position=draft_position).update(created_at=moment(4, 1))
    older = PositionFactory(published_at=moment(3, 1, year=LAST_YEAR - 1))
    EndorsementFactory(position=older, organization=world.harbor)
    Endorsement.objects.filter(position=older).update(created_at=moment(9, 9))
    EndorsementFactory(position=older, organization=world.tidewater)
    Endorsement.objects.filter(position=older, organization=world.tidewater).update(
        created_at=moment(9, 9, year=LAST_YEAR - 1)
    )

    # Members: two joined in the year, one of them deleted their account since.
    UserFactory(date_joined=moment(1, 1, hour=0))
    UserFactory(
        date_joined=moment(9, 1),
        is_active=False,
        deleted_at=timezone.now() - timedelta(days=1),
    )
    return world
