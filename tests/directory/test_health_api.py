"""The API's read-only `health` object on projects, its filter and sort."""

import pytest
from django.core.cache import cache
from django.test import Client

from directory.models import ProjectHealth
from tests.directory.factories import ProjectFactory
from tests.directory.test_health_pages import with_health
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_project_carries_its_health(client):
    project = ProjectFactory()
    with_health(project, scorecard_score=None)
    health = client.get(f"/api/v1/projects/{project.slug}/").json()["health"]
    assert health["activity"] == "active"
    assert (health["stars"], health["forks"], health["open_issues"]) == (412, 57, 23)
    assert health["active_contributors"] == 4
    assert health["license_spdx"] == "Apache-2.0"
    assert health["scorecard_score"] is None
    assert health["forge_host"] == "github.com"
    assert health["source_url"] == project.repository_url
    assert health["fetched_at"]
    assert [(rule["key"], rule["met"]) for rule in health["rules"]] == [
        ("active", True),
        ("maintainers", True),
        ("release", True),
        ("not_archived", True),
        ("license", True),
        ("scorecard", None),
    ]


def test_health_is_null_before_the_first_read(client):
    unread = ProjectFactory()
    ProjectHealth.objects.create(project=unread, last_result="error")
    bare = ProjectFactory()
    for project in (unread, bare):
        assert client.get(f"/api/v1/projects/{project.slug}/").json()["health"] is None


def test_health_cannot_be_written(client):
    """Read-only: a PATCH naming it changes nothing of it (the owner's edit ignores it)."""
    project = ProjectFactory()
    with_health(project)
    staff = Client()
    staff.force_login(StaffFactory())
    staff.patch(
        f"/api/v1/projects/{project.slug}/",
        {"health": {"stars": 1}},
        content_type="application/json",
    )
    assert ProjectHealth.objects.get(project=project).stars == 412


def test_the_list_filters_by_activity_and_sorts_by_it(client):
    quiet = ProjectFactory(name="Quiet One")
    with_health(quiet, commit_days_ago=200)
    recent = ProjectFactory(name="Recent One")
    with_health(recent, commit_days_ago=1)
    older = ProjectFactory(name="Older One")
    with_health(older, commit_days_ago=20)
    ProjectFactory(name="Unread One")
    names = [p["name"] for p in client.get("/api/v1/projects/?sort=active").json()["results"]]
    assert names == ["Recent One", "Older One", "Quiet One", "Unread One"]
    names = [p["name"] for p in client.get("/api/v1/projects/?health=quiet").json()["results"]]
    assert names == ["Quiet One"]


def test_the_list_query_count_does_not_grow_with_health(client, django_assert_max_num_queries):
    with_health(ProjectFactory())
    with django_assert_max_num_queries(10) as few:
        client.get("/api/v1/projects/")
    for n in range(10):
        with_health(ProjectFactory(name=f"More {n}"))
    # The factories go around the services, which would make the cached page stale.
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/projects/")
    results = response.json()["results"]
    assert len(results) == 11 and all(p["health"] for p in results)


def test_the_schema_documents_health(client):
    schema = client.get("/api/schema/?format=json").json()
    project = schema["components"]["schemas"]["Project"]["properties"]
    assert project["health"]["nullable"] is True
    assert project["health"]["readOnly"] is True
    health = schema["components"]["schemas"]["ProjectHealth"]["properties"]
    assert health["rules"]["items"]["$ref"].endswith("/HealthRule")
    parameters = schema["paths"]["/api/v1/projects/"]["get"]["parameters"]
    assert "health" in [parameter["name"] for parameter in parameters]
