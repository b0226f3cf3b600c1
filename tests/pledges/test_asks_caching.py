"""The page cache covers the asks' public pages (hub/pagecache.py): an anonymous reader gets
the stored copy, and whatever changes an ask (posted, approved hours, closed by the job) shows
at once, on its pages and on its project's page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from pledges.asks import services
from pledges.models import Ask
from tests.chamber.test_caching import fetch
from tests.pledges.asks_world import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.HUB_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def world(db) -> World:
    return make_world()


def urls_of(world: World) -> list[str]:
    return [
        "/asks/",
        world.ask.get_absolute_url(),
        "/api/v1/asks/",
        f"/api/v1/asks/{world.ask.pk}/",
        world.project.get_absolute_url(),
    ]


def test_every_public_page_is_served_from_the_cache_the_second_time(client, world: World):
    for url in urls_of(world):
        first, _ = fetch(client, url)
        second, queries = fetch(client, url)
        assert (url, queries) == (url, 0)
        assert first == second


def test_a_new_ask_shows_at_once(client, world: World, django_capture_on_commit_callbacks):
    for url in ("/asks/", world.project.get_absolute_url()):
        assert "Write the install guide" not in fetch(client, url)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_post(
            project=world.project,
            actor=world.maintainer,
            data={
                "title": "Write the install guide",
                "text": "For cities.",
                "hours_wanted": Decimal("8"),
                "needed_by": timezone.localdate() + timedelta(days=9),
            },
        )
    for url in ("/asks/", world.project.get_absolute_url()):
        assert "Write the install guide" in fetch(client, url)[0]


def test_approved_hours_and_the_jobs_closing_show_at_once(
    client, world: World, django_capture_on_commit_callbacks
):
    url = world.ask.get_absolute_url()
    assert "0 of 10 hours" in fetch(client, url)[0]
    with django_capture_on_commit_callbacks(execute=True):
        world.log("4")
    assert "4 of 10 hours" in fetch(client, url)[0]
    Ask.objects.filter(pk=world.ask.pk).update(needed_by=timezone.localdate() - timedelta(days=1))
    fetch(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.asks_close_due()
    assert "Past its date on" in fetch(client, url)[0]
