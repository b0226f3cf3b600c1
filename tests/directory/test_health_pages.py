"""Project health on the pages: the card, the badge, the activity facet and sort."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import ProjectHealth
from tests.directory.factories import OrganizationFactory, ProjectFactory, TagFactory

pytestmark = pytest.mark.django_db


def with_health(project, *, commit_days_ago=3, archived=False, **fields):
    now = timezone.now()
    last_commit = None if commit_days_ago is None else now - timedelta(days=commit_days_ago)
    activity = (
        "archived"
        if archived
        else ("active" if commit_days_ago is not None and commit_days_ago <= 90 else "quiet")
    )
    values = {
        "repository_url": project.repository_url,
        "source_url": project.repository_url,
        "forge_host": "github.com",
        "stars": 412,
        "forks": 57,
        "open_issues": 23,
        "last_commit_at": last_commit,
        "last_release_at": now - timedelta(days=40),
        "last_release_name": "v2.4.0",
        "active_contributors": 4,
        "archived": archived,
        "license_found": True,
        "license_spdx": "Apache-2.0",
        "scorecard_score": 6.8,
        "activity": activity,
        "fetched_at": now - timedelta(hours=3),
        "last_result": "fetched",
        **fields,
    }
    return ProjectHealth.objects.create(project=project, **values)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_project_page_explains_its_health_rule_by_rule(client):
    project = ProjectFactory(name="Harbor Tides")
    with_health(project, active_contributors=1, scorecard_score=None)
    page = text_of(client.get(project.get_absolute_url()))
    assert "Project health" in page
    assert "4 of 5 signs met" in page
    assert "Met: Active: a commit in the last 90 days Last commit 3 days ago" in page
    assert "Not met: Maintained by more than one person 1 contributor in the last 12 months" in page
    assert "Met: A release in the last year v2.4.0, 1 month ago" in page
    assert "Met: License found Apache-2.0" in page
    assert "Not judged: OpenSSF Scorecard 5 or more Not scored by OpenSSF Scorecard" in page
    assert "Stars 412 Forks 57 Open issues 23" in page
    assert "Fetched 3 hours ago from github.com" in page


def test_no_card_before_the_first_read_and_a_note_for_a_missing_repository(client):
    unread = ProjectFactory()
    ProjectHealth.objects.create(project=unread, last_result="error")
    assert "Project health" not in text_of(client.get(unread.get_absolute_url()))
    bare = ProjectFactory()
    assert "Project health" not in text_of(client.get(bare.get_absolute_url()))
    gone = ProjectFactory()
    ProjectHealth.objects.create(
        project=gone, repository_url=gone.repository_url, last_result="not_found"
    )
    page = text_of(client.get(gone.get_absolute_url()))
    assert "does not exist, or is not public" in page


def test_the_project_page_needs_as_many_queries_with_the_card_as_without(client):
    plain = ProjectFactory()
    with CaptureQueriesContext(connection) as without_card:
        client.get(plain.get_absolute_url())
    healthy = ProjectFactory(tags=[TagFactory(), TagFactory()])
    with_health(healthy)
    with CaptureQueriesContext(connection) as with_card:
        response = client.get(healthy.get_absolute_url())
    assert "Project health" in response.content.decode()
    assert len(with_card.captured_queries) == len(without_card.captured_queries)
    # The health row comes with the project (a join), not in a query of its own.
    assert not [
        query["sql"]
        for query in with_card.captured_queries
        if 'FROM "directory_projecthealth"' in query["sql"]
    ]
    print(f"\nProject page with the health card: {len(with_card.captured_queries)} queries")


@pytest.mark.parametrize(
    ("days", "archived", "badge"),
    [(3, False, "Active"), (200, False, "Quiet"), (None, False, "Quiet"), (3, True, "Archived")],
)
def test_cards_carry_an_activity_badge(client, days, archived, badge):
    project = ProjectFactory(name="Badge Project")
    with_health(project, commit_days_ago=days, archived=archived)
    html = client.get("/directory/?tab=projects").content.decode()
    assert re.search(rf'class="badge badge--health-{badge.lower()}"[^>]*>{badge}<', html)


def test_a_project_never_read_has_no_badge(client):
    ProjectFactory()
    assert "badge--health" not in client.get("/directory/").content.decode()


def make_region():
    active = ProjectFactory(name="Alpha Active")
    with_health(active, commit_days_ago=2)
    older = ProjectFactory(name="Beta Active")
    with_health(older, commit_days_ago=30)
    quiet = ProjectFactory(name="Gamma Quiet")
    with_health(quiet, commit_days_ago=200)
    archived = ProjectFactory(name="Delta Archived")
    with_health(archived, commit_days_ago=400, archived=True)
    ProjectFactory(name="Epsilon Unread")
    OrganizationFactory(name="Zeta Organization")


def names_in(response) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


def test_the_activity_facet_counts_and_filters(client):
    make_region()
    response = client.get("/directory/")
    facet = re.search(
        r'id="facet-health">Activity</h3>(.*?)</section>', response.content.decode(), re.S
    ).group(1)
    assert re.findall(r">(\w+) <span class=\"count\">(\d+)<", facet) == [
        ("Active", "2"),
        ("Quiet", "1"),
        ("Archived", "1"),
    ]
    assert names_in(client.get("/directory/?health=active")) == ["Alpha Active", "Beta Active"]
    assert names_in(client.get("/directory/?health=quiet")) == ["Gamma Quiet"]
    archived = client.get("/directory/?health=archived")
    assert names_in(archived) == ["Delta Archived"]
    assert 'Archived <span aria-hidden="true">×</span>' in archived.content.decode()
    # Organizations have no activity: the filter leaves them out, as the license filter does.
    assert names_in(client.get("/directory/?tab=organizations&health=active")) == []


def test_a_bad_activity_value_is_ignored(client):
    make_region()
    response = client.get("/directory/?health=dormant&health=&health=active%20")
    assert response.status_code == 200
    assert len(names_in(response)) == 6


@pytest.mark.parametrize("tab", ["all", "projects"])
def test_recently_active_sort(client, tab):
    make_region()
    names = names_in(client.get(f"/directory/?tab={tab}&sort=active"))
    projects = ["Alpha Active", "Beta Active", "Gamma Quiet", "Delta Archived", "Epsilon Unread"]
    assert names == (projects + ["Zeta Organization"] if tab == "all" else projects)


def test_recently_active_with_words(client):
    make_region()
    names = names_in(client.get("/directory/?q=active&sort=active"))
    assert names == ["Alpha Active", "Beta Active"]


@pytest.mark.parametrize(
    "params",
    [
        "tab=all",
        "tab=projects",
        "sort=active",
        "tab=projects&sort=active",
        "health=active",
        "q=project&sort=active",
    ],
)
def test_the_directory_query_count_stays_constant_with_health(
    client, django_assert_max_num_queries, params
):
    tags = [TagFactory(name=f"T{n}") for n in range(3)]
    OrganizationFactory(tags=tags)
    with_health(ProjectFactory(tags=tags, name="First project"))
    with django_assert_max_num_queries(20) as few:
        client.get(f"/directory/?{params}")
    for n in range(15):
        OrganizationFactory(name=f"More {n}", tags=tags)
        with_health(ProjectFactory(name=f"More project {n}", tags=tags), commit_days_ago=n * 5)
    # The factories go around the services, which would make the cached page order stale.
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/directory/?{params}")
    assert response.content.decode().count('class="badge badge--health-') >= 4
