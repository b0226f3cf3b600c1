"""Figures for issue 19's closing note: a sync of 1,000 projects against the fake forge.

One full read costs four requests a project (repository, commits, latest release, Scorecard);
a repository unchanged since costs one conditional request answered 304.
"""

import json
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from directory import health
from directory.models import ListingStatus, Project, ProjectHealth
from tests.forge.fake import recorded

pytestmark = pytest.mark.django_db

PROJECTS = 1000


def serve_every_repository(fake_forge):
    """One handler per kind of answer for every repository under github.com/bench/."""
    repository, release = recorded("github/repository.json"), recorded("github/release.json")
    commits, scorecard = recorded("github/commits.json"), recorded("scorecard/project.json")
    etag = '"bench-v1"'

    def answer(request):
        path = request.path
        if path.endswith("/commits"):
            return Response(json.dumps(commits), content_type="application/json")
        if path.endswith("/releases/latest"):
            return Response(json.dumps(release), content_type="application/json")
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(
            json.dumps(repository), headers={"ETag": etag}, content_type="application/json"
        )

    fake_forge.server.expect_request(re.compile(r"^/github/repos/bench/")).respond_with_handler(
        answer
    )
    fake_forge.server.expect_request(
        re.compile(r"^/scorecard/projects/github.com/bench/")
    ).respond_with_data(json.dumps(scorecard), content_type="application/json")


def test_a_sync_of_1000_projects(fake_forge, user, capsys):
    Project.objects.bulk_create(
        Project(
            name=f"Bench {n}",
            slug=f"bench-{n}",
            repository_url=f"https://github.com/bench/p{n}",
            status=ListingStatus.PUBLISHED,
            published_at=timezone.now(),
            created_by=user,
        )
        for n in range(PROJECTS)
    )
    serve_every_repository(fake_forge)
    now = timezone.now()

    started = time.monotonic()
    first = health.sync_projects(limit=PROJECTS, now=now)
    first_seconds = time.monotonic() - started
    assert first.attempted == PROJECTS
    assert first.requests == 4 * PROJECTS

    started = time.monotonic()
    second = health.sync_projects(limit=PROJECTS, now=now + timedelta(days=1, minutes=1))
    second_seconds = time.monotonic() - started
    assert second.attempted == PROJECTS
    assert (second.requests, second.not_modified_answers) == (PROJECTS, PROJECTS)
    assert ProjectHealth.objects.filter(stars=412).count() == PROJECTS

    total = first.requests + second.requests
    with capsys.disabled():
        print(
            f"\nForge sync of {PROJECTS} projects against the fake forge: first read "
            f"{first.requests} requests in {first_seconds:.1f} s; next day {second.requests} "
            f"requests ({second.not_modified_answers / second.requests:.0%} answered 304) in "
            f"{second_seconds:.1f} s; 304 share over both runs "
            f"{second.not_modified_answers / total:.0%}."
        )
