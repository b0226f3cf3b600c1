"""The page cache covers the chamber's public pages (hub/pagecache.py): an anonymous reader
gets the stored copy, a committed change of a chamber row or of the directory makes them
stale, and a change of another app leaves them alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chamber import services
from tests.chamber.factories import EndorsementFactory, PositionFactory, PracticeNoteFactory
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.events.factories import EventFactory
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.HUB_PAGE_CACHE_SECONDS = 60


def fetch(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


@pytest.fixture
def world():
    organization = OrganizationFactory(name="Harbor Labs", slug="harbor-labs")
    note = PracticeNoteFactory(organization=organization, title="Trusted committers")
    position = PositionFactory(slug="public-code")
    EndorsementFactory(position=position, organization=organization)
    return organization, note, position


def urls_of(note, position) -> list[str]:
    return [
        "/practices/",
        note.get_absolute_url(),
        "/advocacy/",
        position.get_absolute_url(),
        "/advocacy/feed.atom",
        "/api/v1/practices/",
        "/api/v1/positions/",
        f"/api/v1/positions/{position.slug}/endorsements/",
    ]


def test_every_public_page_is_served_from_the_cache_the_second_time(client, world):
    _, note, position = world
    for url in urls_of(note, position):
        first, _ = fetch(client, url)
        second, queries = fetch(client, url)
        assert (url, queries) == (url, 0)
        assert first == second


def test_a_published_note_shows_at_once(client, world, django_capture_on_commit_callbacks):
    organization, _, _ = world
    author = MembershipFactory(organization=organization).user
    note = services.practice_submit(
        author=author, organization=organization, data={"title": "Fresh idea", "text": "Try it."}
    )
    assert "Fresh idea" not in fetch(client, "/practices/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(note=note, actor=StaffFactory(), notify=False)
    assert "Fresh idea" in fetch(client, "/practices/")[0]


def test_an_endorsement_shows_at_once(client, world, django_capture_on_commit_callbacks):
    _, _, position = world
    other = OrganizationFactory(name="Tidewater Cloudworks")
    owner = MembershipFactory(organization=other, owner=True).user
    assert "Tidewater" not in fetch(client, position.get_absolute_url())[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_create(position=position, organization=other, actor=owner)
    assert "Tidewater" in fetch(client, position.get_absolute_url())[0]


def test_a_renamed_organization_makes_the_chamber_pages_stale(
    client, world, django_capture_on_commit_callbacks
):
    organization, note, _ = world
    fetch(client, note.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        organization.name = "Harbour Collective"
        organization.save()
    page, queries = fetch(client, note.get_absolute_url())
    assert queries > 0 and "Harbour Collective" in page


def test_an_events_change_leaves_the_cached_chamber_pages_alone(
    client, world, django_capture_on_commit_callbacks
):
    fetch(client, "/practices/")
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory()
    assert fetch(client, "/practices/")[1] == 0
