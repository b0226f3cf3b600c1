"""A fake forge on loopback: every configured forge and OpenSSF Scorecard, answering with
recorded responses (tests/forge/recorded/, shaped as the real APIs answer).

Use the ``fake_forge`` fixture (tests/conftest.py imports it for every test folder). It points
``settings.HUB_FORGES`` and ``settings.HUB_FORGE_SCORECARD_API`` at one threaded
pytest-httpserver, so the real ``ForgeClient`` speaks real HTTP to it:

    ref = fake_forge.serve_repository("https://github.com/acme/tool", stargazers_count=3)
    fake_forge.serve_item("https://github.com/acme/tool/pull/7", user={"login": "maya"})
    fake_forge.rate_limited("github.com")           # every GitHub path: 403, limit used up
    fake_forge.serve("gitlab.com", "/projects/a/b", status=503)
    len(fake_forge.requests)                        # what the client sent

Hosts: "github.com", "gitlab.com", "codeberg.org" (Gitea), "git.example.org" (a self-hosted
GitLab) and "scorecard". Paths are the API's own, after its base, with GitLab's URL-encoded
project path written plainly (``/projects/group/name``). A path nobody serves answers 404, as
a forge does for a repository it does not have. Answers registered with ``once=True`` are used
once and come before the permanent ones; among permanent answers, the first registered wins.
"""

import copy
import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from hub.forge import parse_item_url, parse_owner_url, parse_repository_url

RECORDED = Path(__file__).parent / "recorded"

API_PREFIXES = {
    "github.com": ("github", "/github"),
    "gitlab.com": ("gitlab", "/gitlab/api/v4"),
    "codeberg.org": ("gitea", "/gitea/api/v1"),
    "git.example.org": ("gitlab", "/selfhosted/api/v4"),
}
SCORECARD_PREFIX = "/scorecard"


def recorded(name: str):
    """A recorded response body, e.g. recorded("github/repository.json")."""
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeForge:
    def __init__(self, server: HTTPServer):
        self.server = server
        self.base_url = server.url_for("").rstrip("/")
        self._lock = threading.Lock()
        self._sleeping = 0
        self._delays_served = False

    def wait_for_slow_answers(self, longest: float = 5.0) -> None:
        """Let delayed answers finish, so they land in this test's log and not the next's."""
        if not self._delays_served:
            return
        deadline = time.monotonic() + longest
        while self._sleeping and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)

    # --- Plumbing ----------------------------------------------------------------------------

    def forges_setting(self) -> dict:
        return {
            host: {"kind": kind, "api": f"{self.base_url}{prefix}", "token": ""}
            for host, (kind, prefix) in API_PREFIXES.items()
        }

    @property
    def requests(self) -> list[Request]:
        return [request for request, _response in self.server.log]

    def _full_path(self, host: str, path: str) -> str:
        prefix = SCORECARD_PREFIX if host == "scorecard" else API_PREFIXES[host][1]
        return f"{prefix}{path}"

    def serve(
        self,
        host: str,
        path: str,
        body=None,
        *,
        status: int = 200,
        headers: dict | None = None,
        etag: str = "",
        delay: float = 0.0,
        once: bool = False,
        query: dict | None = None,
    ) -> None:
        """Answer GET `path` on `host` with `body` as JSON.

        With `etag`, the answer carries that ETag and a request sending it in If-None-Match
        gets a 304 instead. With `delay`, the answer comes that many seconds late.
        """

        self._delays_served = self._delays_served or bool(delay)

        def answer(request: Request) -> Response:
            if delay:
                with self._lock:
                    self._sleeping += 1
                time.sleep(delay)
                with self._lock:
                    self._sleeping -= 1
            if etag and request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag, **(headers or {})})
            reply_headers = {**(headers or {}), **({"ETag": etag} if etag else {})}
            return Response(
                json.dumps(body) if body is not None else "",
                status=status,
                headers=reply_headers,
                content_type="application/json",
            )

        expect = self.server.expect_oneshot_request if once else self.server.expect_request
        expect(self._full_path(host, path), method="GET", query_string=query).respond_with_handler(
            answer
        )

    def rate_limited(
        self, host: str, path: str = "", *, reset_in: int = 600, retry_after: int | None = None
    ) -> datetime:
        """Every path under `path` on `host` answers 403 with its rate limit used up.

        Returns the reset time the answer names.
        """
        reset_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=reset_in)
        headers = {
            "X-RateLimit-Limit": "60",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Used": "60",
            "X-RateLimit-Reset": str(int(reset_at.timestamp())),
            "X-RateLimit-Resource": "core",
        }
        if retry_after is not None:
            headers = {"Retry-After": str(retry_after)}
        body = json.dumps(recorded("github/rate_limited.json"))
        prefix = self._full_path(host, path)
        self.server.expect_request(
            re.compile(f"^{re.escape(prefix)}"), method="GET"
        ).respond_with_response(
            Response(body, status=403, headers=headers, content_type="application/json")
        )
        return reset_at

    # --- Repositories ------------------------------------------------------------------------

    @staticmethod
    def _repo_api_path(ref) -> str:
        return f"/projects/{ref.path}" if ref.kind == "gitlab" else f"/repos/{ref.path}"

    def serve_repository(self, url: str, *, etag: str = "", once: bool = False, **fields):
        """The repository's metadata, in its forge's recorded shape with `fields` replaced."""
        ref = parse_repository_url(url)
        name = {"github": "github/repository.json", "gitlab": "gitlab/project.json"}.get(
            ref.kind, "gitea/repository.json"
        )
        body = recorded(name)
        body.update(
            {"name": ref.name, "html_url": ref.url, "web_url": ref.url}
            if ref.kind != "gitlab"
            else {"name": ref.name, "path_with_namespace": ref.path, "web_url": ref.url}
        )
        if ref.kind == "github":
            body["full_name"] = ref.path
        body.update(fields)
        self.serve(ref.host, self._repo_api_path(ref), body, etag=etag, once=once)
        return ref

    def serve_release(self, url: str, published_at: datetime | None = None, *, etag: str = ""):
        """The latest release (published at `published_at`), or none when it is None."""
        ref = parse_repository_url(url)
        base = self._repo_api_path(ref)
        if ref.kind == "gitlab":
            body = recorded("gitlab/releases.json")
            if published_at is None:
                body = []
            else:
                body[0]["released_at"] = iso(published_at)
            self.serve(ref.host, f"{base}/releases", body, etag=etag)
            return
        if published_at is None:
            self.serve(
                ref.host, f"{base}/releases/latest", recorded("github/not_found.json"), status=404
            )
            return
        body = recorded(f"{'github' if ref.kind == 'github' else 'gitea'}/release.json")
        body["published_at"] = iso(published_at)
        self.serve(ref.host, f"{base}/releases/latest", body, etag=etag)

    def serve_commits(self, url: str, commits: list[tuple[str, datetime]], *, page_size=100):
        """Commits on the default branch: (author login or e-mail, date), newest first.

        Served one page of `page_size` at a time with a Link header to the next, as the
        forges page them.
        """
        ref = parse_repository_url(url)
        base = self._repo_api_path(ref)
        path = f"{base}/repository/commits" if ref.kind == "gitlab" else f"{base}/commits"
        template = recorded(
            f"{ {'github': 'github', 'gitlab': 'gitlab'}.get(ref.kind, 'gitea') }/commits.json"
        )[0]
        entries = []
        for author, when in commits:
            entry = copy.deepcopy(template)
            if ref.kind == "gitlab":
                entry.update(author_email=author, committed_date=iso(when), authored_date=iso(when))
            else:
                entry["author"] = {"login": author, "id": abs(hash(author)) % 10**7}
                entry["commit"]["author"]["date"] = iso(when)
                entry["commit"]["committer"]["date"] = iso(when)
            entries.append(entry)
        pages = [entries[i : i + page_size] for i in range(0, len(entries), page_size)] or [[]]
        size_param = "limit" if ref.kind == "gitea" else "per_page"
        full_path = self._full_path(ref.host, path)

        def answer(request: Request) -> Response:
            page = int(request.args.get("page", "1"))
            headers = {}
            if page < len(pages):
                next_url = f"{self.base_url}{full_path}?{size_param}={page_size}&page={page + 1}"
                headers["Link"] = f'<{next_url}>; rel="next"'
            body = pages[page - 1] if page <= len(pages) else []
            return Response(json.dumps(body), headers=headers, content_type="application/json")

        self.server.expect_request(full_path, method="GET").respond_with_handler(answer)

    def serve_scorecard(self, url: str, score: float | None = 6.8) -> None:
        """The repository's OpenSSF Scorecard (none: Scorecard answers 404)."""
        ref = parse_repository_url(url)
        path = f"/projects/{ref.host}/{ref.path}"
        if score is None:
            self.serve("scorecard", path, {"code": 5, "message": "Not Found"}, status=404)
            return
        body = recorded("scorecard/project.json")
        body["repo"]["name"] = f"{ref.host}/{ref.path}"
        body["score"] = score
        self.serve("scorecard", path, body)

    def serve_project(
        self,
        url: str,
        *,
        now: datetime | None = None,
        last_commit_days_ago: int | None = 3,
        contributors: int = 4,
        release_days_ago: int | None = 40,
        score: float | None = 6.8,
        etag: str = "",
        **fields,
    ):
        """Everything a health sync reads of one repository, in one call."""
        now = now or datetime.now(UTC)
        ref = self.serve_repository(url, etag=etag, **fields)
        commits = []
        if last_commit_days_ago is not None:
            for index in range(max(contributors, 1)):
                commits.append((f"dev{index}", now - timedelta(days=last_commit_days_ago + index)))
        self.serve_commits(url, commits)
        self.serve_release(
            url, None if release_days_ago is None else now - timedelta(days=release_days_ago)
        )
        self.serve_scorecard(url, score)
        return ref

    def serve_file(self, url: str, path: str) -> None:
        """The repository has a file at `path` (any other path is missing)."""
        ref = parse_repository_url(url)
        base = self._repo_api_path(ref)
        if ref.kind == "gitlab":
            body = {
                "file_name": path.rsplit("/", 1)[-1],
                "file_path": path,
                "size": 412,
                "encoding": "base64",
                "ref": "main",
                "content": "",
            }
            self.serve(ref.host, f"{base}/repository/files/{path}", body)
            return
        body = recorded("github/contents.json")
        body.update(name=path.rsplit("/", 1)[-1], path=path)
        self.serve(ref.host, f"{base}/contents/{path}", body)

    def serve_owner_repositories(self, url: str, pages: list[list[dict]] | None = None) -> None:
        """An organization's or group's repositories, page by page with Link headers.

        `pages` are lists of fields laid over the recorded entries; by default, the recorded
        list as one page.
        """
        owner = parse_owner_url(url)
        name = {"github": "github/org_repos.json", "gitlab": "gitlab/group_projects.json"}.get(
            owner.kind, "gitea/org_repos.json"
        )
        template = recorded(name)
        if pages is None:
            bodies = [template]
        else:
            bodies = [
                [{**copy.deepcopy(template[0]), **fields} for fields in page] for page in pages
            ]
        path = (
            f"/groups/{owner.path}/projects"
            if owner.kind == "gitlab"
            else f"/orgs/{owner.path}/repos"
        )
        full_path = self._full_path(owner.host, path)

        def answer(request: Request) -> Response:
            page = int(request.args.get("page", "1"))
            headers = {}
            if page < len(bodies):
                headers["Link"] = f'<{self.base_url}{full_path}?page={page + 1}>; rel="next"'
            body = bodies[page - 1] if page <= len(bodies) else []
            return Response(json.dumps(body), headers=headers, content_type="application/json")

        self.server.expect_request(full_path, method="GET").respond_with_handler(answer)

    # --- Items -------------------------------------------------------------------------------

    def serve_item(self, url: str, **fields) -> None:
        """A pull/merge request, commit or issue, recorded shape with `fields` replaced."""
        item = parse_item_url(url)
        ref = item.repo
        base = self._repo_api_path(ref)
        kind_dir = {"github": "github", "gitlab": "gitlab"}.get(ref.kind, "gitea")
        if ref.kind == "gitlab":
            name, path = {
                "pull": ("merge_request.json", f"{base}/merge_requests/{item.key}"),
                "commit": ("commit.json", f"{base}/repository/commits/{item.key}"),
                "issue": ("issue.json", f"{base}/issues/{item.key}"),
            }[item.kind]
        else:
            commit_path = "git/commits" if ref.kind == "gitea" else "commits"
            name, path = {
                "pull": ("pull.json", f"{base}/pulls/{item.key}"),
                "commit": ("commit.json", f"{base}/{commit_path}/{item.key}"),
                "issue": ("issue.json", f"{base}/issues/{item.key}"),
            }[item.kind]
        body = recorded(f"{kind_dir}/{name}")
        body.update(fields)
        self.serve(ref.host, path, body)


@pytest.fixture(scope="session")
def _fake_forge_server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def fake_forge(_fake_forge_server, settings):
    """A fake of every forge and of Scorecard on loopback, with the settings pointed at it."""
    _fake_forge_server.clear()
    _fake_forge_server.no_handler_status_code = 404
    fake = FakeForge(_fake_forge_server)
    settings.HUB_FORGES = fake.forges_setting()
    settings.HUB_FORGE_SCORECARD_API = f"{fake.base_url}{SCORECARD_PREFIX}"
    settings.HUB_FORGE_TIMEOUT = 2.0
    yield fake
    fake.wait_for_slow_answers()
    _fake_forge_server.clear()
