"""Public pages are served to anonymous visitors from the cache (hub/pagecache.py) and are
stale the moment a change to a public row commits; people who are signed in never see a
cached page, and no cached page carries anything personal."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from directory import services as directory_services
from events import services as event_services
from events.program import services as program_services
from hub import services as hub_services
from hub.pagecache import cache_anonymous_page
from tests.conftest import free_port
from tests.directory.factories import OrganizationFactory, ProjectFactory
from tests.events.factories import EventFactory
from tests.events.program_helpers import attendee_of, make_board, propose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/directory/", "/directory/?q=harbor", "/events/", "/pledges/"]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.HUB_PAGE_CACHE_SECONDS = 60


def fetch(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_an_anonymous_page_is_rendered_once_then_served_without_a_query(client, url):
    OrganizationFactory(name="Harbor Labs")
    first, first_queries = fetch(client, url)
    second, second_queries = fetch(client, url)
    assert first.status_code == second.status_code == 200
    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The middleware still adds its headers to a cached page.
    assert "Content-Security-Policy" in second


def test_listing_and_event_pages_are_cached_too(client):
    organization = OrganizationFactory(name="Harbor Labs")
    event = EventFactory()
    for url in (f"/directory/organizations/{organization.slug}/", f"/events/{event.slug}/"):
        fetch(client, url)
        response, queries = fetch(client, url)
        assert response.status_code == 200
        assert queries == 0


def test_a_committed_change_shows_on_the_next_anonymous_visit(
    client, staff_user, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(name="Harbor Labs")
    url = f"/directory/organizations/{organization.slug}/"
    fetch(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        directory_services.listing_archive(listing=organization, actor=staff_user)
    response, queries = fetch(client, url)
    assert response.status_code == 404
    assert queries > 0


def test_a_registration_changes_the_seats_left_on_the_cached_event_page(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=10)
    url = f"/events/{event.slug}/"
    assert "10 left" in fetch(client, url)[0].content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_create(event=event, user=UserFactory(), notify=False)
    assert "9 left" in fetch(client, url)[0].content.decode()


# --- One version per public app ----------------------------------------------------------


def test_a_vote_leaves_the_cached_directory_pages_alone_and_refreshes_the_events_pages(
    client, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(name="Harbor Labs")
    board = make_board()
    proposal = propose(board)
    directory_pages = ["/directory/", f"/directory/projects/{ProjectFactory().slug}/"]
    for url in [*directory_pages, "/events/"]:
        fetch(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        program_services.vote_cast(proposal=proposal, user=attendee_of(board.event))
    for url in directory_pages:
        assert fetch(client, url)[1] == 0, url
    assert fetch(client, "/events/")[1] > 0
    # The organization page shows the events' section: it is keyed on the events too.
    url = f"/directory/organizations/{organization.slug}/"
    fetch(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        program_services.vote_cast(proposal=proposal, user=board.attendee)
    assert fetch(client, url)[1] > 0


def test_a_directory_change_makes_the_events_pages_stale(
    client, staff_user, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(name="Harbor Labs")
    event = EventFactory(organization=organization)
    url = f"/events/{event.slug}/"
    assert "Harbor Labs" in fetch(client, url)[0].content.decode()
    assert fetch(client, url)[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        organization.name = "Harbour Collective"
        organization.save()
    response, queries = fetch(client, url)
    assert queries > 0
    assert "Harbour Collective" in response.content.decode()


def test_an_events_change_leaves_the_cached_pledge_board_alone(
    client, django_capture_on_commit_callbacks
):
    fetch(client, "/pledges/")
    fetch(client, "/")
    assert fetch(client, "/")[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory()
    assert fetch(client, "/pledges/")[1] == 0
    assert fetch(client, "/")[1] > 0  # the home page shows every public app


def test_a_change_that_has_not_committed_leaves_the_cached_page_alone(client):
    organization = OrganizationFactory(name="Harbor Labs")
    fetch(client, "/directory/")
    organization.name = "Renamed Before Commit"
    organization.save()  # the test's transaction never commits
    response, queries = fetch(client, "/directory/")
    assert queries == 0
    assert "Renamed Before Commit" not in response.content.decode()


def test_a_signed_in_person_never_gets_the_anonymous_copy(client, user):
    fetch(client, "/events/")
    client.force_login(user)
    response, queries = fetch(client, "/events/")
    assert queries > 0
    assert "Sign out" in response.content.decode()


def test_a_page_rendered_for_a_signed_in_person_is_never_stored(client, user):
    client.force_login(user)
    fetch(client, "/events/")
    client.logout()
    response, queries = fetch(client, "/events/")
    assert queries > 0
    assert "Sign out" not in response.content.decode()
    assert "Sign in" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/api/v1/events/", "/api/v1/organizations/?q=harbor", "/api/v1/projects/"]
)
def test_the_api_is_cached_for_anonymous_readers_but_not_for_token_holders(client, user, url):
    EventFactory()
    OrganizationFactory(name="Harbor Labs")
    fetch(client, url)
    anonymous, queries = fetch(client, url)
    assert anonymous.status_code == 200
    assert queries == 0
    token = hub_services.api_token_regenerate(user=user).key
    response, queries = fetch(client, url, authorization=f"Token {token}")
    assert response.status_code == 200
    assert queries > 0
    assert response.json() == anonymous.json()
    bad, _ = fetch(client, url, authorization="Token not-a-token")
    assert bad.status_code == 401


def test_an_anonymous_visitor_with_a_message_waiting_gets_a_fresh_page(client):
    fetch(client, "/")
    client.cookies["messages"] = "anything"
    _, queries = fetch(client, "/")
    assert queries > 0


def test_the_cache_can_be_switched_off(client, settings):
    settings.HUB_PAGE_CACHE_SECONDS = 0
    fetch(client, "/")
    _, queries = fetch(client, "/")
    assert queries > 0


def test_the_query_string_is_part_of_the_key(client):
    OrganizationFactory(name="Harbor Labs")
    OrganizationFactory(name="Chesapeake Civic Tech")
    fetch(client, "/directory/?q=harbor")
    response, queries = fetch(client, "/directory/?q=chesapeake")
    assert queries > 0
    assert "Chesapeake Civic Tech" in response.content.decode()
    assert "Harbor Labs" not in response.content.decode()


def test_the_accept_header_is_part_of_the_key(client):
    fetch(client, "/", accept="text/html")
    _, queries = fetch(client, "/", accept="application/json")
    assert queries > 0


def test_pages_and_changes_still_work_while_the_cache_is_away(
    client, settings, staff_user, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    organization = OrganizationFactory(name="Harbor Labs")
    response, _ = fetch(client, f"/directory/organizations/{organization.slug}/")
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        directory_services.listing_archive(listing=organization, actor=staff_user)
    organization.refresh_from_db()
    assert organization.status == "archived"


# --- What is never stored, whatever the view does --------------------------------------

rf = RequestFactory()


def anonymous_get(path="/page/"):
    request = rf.get(path)
    request.session = type("Session", (), {"modified": False})()
    return request


def count_calls(view_body):
    calls = []

    @cache_anonymous_page
    def view(request):
        calls.append(request)
        return view_body(request)

    return view, calls


@pytest.mark.parametrize(
    "view_body",
    [
        pytest.param(lambda request: HttpResponse(get_token(request)), id="uses-csrf-token"),
        pytest.param(lambda request: HttpResponse("gone", status=404), id="not-found"),
        pytest.param(lambda request: HttpResponse(status=302), id="redirect"),
    ],
)
def test_personal_or_unsuccessful_responses_are_not_stored(view_body):
    view, calls = count_calls(view_body)
    view(anonymous_get())
    view(anonymous_get())
    assert len(calls) == 2


def test_a_response_carrying_a_message_is_not_stored():
    def with_message(request):
        request._messages = CookieStorage(request)
        messages.info(request, "Only for you")
        return HttpResponse("page")

    view, calls = count_calls(with_message)
    view(anonymous_get())
    view(anonymous_get())
    assert len(calls) == 2


def test_a_plain_page_is_stored_once():
    view, calls = count_calls(lambda request: HttpResponse("page"))
    first = view(anonymous_get())
    second = view(anonymous_get())
    assert len(calls) == 1
    assert second.content == first.content == b"page"


def test_a_post_is_never_served_from_the_cache():
    view, calls = count_calls(lambda request: HttpResponse("page"))
    view(anonymous_get())
    view(rf.post("/page/"))
    assert len(calls) == 2
