"""The demo files' date notation, and the loader's promise: demo data goes through the
services, so a file naming a state the product forbids is refused with a clear error."""

import re
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from directory.models import Organization, Project
from events.models import Event
from pledges.models import Contribution, Pledge
from portal.demo.base import DemoError, load_people, read
from portal.demo.dates import NotationError, moment
from portal.demo.directory import load_directory
from portal.demo.events import load_events
from portal.demo.pledges import load_pledges
from portal.management.commands import seed_demo

HUB = ZoneInfo("America/New_York")
# A Wednesday afternoon in the hub's time zone.
NOW = datetime(2026, 12, 9, 14, 25, tzinfo=HUB)


def local(text: str, **kwargs) -> str:
    return f"{timezone.localtime(moment(text, now=NOW, **kwargs), HUB):%a %Y-%m-%d %H:%M}"


@pytest.fixture(autouse=True)
def _hub_zone(settings):
    settings.TIME_ZONE = "America/New_York"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", "Sat 2026-12-12 14:25"),  # no time of day: the one of now
        ("-27d thu 18:00", "Thu 2026-11-12 18:00"),
        ("sat +5w 09:30", "Sat 2027-01-16 09:30"),
        ("wed 12:00", "Wed 2026-12-09 12:00"),  # a weekday stays when it is one already
        ("+1d 2nd-tue 18:30", "Tue 2027-01-12 18:30"),  # December's 2nd Tuesday has passed
        ("+1d 2nd-tue +1d 2nd-tue 18:30", "Tue 2027-02-09 18:30"),
        ("last-fri", "Fri 2026-12-25 14:25"),
        ("+2w sep-17 09:00", "Fri 2027-09-17 09:00"),
        ("-13m month-start", "Sat 2025-11-01 14:25"),
        ("-4m month-start -1d", "Fri 2026-07-31 14:25"),
    ],
)
def test_the_notation_counts_from_now(text, expected):
    assert local(text) == expected


def test_months_keep_the_day_where_the_month_has_it():
    end_of_march = datetime(2026, 3, 31, 9, 0, tzinfo=HUB)
    assert moment("-1m", now=end_of_march).date().isoformat() == "2026-02-28"
    assert moment("+1m", now=end_of_march).date().isoformat() == "2026-04-30"


def test_starts_counts_from_the_event():
    summit = moment("+2w sep-17 09:00", now=NOW)
    assert local("starts +2d 17:00", starts=summit) == "Sun 2027-09-19 17:00"
    assert local("starts -3d 23:59", starts=summit) == "Tue 2027-09-14 23:59"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("next friday", "cannot read 'next'"),
        ("+3x", "cannot read '+3x'"),
        ("25:00", "cannot read '25:00'"),
        ("feb-30", "feb has no day 30"),
        ("starts 10:00", "only counts from an event's start"),
        ("", "An empty moment"),
    ],
)
def test_a_moment_the_notation_cannot_read_says_why(text, says):
    with pytest.raises(NotationError, match=re.escape(says)):
        moment(text, now=NOW)


# --- The loader goes through the services --------------------------------------------------


@pytest.fixture
def people(db):
    return load_people(read("hub", "people.yaml"))


def organization(name: str, **extra) -> dict:
    return {
        "name": name,
        "kind": "company",
        "city": "Baltimore",
        "size": "small",
        "website": "https://example.com/",
        "tags": [],
        "listed": "-30d",
        "description": "Software.",
        **extra,
    }


def project(name: str, maintainer: str, **extra) -> dict:
    return {
        "name": name,
        "license": "MIT",
        "tags": [],
        "maintainer": maintainer,
        "repository": f"https://git.example.org/{name}",
        "listed": "-20d",
        "description": "A tool.",
        **extra,
    }


def region(organizations: list, projects: list = ()) -> dict:
    return {"tags": {}, "organizations": organizations, "projects": list(projects)}


@pytest.mark.django_db
def test_a_project_submitted_by_someone_who_does_not_manage_its_maintainer_is_refused(people):
    data = region(
        [organization("Harbor Code", owner="maya.okafor@example.org")],
        [project("tidekit", "harbor-code", submitted_by="luis.ferreira@example.org")],
    )
    with pytest.raises(DemoError) as refused:
        load_directory(data, people=people, now=timezone.now())
    assert str(refused.value) == (
        "Project 'tidekit': refused: Only the organization's owners and admins add its projects."
    )
    # The same project submitted by the maintainer's owner goes through.
    data["projects"][0].pop("submitted_by")
    load_directory(data, people=people, now=timezone.now())
    assert Project.objects.get(slug="tidekit").is_published


@pytest.mark.django_db
def test_a_listing_is_validated_as_the_submission_form_would(people):
    data = region([organization("Bad Site", website="not a web address")])
    with pytest.raises(DemoError, match=r"Organization 'Bad Site': refused: website: "):
        load_directory(data, people=people, now=timezone.now())


@pytest.mark.django_db
def test_a_pledge_for_an_organization_staff_have_not_published_is_refused(people):
    data = region([organization("Pending Works", owner="maya.okafor@example.org", status="pending",
                                submitted="-2d")])  # fmt: skip
    load_directory(data, people=people, now=timezone.now())
    pledges = read("pledges", "pledges.yaml")
    pledges |= {
        "colleagues": [],
        "show_names": [],
        "forge_accounts": [],
        "evidence": [],
        "pledges": [
            {"organization": "pending-works", "by": "maya.okafor@example.org", "hours": 10,
             "period": "month", "starts": "-2m month-start", "team": [], "activity": 0.5},
        ],
    }  # fmt: skip
    with pytest.raises(DemoError, match="Pledge of pending-works: refused: organization: "
                       "Pledges are made for organizations listed in the directory"):  # fmt: skip
        load_pledges(pledges, people=people, now=timezone.now())
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_hours_by_someone_outside_the_organization_are_refused(people):
    load_directory(
        region([organization("Harbor Code", owner="maya.okafor@example.org")]),
        people=people,
        now=timezone.now(),
    )
    pledges = read("pledges", "pledges.yaml")
    pledges |= {
        "colleagues": [],
        "show_names": [],
        "forge_accounts": [],
        "evidence": [],
        "pledges": [
            {"organization": "harbor-code", "by": "maya.okafor@example.org", "hours": 10,
             "period": "month", "starts": "-2m month-start", "activity": 1,
             "team": ["luis.ferreira@example.org"]},
        ],
    }  # fmt: skip
    with pytest.raises(DemoError, match="Only members of the pledging organization log hours"):
        load_pledges(pledges, people=people, now=timezone.now())
    assert not Contribution.objects.exists()


@pytest.mark.django_db
def test_an_unknown_person_or_organization_is_named(people):
    data = region([organization("Harbor Code", owner="nobody@example.org")])
    with pytest.raises(DemoError, match="Unknown person 'nobody@example.org'"):
        load_directory(data, people=people, now=timezone.now())
    events = {"events": [{"slug": "x", "title": "X", "kind": "meetup", "organization": "nowhere",
                          "organizers": [], "starts": "+1w", "ends": "starts +1d"}]}  # fmt: skip
    with pytest.raises(DemoError, match="unknown organization 'nowhere'"):
        load_events(events, people=people, now=timezone.now())


@pytest.mark.django_db
def test_the_command_refuses_a_region_the_product_refuses_and_writes_nothing(monkeypatch):
    def bad_calendar(app_label, name):
        data = read(app_label, name)
        if name == "events.yaml":  # people register for the draft, which nobody can
            draft = next(row for row in data["events"] if row.get("status") == "draft")
            draft["registrants"] = ["luis.ferreira@example.org"]
        return data

    monkeypatch.setattr(seed_demo, "read", bad_calendar)
    refusal = "Event 'accessibility-audit-day-.*': refused: This event is not published."
    with pytest.raises(CommandError, match=refusal):
        call_command("seed_demo", stdout=StringIO())
    assert not Organization.objects.exists()
    assert not Event.objects.exists()
