"""/api/v1/asks/: public asks with their progress, filters, offers made and taken back under
the pages' rules; logged hours naming an ask; bad input is a 400 with field errors; the list
keeps a constant number of queries."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import ListingStatus
from pledges.asks import services
from pledges.models import Ask, Contribution, Offer
from tests.directory.factories import OrganizationFactory, ProjectFactory, TagFactory
from tests.pledges.asks_world import AskFactory, World, make_world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PEOPLE = ("anonymous", "other", "maintainer_member", "contributor", "maintainer", "staff")


@pytest.fixture
def world(db) -> World:
    return make_world()


def api(world: World, who: str) -> APIClient:
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(getattr(world, who))
    return client


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_the_list_shows_public_asks_with_their_progress(world: World):
    hidden = AskFactory(project=ProjectFactory(pending=True), title="Of a pending project")
    world.log("4")
    world.log("5", approve=False)
    response = api(world, "anonymous").get("/api/v1/asks/")
    assert titles(response) == [world.ask.title]
    row = response.json()["results"][0]
    assert row["progress"] == {"approved_hours": "4.00", "hours_wanted": "10.00", "percent": 40}
    assert row["project"] == {"slug": "stoopkit", "name": "stoopkit"}
    assert row["maintained_by"] == [
        {"slug": "formstone-software", "name": "Formstone Software", "kind": "company"}
    ]
    assert [tag["slug"] for tag in row["skills"]] == ["python"]
    assert row["status"] == "open" and row["is_open"] is True
    assert api(world, "anonymous").get(f"/api/v1/asks/{hidden.pk}/").status_code == 404
    assert api(world, "staff").get(f"/api/v1/asks/{hidden.pk}/").status_code == 200


def test_filters_by_skill_project_and_open(world: World):
    rust = TagFactory(name="Rust")
    other = AskFactory(project=ProjectFactory(slug="crabpot"), skills=[rust], title="Async review")
    services.ask_close(ask=world.ask, actor=world.maintainer)
    client = api(world, "anonymous")
    assert titles(client.get("/api/v1/asks/?skill=rust")) == ["Async review"]
    assert titles(client.get("/api/v1/asks/?project=stoopkit")) == [world.ask.title]
    assert titles(client.get("/api/v1/asks/?open=true")) == [other.title]
    assert titles(client.get("/api/v1/asks/?open=false")) == [world.ask.title]
    # A filter selects the list only: one ask is found by its id whatever the query says.
    assert client.get(f"/api/v1/asks/{world.ask.pk}/?open=true").status_code == 200


@pytest.mark.parametrize("query", ["skill=..%2F", "project=%F0%9F%98%80"])
def test_malformed_filters_are_a_400_with_the_fields_error(world: World, query):
    response = api(world, "anonymous").get(f"/api/v1/asks/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_the_list_keeps_a_constant_number_of_queries(world: World, django_assert_max_num_queries):
    client = api(world, "anonymous")
    with django_assert_max_num_queries(8) as few:
        titles(client.get("/api/v1/asks/"))
    for _ in range(10):
        AskFactory(
            project=ProjectFactory(organizations=[OrganizationFactory()]),
            skills=TagFactory.create_batch(2),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(titles(client.get("/api/v1/asks/"))) == 11


# --- Offers ------------------------------------------------------------------------------------


def offers_url(world: World) -> str:
    return f"/api/v1/asks/{world.ask.pk}/offers/"


@pytest.mark.parametrize("who", PEOPLE)
def test_offering_through_the_api(world: World, who):
    client = api(world, who)
    response = client.post(offers_url(world), {"hours": "6", "note": "Tuesdays."}, format="json")
    if who == "anonymous":
        assert response.status_code == 401 and not Offer.objects.exists()
        return
    assert response.status_code == 201, response.content
    assert response.json()["hours"] == "6.00"
    again = client.post(offers_url(world), {"hours": "9"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    assert client.delete(offers_url(world)).status_code == 204
    assert client.delete(offers_url(world)).status_code == 404
    assert not Offer.objects.filter(status="active").exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_only_maintainers_read_the_offers(world: World, who):
    services.offer_make(ask=world.ask, person=world.contributor, hours=Decimal("5"))
    response = api(world, who).get(offers_url(world))
    expected = {"anonymous": 401, "maintainer": 200, "staff": 200}.get(who, 403)
    assert response.status_code == expected
    if expected == 200:
        [offer] = response.json()["results"]
        assert offer["person"]["email"] == world.contributor.email


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "1.1"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "1e300"}, "hours"),
        ({}, "hours"),
        ({"hours": "2", "note": "n" * 1001}, "note"),
        ([1, 2], "non_field_errors"),
    ],
)
def test_a_bad_offer_is_a_400_with_field_errors(world: World, body, field):
    response = api(world, "other").post(offers_url(world), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Offer.objects.exists()


def test_an_offer_to_a_closed_ask_is_a_400_with_its_code(world: World):
    services.ask_close(ask=world.ask, actor=world.maintainer)
    response = api(world, "other").post(offers_url(world), {"hours": "2"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "closed"


def test_an_unknown_or_malformed_ask_is_a_json_404(world: World):
    client = api(world, "other")
    for url in ("/api/v1/asks/999999/", "/api/v1/asks/999999/offers/", "/api/v1/asks/x1/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")


def test_the_schema_documents_the_offers_400():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    post = schema["paths"]["/api/v1/asks/{id}/offers/"]["post"]
    assert {"201", "200", "400", "401", "403", "404"} <= set(post["responses"])


# --- Logged hours naming an ask -----------------------------------------------------------------


def log_body(world: World, **changes) -> dict:
    return {
        "pledge": world.pledge.pk,
        "date": TODAY.isoformat(),
        "hours": "3",
        "project": "stoopkit",
        "description": "Translated the status page.",
        "ask": world.ask.pk,
        **changes,
    }


def test_a_log_names_its_ask_through_the_api(world: World):
    response = api(world, "contributor").post(
        "/api/v1/contributions/", log_body(world), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["ask"] == world.ask.pk
    assert Contribution.objects.get().ask == world.ask


@pytest.mark.parametrize(
    "changes",
    [
        {"ask": 999999},
        {"ask": "x"},
        {"project": "crabpot"},
    ],
)
def test_a_log_naming_a_wrong_ask_is_a_400_on_the_ask(world: World, changes):
    ProjectFactory(slug="crabpot")
    response = api(world, "contributor").post(
        "/api/v1/contributions/", log_body(world, **changes), format="json"
    )
    assert response.status_code == 400
    assert "ask" in response.json()
    assert not Contribution.objects.exists()


def test_an_ask_of_an_unlisted_project_is_unknown_to_the_api(world: World):
    world.project.status = ListingStatus.PENDING
    world.project.save()
    response = api(world, "contributor").post(
        "/api/v1/contributions/", log_body(world, project=None), format="json"
    )
    assert response.status_code == 400 and "ask" in response.json()
    assert Ask.objects.count() == 1
