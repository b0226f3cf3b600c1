"""The demo projects' health (directory/demo/health.yaml): recorded forge answers replayed
to the real forge client and stored through directory.health, as the forge-sync job would."""

import json
from datetime import datetime

import httpx
from django.conf import settings
from django.test.utils import override_settings

from directory.health import refresh_health
from directory.models import ListingStatus, Project, ProjectHealth
from hub.forge import ForgeClient, parse_repository_url
from portal.demo.base import DemoError
from portal.demo.dates import moment


def load_health(data: dict, *, now: datetime) -> int:
    """Read every listed project's recorded answers; how many projects got their health."""
    forge = data["forge"]
    # The demo's repositories live on a fictional self-hosted GitLab no hub is configured for.
    forges = {
        **settings.HUB_FORGES,
        forge["host"]: {"kind": forge["kind"], "api": f"https://{forge['host']}/api/v4"},
    }
    loaded = 0
    with override_settings(HUB_FORGES=forges):
        for slug, answers in data["projects"].items():
            project = Project.objects.filter(slug=slug, status=ListingStatus.PUBLISHED).first()
            if project is None or parse_repository_url(project.repository_url) is None:
                raise DemoError(
                    f"directory/demo/health.yaml: {slug!r} is no published project with a "
                    f"repository on {forge['host']}."
                )
            replay = httpx.MockTransport(_recorded(project, answers, now))
            health, _ = ProjectHealth.objects.get_or_create(project=project)
            with ForgeClient(transport=replay) as client:
                result = refresh_health(health, client, now)
            if result != ProjectHealth.Result.FETCHED:
                raise DemoError(f"directory/demo/health.yaml: {slug!r} was not read ({result}).")
            loaded += 1
    return loaded


def _recorded(project: Project, answers: dict, now: datetime):
    """The transport's answers: each recorded body at the API path the client asks."""
    ref = parse_repository_url(project.repository_url)
    base = f"/api/v4/projects/{ref.path}"
    when = lambda text: moment(text, now=now).isoformat()  # noqa: E731 - a one-line reader
    repository = {
        "name": ref.name,
        "path_with_namespace": ref.path,
        "web_url": ref.url,
        **answers["project"],
        "last_activity_at": when(answers["project"]["last_activity_at"]),
    }
    commits = [
        {"author_email": email, "committed_date": when(date), "title": "…"}
        for email, date in answers["commits"]
    ]
    releases = [
        {**release, "released_at": when(release["released_at"])} for release in answers["releases"]
    ]
    bodies = {
        base: repository,
        f"{base}/repository/commits": commits,
        f"{base}/releases": releases,
    }

    def answer(request: httpx.Request) -> httpx.Response:
        body = bodies.get(request.url.path)
        if body is None:
            return httpx.Response(404, json={"message": "404 Not Found"})
        return httpx.Response(200, content=json.dumps(body))

    return answer
