"""A search that finds nothing suggests what was meant, from the names of published listings
and of their tags, on SQLite (difflib) and on PostgreSQL (trigram word similarity), in a
constant number of queries."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import ListingStatus
from tests.directory.factories import OrganizationFactory, ProjectFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    python = TagFactory(name="Python")
    OrganizationFactory(name="Chesapeake Data Labs", tags=[python])
    ProjectFactory(name="Harbor Kubernetes Operator")
    secret = TagFactory(name="Pythonista")
    OrganizationFactory(name="Pythonic Secrets", status=ListingStatus.PENDING, tags=[secret])


def suggestions_for(client, q: str) -> list[str]:
    response = client.get("/directory/", {"q": q})
    assert response.status_code == 200
    return response.context["suggestions"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("pythn", "Python"),  # a tag
        ("kubernetis", "Harbor Kubernetes Operator"),  # a word of a project's name
        ("chesapeke data", "Chesapeake Data Labs"),  # words of an organization's name
    ],
)
def test_a_search_that_finds_nothing_suggests_names_and_tags(client, region, typed, meant):
    assert meant in suggestions_for(client, typed)
    page = client.get("/directory/", {"q": typed}).content.decode()
    assert f'Did you mean <a href="?q={meant.replace(" ", "%20")}">{meant}</a>' in page


def test_nothing_unpublished_is_suggested(client, region):
    for typed in ("pythonist", "pythonic secret"):
        assert not {"Pythonista", "Pythonic Secrets"} & set(suggestions_for(client, typed))


def test_a_search_that_finds_something_suggests_nothing(client, region):
    assert suggestions_for(client, "python") == []


def test_the_page_needs_as_many_queries_with_many_listings_as_with_few(
    client, region, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        assert suggestions_for(client, "pythn")
    for n in range(30):
        ProjectFactory(name=f"Patapsco Tool {n}", tags=[TagFactory(name=f"Topic {n}")])
    cache.clear()

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert suggestions_for(client, "pythn")


def test_postgresql_asks_the_trigram_indexes_once(postgres, client, region):
    with CaptureQueriesContext(connection) as queries:
        assert "Python" in suggestions_for(client, "pythn")

    similar = [q["sql"] for q in queries.captured_queries if "WORD_SIMILARITY" in q["sql"].upper()]
    assert len(similar) == 1
    assert "<%" in similar[0]
