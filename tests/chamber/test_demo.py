"""The chamber's demo file goes through the services: notes by members of their
organizations, moderated by staff, positions by staff, endorsements by owners and admins;
loading twice adds nothing, and an entry the product refuses stops the load by name."""

import copy

import pytest
from django.utils import timezone

from chamber.models import Endorsement, Position, PracticeNote
from directory.models import ListingStatus
from hub.models import AuditEntry
from portal.demo.base import DemoError, load_people, read
from portal.demo.chamber import load_chamber
from portal.demo.directory import load_directory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    now = timezone.now()
    people = load_people(read("hub", "people.yaml"))
    load_directory(read("directory", "region.yaml"), people=people, now=now)
    return people, now


def test_the_demo_loads_through_the_services_once(region):
    people, now = region
    data = read("chamber", "chamber.yaml")

    first = load_chamber(data, people=people, now=now)
    again = load_chamber(data, people=people, now=now)

    assert (first.practices, first.positions, first.endorsements) == (5, 2, 11)
    assert len(first.created) == 7 and again.created == []
    assert PracticeNote.objects.count() == 5 and Endorsement.objects.count() == 11
    assert PracticeNote.objects.filter(status=ListingStatus.PENDING).count() == 1
    assert Position.objects.filter(open_for_endorsement=False).count() == 1
    assert AuditEntry.objects.filter(action="practice.publish").count() == 4
    assert AuditEntry.objects.filter(action="position.endorse").count() == 11
    note = PracticeNote.objects.get(slug="starting-innersource-with-trusted-committers")
    assert "trusted-committer" in {tag.slug for tag in note.tags.all()}
    assert (now - note.published_at).days == 52


def test_a_note_by_someone_outside_the_organization_is_refused_by_name(region):
    people, now = region
    data = copy.deepcopy(read("chamber", "chamber.yaml"))
    data["practices"][0]["author"] = "ada.nguyen@example.org"

    with pytest.raises(DemoError, match="Starting InnerSource with trusted committers"):
        load_chamber(data, people=people, now=now)


def test_an_endorsement_by_a_plain_member_is_refused_by_name(region):
    people, now = region
    data = copy.deepcopy(read("chamber", "chamber.yaml"))
    data["positions"][0]["endorsements"][0]["by"] = "ada.nguyen@example.org"

    with pytest.raises(DemoError, match="public-money-public-code.*refused"):
        load_chamber(data, people=people, now=now)
