"""Who uses what over the API: a project's users (public ones only, 404 for a project that is
not published), an organization's uses, declaring and withdrawing by role with 400 field
errors, the "used_by" filter of the projects list, constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from directory.models import ListingStatus, ProjectUse
from directory.queries import directory_cache_invalidate
from hub.models import AuditEntry
from tests.directory.factories import OrganizationFactory, ProjectFactory
from tests.directory.uses_world import DECLARES, PEOPLE, WITHDRAWS, ProjectUseFactory, World

pytestmark = pytest.mark.django_db

USERS = "/api/v1/projects/stoopkit/users/"
USES = "/api/v1/organizations/charm-city/uses/"
ONE_USE = "/api/v1/organizations/charm-city/uses/stoopkit/"


@pytest.fixture
def world():
    return World()


def api_as(world, who: str) -> APIClient:
    return world.client(who, APIClient)


def user_of(project, name: str, kind: str, status: str = "production", **extra) -> ProjectUse:
    organization = OrganizationFactory(name=name, kind=kind, **extra)
    return ProjectUseFactory(project=project, organization=organization, status=status)


# --- Reading ----------------------------------------------------------------------------------


def test_a_projects_users_are_its_public_ones_public_bodies_first(world):
    ProjectUseFactory(project=world.project, organization=world.organization, note="runs 311")
    user_of(world.project, "Formstone Software", "company", "evaluating")
    user_of(world.project, "Old Line State", "government", "stopped")
    user_of(world.project, "Hidden County", "government", pending=True)

    body = api_as(world, "anonymous").get(USERS).json()

    assert body["count"] == 3
    rows = body["results"]
    assert [(row["organization"]["name"], row["status"]) for row in rows] == [
        ("Charm City Digital Service", "production"),
        ("Old Line State", "stopped"),
        ("Formstone Software", "evaluating"),
    ]
    assert rows[0]["organization"] == {
        "slug": "charm-city",
        "name": "Charm City Digital Service",
        "kind": "government",
        "page_url": "http://testserver/directory/organizations/charm-city/",
    }
    assert rows[0]["note"] == "runs 311"
    assert rows[0]["since"]


@pytest.mark.parametrize("who", PEOPLE)
def test_a_project_that_is_not_published_has_no_users_to_show(world, who):
    user_of(world.pending_project, "Patapsco County", "government")
    response = api_as(world, who).get("/api/v1/projects/alley-light/users/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published project has this slug."}
    assert api_as(world, who).get("/api/v1/projects/nothing/users/").status_code == 404


def test_the_users_list_is_paginated_in_a_constant_number_of_queries(world):
    def read(page=1):
        with CaptureQueriesContext(connection) as captured:
            response = api_as(world, "anonymous").get(USERS, {"page": page})
        assert response.status_code == 200
        return response.json(), len(captured)

    user_of(world.project, "Agency 0", "government")
    _, one = read()
    for n in range(1, 60):
        user_of(world.project, f"Agency {n}", "government")
    body, many = read()
    assert many == one
    assert (body["count"], len(body["results"]), bool(body["next"])) == (60, 50, True)
    assert len(read(2)[0]["results"]) == 10


def test_an_organizations_uses_are_its_published_projects(world):
    ProjectUseFactory(organization=world.organization, project=world.project)
    ProjectUseFactory(organization=world.organization, project=world.pending_project)
    rows = api_as(world, "anonymous").get(USES).json()["results"]
    assert [row["project"]["slug"] for row in rows] == ["stoopkit"]
    world.organization.status = ListingStatus.PENDING
    world.organization.save()
    assert api_as(world, "owner").get(USES).status_code == 404


def test_the_project_detail_counts_its_users(world):
    ProjectUseFactory(organization=world.organization, project=world.project)
    user_of(world.project, "Old Line State", "government", "stopped")
    user_of(world.project, "Hidden County", "government", pending=True)
    body = api_as(world, "anonymous").get("/api/v1/projects/stoopkit/").json()
    assert body["users_count"] == 1
    assert body["users_url"] == f"http://testserver{USERS}"


def test_the_projects_list_filters_by_public_body_users(world):
    ProjectUseFactory(organization=world.organization, project=world.project)
    user_of(ProjectFactory(name="crabpot", slug="crabpot"), "Locust Point", "company")
    user_of(ProjectFactory(name="lotline", slug="lotline"), "Old Line", "government", "stopped")
    directory_cache_invalidate()

    def slugs(**params) -> list[str]:
        rows = api_as(world, "anonymous").get("/api/v1/projects/", params).json()["results"]
        return sorted(row["slug"] for row in rows)

    assert slugs(used_by="public") == ["stoopkit"]
    assert slugs() == slugs(used_by="nobody") == ["crabpot", "lotline", "stoopkit"]
    # Organizations have no users: the filter is ignored there, as the other project facets.
    organizations = api_as(world, "anonymous").get("/api/v1/organizations/", {"used_by": "public"})
    assert organizations.json()["count"] == 4


# --- Declaring and withdrawing ----------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_only_owners_and_admins_declare(world, who):
    payload = {"project": "stoopkit", "status": "evaluating", "note": "pilot in two districts"}
    response = api_as(world, who).post(USES, payload, format="json")
    if who in DECLARES:
        assert response.status_code == 201
        assert response.json()["project"]["slug"] == "stoopkit"
        assert (response.json()["status"], response.json()["note"]) == (
            "evaluating",
            "pilot in two districts",
        )
        again = api_as(world, who).post(USES, {**payload, "status": "production"}, format="json")
        assert (again.status_code, again.json()["status"]) == (200, "production")
        assert ProjectUse.objects.count() == 1
    else:
        assert response.status_code == (401 if who == "anonymous" else 403)
        assert not ProjectUse.objects.exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_only_owners_admins_and_staff_withdraw(world, who):
    ProjectUseFactory(organization=world.organization, project=world.project)
    response = api_as(world, who).delete(ONE_USE)
    if who in WITHDRAWS:
        assert response.status_code == 204
        assert not ProjectUse.objects.exists()
        assert api_as(world, who).delete(ONE_USE).status_code == 404
    else:
        assert response.status_code == (401 if who == "anonymous" else 403)
        assert ProjectUse.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({}, {"project", "status"}),
        ({"project": "alley-light", "status": "production"}, {"project"}),
        ({"project": "nothing", "status": "production"}, {"project"}),
        ({"project": ["stoopkit"], "status": "production"}, {"project"}),
        ({"project": "stoopkit", "status": "forever"}, {"status"}),
        ({"project": "stoopkit", "status": "production", "note": "x" * 201}, {"note"}),
        ({"project": "stoopkit", "status": "production", "note": None}, {"note"}),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_writes_nothing(world, payload, errors):
    response = api_as(world, "owner").post(USES, payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == errors
    assert not ProjectUse.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="organization.use").exists()


def test_a_body_that_is_not_an_object_is_a_400(world):
    response = api_as(world, "owner").post(USES, ["stoopkit"], format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"project", "status"}


def test_an_unpublished_organization_is_hidden_from_others_and_refused_to_its_owner(world):
    world.organization.status = ListingStatus.PENDING
    world.organization.save()
    payload = {"project": "stoopkit", "status": "production"}
    assert api_as(world, "unrelated").post(USES, payload, format="json").status_code == 404
    refused = api_as(world, "owner").post(USES, payload, format="json")
    assert refused.status_code == 403
    assert "published organization" in refused.json()["detail"]


def test_the_schema_documents_the_endpoints_and_their_400s(world):
    schema = api_as(world, "anonymous").get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    users = paths["/api/v1/projects/{slug}/users/"]["get"]
    assert {"200", "404"} <= set(users["responses"])
    declare = paths["/api/v1/organizations/{slug}/uses/"]["post"]
    assert {"200", "201", "400", "403"} <= set(declare["responses"])
    assert "delete" in paths["/api/v1/organizations/{slug}/uses/{project}/"]
    assert {"used_by"} <= {p["name"] for p in paths["/api/v1/projects/"]["get"]["parameters"]}
    status = schema["components"]["schemas"]["ProjectUseStatusEnum"]
    assert status["enum"] == ["production", "evaluating", "stopped"]


def test_the_users_list_stays_cached_through_other_apps_changes(
    world, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.events.factories import EventFactory

    settings.HUB_PAGE_CACHE_SECONDS = 60
    url = f"/api/v1/projects/{world.project.slug}/users/"
    client = APIClient()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory()  # an events change: the directory's numbers are the same
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 0
