"""The demo region's health comes from recorded forge answers, through the real client."""

from io import StringIO

import pytest
from django.core.management import call_command

from directory.models import ProjectHealth
from portal.demo.base import DemoError, read
from portal.demo.health import load_health

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(fake_forge):
    """The demo region; `fake_forge` stands in for the network and must hear nothing."""
    call_command("seed_demo", stdout=StringIO())
    return fake_forge


def test_the_demo_region_has_realistic_health_without_the_network(region, client):
    assert ProjectHealth.objects.exclude(fetched_at=None).count() == 51
    activities = set(ProjectHealth.objects.values_list("activity", flat=True))
    assert activities == {"active", "quiet", "archived"}
    stoopkit = ProjectHealth.objects.get(project__slug="stoopkit")
    assert (stoopkit.stars, stoopkit.active_contributors) == (156, 8)
    assert (stoopkit.license_spdx, stoopkit.last_release_name) == ("MIT", "0.12.1")
    assert stoopkit.forge_host == "git.example.org"
    assert region.requests == []
    page = client.get("/directory/projects/stoopkit/").content.decode()
    assert "Project health" in page and "8 contributors in the last 12 months" in page
    assert "badge--health-archived" in client.get("/directory/?health=archived").content.decode()


def test_loading_it_again_changes_nothing(region):
    before = list(ProjectHealth.objects.order_by("pk").values("pk", "stars", "last_commit_at"))
    call_command("seed_demo", stdout=StringIO())
    after = list(ProjectHealth.objects.order_by("pk").values("pk", "stars", "last_commit_at"))
    assert [(r["pk"], r["stars"]) for r in after] == [(r["pk"], r["stars"]) for r in before]


def test_a_recorded_project_the_region_lacks_stops_the_load(region):
    data = read("directory", "health.yaml")
    data["projects"] = {"no-such-project": next(iter(data["projects"].values()))}
    with pytest.raises(DemoError, match="no-such-project"):
        load_health(data, now=ProjectHealth.objects.first().fetched_at)
