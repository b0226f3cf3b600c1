"""The forge-sync job against the fake forge: batches, 304, 404, rate limits, errors."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from directory import health
from directory.models import ProjectHealth
from directory.tasks import forge_sync_task
from tests.directory.factories import ProjectFactory

pytestmark = pytest.mark.django_db

Result = ProjectHealth.Result


def repository_reads(fake_forge) -> Counter:
    """How often each repository's metadata was asked for."""
    return Counter(
        request.path
        for request in fake_forge.requests
        if request.path.count("/") == 4 and "/repos/" in request.path
    )


def make_projects(fake_forge, n, **serve):
    projects = [ProjectFactory(repository_url=f"https://github.com/hub/p{i}") for i in range(n)]
    for project in projects:
        fake_forge.serve_project(project.repository_url, **serve)
    return projects


def test_a_run_reads_each_due_project_once_up_to_the_batch(fake_forge, settings):
    settings.HUB_FORGE_SYNC_BATCH = 2
    make_projects(fake_forge, 3)
    ProjectFactory(pending=True, repository_url="https://github.com/hub/pending")
    ProjectFactory(repository_url="")

    first = forge_sync_task()
    assert first == {"attempted": 2, "fetched": 2}
    second = health.sync_projects()
    assert second.attempted == 1
    third = health.sync_projects()
    assert third.attempted == 0

    reads = repository_reads(fake_forge)
    assert sorted(reads) == [f"/github/repos/hub/p{i}" for i in range(3)]
    assert set(reads.values()) == {1}
    assert ProjectHealth.objects.count() == 3


def test_a_read_stores_what_the_forge_says(fake_forge):
    (project,) = make_projects(
        fake_forge, 1, contributors=4, last_commit_days_ago=3, release_days_ago=40, score=6.8
    )
    now = timezone.now()
    health.sync_projects(now=now)
    row = ProjectHealth.objects.get(project=project)
    assert (row.stars, row.forks, row.open_issues) == (412, 57, 23)
    assert row.active_contributors == 4
    assert now - timedelta(days=4) < row.last_commit_at < now - timedelta(days=2)
    assert row.last_release_name == "2.4.0: salinity sensors"
    assert (row.license_found, row.license_spdx) == (True, "Apache-2.0")
    assert row.scorecard_score == 6.8
    assert row.activity == "active"
    assert row.source_url == "https://github.com/hub/p0"
    assert row.forge_host == "github.com"
    assert row.fetched_at == now
    assert row.last_result == Result.FETCHED
    assert row.next_attempt_at == now + timedelta(hours=24)


def test_an_unchanged_repository_costs_one_304_and_keeps_its_data(fake_forge):
    (project,) = make_projects(fake_forge, 1, etag='"abc"')
    now = timezone.now()
    health.sync_projects(now=now)
    before = len(fake_forge.requests)

    later = now + timedelta(days=2)
    report = health.sync_projects(now=later)
    assert report.results == {Result.NOT_MODIFIED: 1}
    assert (report.requests, report.not_modified_answers) == (1, 1)
    assert fake_forge.requests[before].headers["If-None-Match"] == '"abc"'
    row = ProjectHealth.objects.get(project=project)
    assert row.stars == 412 and row.active_contributors == 4
    assert row.fetched_at == later
    assert row.last_result == Result.NOT_MODIFIED


def test_a_missing_repository_is_recorded_and_not_asked_again(fake_forge):
    project = ProjectFactory(repository_url="https://github.com/hub/gone")
    now = timezone.now()
    report = health.sync_projects(now=now)
    assert report.results == {Result.NOT_FOUND: 1}
    row = ProjectHealth.objects.get(project=project)
    assert row.last_result == Result.NOT_FOUND
    assert row.next_attempt_at == now + timedelta(days=30)
    assert health.sync_projects(now=now + timedelta(days=3)).attempted == 0
    assert len(fake_forge.requests) == 1


def test_an_archived_repository_is_recorded_and_read_again_only_after_30_days(fake_forge):
    project = ProjectFactory(repository_url="https://github.com/hub/old")
    fake_forge.serve_project(
        project.repository_url, archived=True, last_commit_days_ago=200, release_days_ago=300
    )
    now = timezone.now()
    health.sync_projects(now=now)
    row = ProjectHealth.objects.get(project=project)
    assert (row.archived, row.activity, row.active_contributors) == (True, "archived", 4)
    assert row.next_attempt_at == now + timedelta(days=30)
    asked = len(fake_forge.requests)
    assert health.sync_projects(now=now + timedelta(days=29)).attempted == 0
    assert len(fake_forge.requests) == asked


def test_a_rate_limit_stops_the_batch_until_the_reset(fake_forge):
    projects = [ProjectFactory(repository_url=f"https://github.com/hub/r{i}") for i in range(3)]
    reset_at = fake_forge.rate_limited("github.com")
    now = timezone.now()
    report = health.sync_projects(now=now)
    assert report.paused_until == reset_at
    assert report.attempted == 0
    assert len(fake_forge.requests) == 1
    rows = ProjectHealth.objects.filter(project__in=projects)
    assert {row.next_attempt_at for row in rows} == {reset_at}
    assert {row.last_result for row in rows} == {Result.RATE_LIMITED}
    # Before the reset nothing is due; after it, every one of them is.
    assert health.sync_projects(now=now + timedelta(minutes=5)).attempted == 0
    assert len(fake_forge.requests) == 1


def test_a_forge_error_is_retried_later_and_keeps_the_last_figures(fake_forge):
    project = ProjectFactory(repository_url="https://github.com/hub/flaky")
    fake_forge.serve("github.com", "/repos/hub/flaky", {"message": "oops"}, status=502, once=True)
    fake_forge.serve_project(project.repository_url)
    now = timezone.now()
    health.sync_projects(now=now)  # the 502
    row = ProjectHealth.objects.get(project=project)
    assert (row.last_result, row.failures) == (Result.ERROR, 1)
    assert row.next_attempt_at == now + timedelta(hours=1)
    assert row.stars is None

    health.sync_projects(now=now + timedelta(hours=2))
    row.refresh_from_db()
    assert (row.last_result, row.failures, row.stars) == (Result.FETCHED, 0, 412)


def test_scorecard_trouble_keeps_the_last_score(fake_forge):
    project = ProjectFactory(repository_url="https://github.com/hub/scored")
    now = timezone.now()
    fake_forge.serve_project(project.repository_url, score=7.5)
    health.sync_projects(now=now)
    fake_forge.server.clear()
    fake_forge.server.no_handler_status_code = 404
    fake_forge.serve_project(project.repository_url, score=None, stargazers_count=9)
    fake_forge.serve("scorecard", "/projects/github.com/hub/scored", {}, status=503, once=True)
    health.sync_projects(now=now + timedelta(days=2))
    row = ProjectHealth.objects.get(project=project)
    assert (row.stars, row.scorecard_score) == (9, 7.5)


def test_a_host_the_hub_does_not_read_is_recorded(fake_forge):
    project = ProjectFactory(repository_url="https://sr.ht/~someone/thing")
    assert health.sync_projects().results == {Result.UNSUPPORTED: 1}
    assert ProjectHealth.objects.get(project=project).last_result == Result.UNSUPPORTED
    assert fake_forge.requests == []


def test_a_changed_repository_address_is_read_again(fake_forge):
    (project,) = make_projects(fake_forge, 1, etag='"old"')
    now = timezone.now()
    health.sync_projects(now=now)
    project.repository_url = "https://codeberg.org/hub/moved"
    project.save()
    fake_forge.serve_project(project.repository_url, etag='"old"')
    before = len(fake_forge.requests)
    assert health.sync_projects(now=now + timedelta(minutes=1)).attempted == 1
    # The old repository's ETag is not sent for the new one.
    assert "If-None-Match" not in fake_forge.requests[before].headers
    row = ProjectHealth.objects.get(project=project)
    assert (row.forge_host, row.stars) == ("codeberg.org", 27)


def test_gitlab_and_gitea_projects(fake_forge):
    gitlab = ProjectFactory(repository_url="https://gitlab.com/oldline-civic/open311-maryland")
    gitea = ProjectFactory(repository_url="https://codeberg.org/patapsco-commons/trailmap")
    for project in (gitlab, gitea):
        fake_forge.serve_project(project.repository_url, contributors=2)
    health.sync_projects()
    assert ProjectHealth.objects.get(project=gitlab).stars == 64
    assert ProjectHealth.objects.get(project=gitlab).active_contributors == 2
    assert ProjectHealth.objects.get(project=gitea).license_spdx == "GPL-3.0-or-later"
    # Scorecard scores github.com and gitlab.com only.
    assert ProjectHealth.objects.get(project=gitea).scorecard_score is None


def test_the_command_refreshes_one_project_with_a_progress_bar(fake_forge, capsys):
    (project, other) = make_projects(fake_forge, 2)
    out = StringIO()
    call_command("forge_sync", "--project", project.slug, stdout=out)
    assert "1 project(s) read (fetched 1)" in out.getvalue()
    assert "[" + "#" * 30 + "] 1/1" in capsys.readouterr().err
    assert ProjectHealth.objects.filter(fetched_at__isnull=False).get().project == project
    # By hand, a project is read even when it is not due.
    call_command("forge_sync", "--project", project.slug, stdout=out)
    assert repository_reads(fake_forge)[f"/github/repos/hub/{project.repository_url[-2:]}"] == 2


def test_the_command_refuses_an_unknown_project(fake_forge):
    with pytest.raises(CommandError, match="No project"):
        call_command("forge_sync", "--project", "nope", stdout=StringIO())


def test_runs_at_the_same_time_share_no_project(fake_forge):
    projects = [ProjectFactory(repository_url=f"https://github.com/hub/c{i}") for i in range(5)]
    now = timezone.now()
    first = health.claim_due(now=now, limit=3)
    second = health.claim_due(now=now, limit=3)
    assert len(first) == 3 and len(second) == 2
    assert not set(first) & set(second)
    assert health.claim_due(now=now, limit=3) == []
    assert ProjectHealth.objects.filter(project__in=projects).count() == 5


@pytest.mark.parametrize(
    ("new_url", "result"),
    [
        ("https://sr.ht/~someone/thing", Result.UNSUPPORTED),
        ("https://github.com/hub/gone", Result.NOT_FOUND),
    ],
)
def test_a_repository_that_is_gone_takes_its_old_figures_with_it(fake_forge, new_url, result):
    (project,) = make_projects(fake_forge, 1)
    now = timezone.now()
    health.sync_projects(now=now)
    project.repository_url = new_url
    project.save()
    assert health.sync_projects(now=now + timedelta(minutes=1)).results == {result: 1}
    row = ProjectHealth.objects.get(project=project)
    assert (row.fetched_at, row.activity) == (None, "")
