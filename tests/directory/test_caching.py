"""The directory page caches its facets, result counts and page order; every change the
public can see (through directory/services.py) makes them stale on commit."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from directory import queries, services
from directory.models import ListingStatus, Organization
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def queries_of(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), html_of(response)


@pytest.fixture
def staff():
    return StaffFactory()


def test_a_second_request_reuses_facets_and_counts(client):
    python = TagFactory(name="Python")
    OrganizationFactory(name="Harbor Labs", tags=[python])
    ProjectFactory(name="Row House Toolkit", tags=[python])
    for url in ["/directory/", "/directory/?q=harbor", "/directory/?tab=projects&tag=python"]:
        cold, cold_html = queries_of(client, url)
        warm, warm_html = queries_of(client, url)
        assert warm < cold
        assert warm_html == cold_html


def test_the_sort_order_and_tab_share_the_cached_numbers(client):
    OrganizationFactory(name="Harbor Labs", city="Baltimore")
    client.get("/directory/")
    with CaptureQueriesContext(connection) as captured:
        facets = queries.directory_facets(queries.DirectoryQuery(sort="name", tab="projects"))
        counts = queries.directory_counts(queries.DirectoryQuery(sort="newest", tab="all"))
    assert captured.captured_queries == []
    assert facets["city"] == [("Baltimore", "Baltimore", 1)]
    assert counts == (1, 0)


def test_publishing_shows_the_listing_at_once(client, staff, django_capture_on_commit_callbacks):
    OrganizationFactory(name="Harbor Labs", city="Baltimore")
    pending = OrganizationFactory(name="Newcomer Collective", city="Towson", pending=True)
    before = html_of(client.get("/directory/"))
    assert "Newcomer Collective" not in before and "Towson" not in before
    assert "1 listing" in before
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_publish(listing=pending, actor=staff)
    after = html_of(client.get("/directory/"))
    assert "Newcomer Collective" in after
    assert "Towson" in after  # the city facet
    assert "2 listings" in after


def test_archiving_and_rejecting_hide_the_listing_at_once(
    client, staff, django_capture_on_commit_callbacks
):
    OrganizationFactory(name="Harbor Labs")
    leaving = OrganizationFactory(name="Leaving Soon", city="Towson")
    project = ProjectFactory(name="Row House Toolkit", license="GPL-3.0-only")
    html = html_of(client.get("/directory/"))
    assert "Leaving Soon" in html and "Row House Toolkit" in html and "3 listings" in html
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_archive(listing=leaving, actor=staff)
        services.listing_reject(listing=project, actor=staff, reason="Not open source.")
    html = html_of(client.get("/directory/"))
    assert "Leaving Soon" not in html and "Towson" not in html
    assert "Row House Toolkit" not in html and "GPL-3.0-only" not in html
    assert "1 listing" in html


def test_an_edit_that_goes_live_shows_at_once(client, django_capture_on_commit_callbacks):
    organization = OrganizationFactory(name="Harbor Labs", verified=True)
    owner = MembershipFactory(organization=organization, owner=True).user
    assert "Harbor Labs" in html_of(client.get("/directory/?q=harbor"))
    data = {field: getattr(organization, field) for field in services.ORGANIZATION_FIELDS}
    data["name"] = "Harbour Laboratories"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.listing_edit(listing=organization, actor=owner, data=data) is None
    assert "Harbour Laboratories" in html_of(client.get("/directory/"))
    assert "Harbour Laboratories" in html_of(client.get("/directory/?q=harbour"))


def test_featuring_reorders_at_once(client, staff, django_capture_on_commit_callbacks):
    OrganizationFactory(name="Aardvark Analytics")
    zebra = OrganizationFactory(name="Zebra Maps")
    html = html_of(client.get("/directory/"))
    assert html.index("Aardvark Analytics") < html.index("Zebra Maps")
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_set_flags(organization=zebra, actor=staff, featured=True)
    html = html_of(client.get("/directory/"))
    assert html.index("Zebra Maps") < html.index("Aardvark Analytics")


def test_a_pending_listing_never_reaches_the_cache(client):
    secret = TagFactory(name="Secret Sauce")
    OrganizationFactory(name="Harbor Labs")
    OrganizationFactory(name="Hidden Org", city="Nowhere", tags=[secret], pending=True)
    ProjectFactory(name="Hidden Project", license="AGPL-3.0-only", tags=[secret], pending=True)
    for url in ["/directory/", "/directory/?q=hidden", "/directory/?tag=secret-sauce"]:
        for _ in range(2):  # cold, then from the cache
            html = html_of(client.get(url))
            assert "Hidden" not in html and "Nowhere" not in html
            assert "AGPL-3.0-only" not in html
            if "tag=" not in url:  # the chosen tag's name shows as the filter in use
                assert "Secret Sauce" not in html


def test_a_cached_page_order_never_shows_a_listing_that_left(client):
    """A change made around the services (a bulk update) leaves the cached order stale for a
    while, but the rows are read again as published ones: nothing unpublished shows."""
    OrganizationFactory(name="Harbor Labs")
    gone = OrganizationFactory(name="Gone Missing")
    assert "Gone Missing" in html_of(client.get("/directory/"))
    Organization.objects.filter(pk=gone.pk).update(status=ListingStatus.PENDING)
    assert "Gone Missing" not in html_of(client.get("/directory/"))


def test_invalidation_needs_no_version_in_the_cache():
    cache.delete(queries.VERSION_KEY)
    queries.directory_cache_invalidate()
    first = queries._version()
    queries.directory_cache_invalidate()
    assert queries._version() != first


@pytest.mark.parametrize("tab", ["organizations", "projects"])
def test_a_single_type_tab_pages_from_cached_ids_and_never_shows_a_listing_that_left(client, tab):
    """The organizations and projects tabs keep their page order in the cache too: a page
    read again fetches its rows by id, as published ones only."""
    factory = OrganizationFactory if tab == "organizations" else ProjectFactory
    model = factory._meta.model
    for n in range(3):
        factory(name=f"Harbor Listing {n}")
    gone = factory(name="Gone Missing")
    url = f"/directory/?tab={tab}&sort=name"
    _, first = queries_of(client, url)
    query = queries.DirectoryQuery.from_querydict(QueryDict(f"tab={tab}&sort=name"))
    expected = list(model.objects.order_by("name").values_list("pk", flat=True))
    # The paginator asks for the whole (short) page: offset 0, as many rows as there are.
    assert cache.get(queries._cache_key("tab-page", query, 0, len(expected))) == expected
    _, second = queries_of(client, url)
    assert second == first
    model.objects.filter(pk=gone.pk).update(status=ListingStatus.PENDING)
    _, after = queries_of(client, url)
    assert "Gone Missing" not in after
    assert "Harbor Listing 2" in after
