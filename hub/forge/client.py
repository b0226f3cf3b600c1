"""The forge client: GitHub, GitLab and Gitea/Forgejo REST APIs and OpenSSF Scorecard on httpx.

What each call answers is described in the package docstring (hub/forge/__init__.py).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import httpx
from django.conf import settings

from hub.forge.refs import (
    COMMIT,
    GITEA,
    GITHUB,
    GITLAB,
    ISSUE,
    PULL,
    Forge,
    ItemRef,
    OwnerRef,
    RepoRef,
    forge_for_host,
)

# A page of a list that has no Retry-After or reset time waits this long before asking again.
DEFAULT_PAUSE = timedelta(minutes=1)
# Contributors are counted from at most this many pages of commits (100 a page).
MAX_COMMIT_PAGES = 5
MAX_REPOSITORY_PAGES = 50


class ForgeError(Exception):
    """Something went wrong at the forge; the subclasses say what to do about it."""


class ForgeUnavailable(ForgeError):
    """5xx, a timeout, a refused connection or an unreadable answer: try again later."""


class ForgeNotFound(ForgeError):
    """404/410/451: the repository or item is not there. Record it; do not retry soon."""


class ForgeRateLimited(ForgeError):
    """The forge asks us to wait until `until` (UTC): stop the batch, resume then."""

    def __init__(self, host: str, until: datetime):
        super().__init__(f"{host} asks to wait until {until.isoformat()}")
        self.host = host
        self.until = until


@dataclass(frozen=True)
class NotModified:
    """The answer to a conditional request when nothing changed (HTTP 304): keep what you have."""

    etag: str


@dataclass(frozen=True)
class Repository:
    ref: RepoRef
    name: str
    description: str
    homepage: str
    # The license's SPDX id as the forge gives it ("" when none or not identified; GitLab
    # spells ids in lower case, so match case-insensitively); license_found is True also when
    # the forge saw a license file it could not identify (GitHub's NOASSERTION).
    license_spdx: str
    license_found: bool
    topics: tuple[str, ...]
    archived: bool
    stars: int
    forks: int
    open_issues: int
    pushed_at: datetime | None
    default_branch: str
    web_url: str
    etag: str = ""


@dataclass(frozen=True)
class Release:
    name: str
    tag: str
    published_at: datetime | None
    url: str
    etag: str = ""


@dataclass(frozen=True)
class Activity:
    """Commits on the default branch since `since`: the newest one's date and distinct authors.

    `truncated` is True when there were more commits than the client reads
    (MAX_COMMIT_PAGES pages): `active_contributors` is then a lower bound.
    """

    since: datetime
    last_commit_at: datetime | None
    active_contributors: int
    commits_counted: int
    truncated: bool


@dataclass(frozen=True)
class Item:
    """A pull/merge request, commit or issue.

    state: "open", "closed", "merged" (pull requests) or "committed" (commits).
    author_login is the forge account name (None for a GitLab commit, which only carries the
    author's name and e-mail address, or a commit whose e-mail matches no account).
    """

    ref: ItemRef
    title: str
    state: str
    author_login: str | None
    author_name: str
    author_email: str
    created_at: datetime | None
    merged_at: datetime | None
    committed_at: datetime | None
    web_url: str


@dataclass(frozen=True)
class Scorecard:
    score: float
    date: str
    url: str


@dataclass
class ForgeStats:
    """What a client sent and got back, for progress bars and the closing figures."""

    requests: int = 0
    not_modified: int = 0
    by_status: dict[int, int] = field(default_factory=dict)


def _when(value) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _text(value) -> str:
    return str(value or "").strip()


# Where each forge's repository answer keeps what the forges name differently (GitLab has
# no homepage; its older versions call topics tag_list).
_REPOSITORY_KEYS = {
    GITHUB: {
        "homepage": "homepage",
        "topics": ("topics",),
        "stars": "stargazers_count",
        "pushed_at": "pushed_at",
        "web_url": "html_url",
    },
    GITLAB: {
        "homepage": None,
        "topics": ("topics", "tag_list"),
        "stars": "star_count",
        "pushed_at": "last_activity_at",
        "web_url": "web_url",
    },
    GITEA: {
        "homepage": "website",
        "topics": ("topics",),
        "stars": "stars_count",
        "pushed_at": "updated_at",
        "web_url": "html_url",
    },
}


def _license_of(kind: str, data: dict) -> tuple[str, bool]:
    """A repository's SPDX id and whether the forge saw a license file at all."""
    if kind == GITHUB:
        spdx = _text((data.get("license") or {}).get("spdx_id"))
        return ("" if spdx in ("", "NOASSERTION") else spdx), bool(data.get("license"))
    if kind == GITLAB:
        license_data = data.get("license") or {}
        return _text(license_data.get("key")), bool(license_data)
    licenses = data.get("licenses") or []
    return (_text(licenses[0]) if licenses else ""), bool(licenses)


class ForgeClient:
    """One client for a batch: keeps one connection pool and remembers rate-limit pauses.

    Use it as a context manager: `with ForgeClient() as forge: forge.repository(ref)`.
    """

    def __init__(self, timeout: float | None = None, transport: httpx.BaseTransport | None = None):
        """`transport` replaces the network, e.g. httpx.MockTransport replaying recorded
        answers (the demo region's health)."""
        timeout = settings.HUB_FORGE_TIMEOUT if timeout is None else timeout
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=True,
            headers={"User-Agent": f"{settings.HUB_NAME} forge sync ({settings.HUB_SITE_URL})"},
        )
        self.stats = ForgeStats()
        self.paused_until: dict[str, datetime] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        self.http.close()

    # --- HTTP --------------------------------------------------------------------------------

    def _headers(self, forge: Forge | None, etag: str) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if forge is not None and forge.kind == GITHUB:
            headers["Accept"] = "application/vnd.github+json"
            headers["X-GitHub-Api-Version"] = "2022-11-28"
        if forge is not None and forge.token:
            scheme = "token" if forge.kind == GITEA else "Bearer"
            headers["Authorization"] = f"{scheme} {forge.token}"
        if etag:
            headers["If-None-Match"] = etag
        return headers

    def _pause_from(self, response: httpx.Response) -> datetime | None:
        """When a rate-limited answer says to come back, or None when it is not rate-limited."""
        now = datetime.now(UTC)
        retry_after = response.headers.get("Retry-After")
        if retry_after:
            if retry_after.strip().isdigit():
                return now + timedelta(seconds=int(retry_after))
            try:
                return parsedate_to_datetime(retry_after).astimezone(UTC)
            except (TypeError, ValueError):
                return now + DEFAULT_PAUSE
        remaining = response.headers.get("X-RateLimit-Remaining") or response.headers.get(
            "RateLimit-Remaining"
        )
        if remaining is not None and remaining.strip() == "0":
            reset = response.headers.get("X-RateLimit-Reset") or response.headers.get(
                "RateLimit-Reset"
            )
            if reset and reset.strip().isdigit():
                reset_at = int(reset)
                # An epoch (GitHub, GitLab) or, for small numbers, seconds from now (Gitea).
                if reset_at > 1_000_000_000:
                    return max(datetime.fromtimestamp(reset_at, UTC), now)
                return now + timedelta(seconds=reset_at)
            return now + DEFAULT_PAUSE
        if response.status_code == 429:
            return now + DEFAULT_PAUSE
        return None

    def _get(
        self, host: str, url: str, forge: Forge | None, params=None, etag: str = ""
    ) -> httpx.Response:
        paused = self.paused_until.get(host)
        if paused and paused > datetime.now(UTC):
            raise ForgeRateLimited(host, paused)
        self.stats.requests += 1
        try:
            response = self.http.get(url, params=params, headers=self._headers(forge, etag))
        except httpx.TimeoutException as error:
            raise ForgeUnavailable(f"{host} did not answer in time") from error
        except httpx.HTTPError as error:
            raise ForgeUnavailable(f"{host} could not be reached: {error}") from error
        status = response.status_code
        self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        pause = self._pause_from(response)
        if status in (403, 429) and pause is not None:
            self.paused_until[host] = pause
            raise ForgeRateLimited(host, pause)
        if pause is not None:
            # The last request the forge allows for now: later calls wait without asking.
            self.paused_until[host] = pause
        if status == 304:
            self.stats.not_modified += 1
            return response
        if status in (404, 410, 451):
            raise ForgeNotFound(f"{url} answered {status}")
        if status >= 400:
            raise ForgeUnavailable(f"{url} answered {status}")
        return response

    def _json(self, response: httpx.Response):
        try:
            return response.json()
        except ValueError as error:
            raise ForgeUnavailable(f"{response.url} answered something that is not JSON") from error

    def _api(self, ref: RepoRef | OwnerRef, path: str, params=None, etag: str = ""):
        forge = forge_for_host(ref.host)
        return self._get(forge.host, f"{forge.api}{path}", forge, params=params, etag=etag)

    def _repo_path(self, ref: RepoRef) -> str:
        if ref.kind == GITLAB:
            return f"/projects/{ref.api_id}"
        return f"/repos/{ref.api_id}"

    # --- Repositories ------------------------------------------------------------------------

    def repository(self, ref: RepoRef, etag: str = "") -> Repository | NotModified:
        params = {"license": "true"} if ref.kind == GITLAB else None
        response = self._api(ref, self._repo_path(ref), params=params, etag=etag)
        if response.status_code == 304:
            return NotModified(etag=response.headers.get("ETag", etag))
        data = self._json(response)
        if not isinstance(data, dict):
            raise ForgeUnavailable(f"{response.url} answered an unexpected shape")
        return self._repository_from(ref, data, response.headers.get("ETag", ""))

    def _repository_from(self, ref: RepoRef, data: dict, etag: str = "") -> Repository:
        keys = _REPOSITORY_KEYS[ref.kind]
        license_spdx, license_found = _license_of(ref.kind, data)
        return Repository(
            ref=ref,
            name=_text(data.get("name")) or ref.name,
            description=_text(data.get("description")),
            homepage=_text(data.get(keys["homepage"])) if keys["homepage"] else "",
            license_spdx=license_spdx,
            license_found=license_found,
            topics=tuple(next((data[key] for key in keys["topics"] if data.get(key)), ())),
            archived=bool(data.get("archived")),
            stars=_int(data.get(keys["stars"])),
            forks=_int(data.get("forks_count")),
            open_issues=_int(data.get("open_issues_count")),
            pushed_at=_when(data.get(keys["pushed_at"])),
            default_branch=_text(data.get("default_branch")),
            web_url=_text(data.get(keys["web_url"])) or ref.url,
            etag=etag,
        )

    def latest_release(self, ref: RepoRef, etag: str = "") -> Release | None | NotModified:
        """The newest published release, or None when the repository has none."""
        if ref.kind == GITLAB:
            path, params = f"{self._repo_path(ref)}/releases", {"per_page": 1}
        else:
            path, params = f"{self._repo_path(ref)}/releases/latest", None
        try:
            response = self._api(ref, path, params=params, etag=etag)
        except ForgeNotFound:
            return None
        if response.status_code == 304:
            return NotModified(etag=response.headers.get("ETag", etag))
        data = self._json(response)
        new_etag = response.headers.get("ETag", "")
        if ref.kind == GITLAB:
            if not data:
                return None
            data = data[0]
            return Release(
                name=_text(data.get("name")),
                tag=_text(data.get("tag_name")),
                published_at=_when(data.get("released_at") or data.get("created_at")),
                url=_text((data.get("_links") or {}).get("self")),
                etag=new_etag,
            )
        return Release(
            name=_text(data.get("name")),
            tag=_text(data.get("tag_name")),
            published_at=_when(data.get("published_at") or data.get("created_at")),
            url=_text(data.get("html_url")),
            etag=new_etag,
        )

    def activity(self, ref: RepoRef, since: datetime | None = None) -> Activity:
        """Commits on the default branch since `since` (default: 365 days ago)."""
        since = since or datetime.now(UTC) - timedelta(days=365)
        since_text = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if ref.kind == GITLAB:
            path, size_param = f"{self._repo_path(ref)}/repository/commits", "per_page"
        else:
            path, size_param = (
                f"{self._repo_path(ref)}/commits",
                ("limit" if ref.kind == GITEA else "per_page"),
            )
        authors: set[str] = set()
        newest: datetime | None = None
        counted = 0
        truncated = False
        for page in range(1, MAX_COMMIT_PAGES + 1):
            params = {"since": since_text, size_param: 100, "page": page}
            if ref.kind == GITEA:
                params.update({"stat": "false", "verification": "false", "files": "false"})
            response = self._api(ref, path, params=params)
            commits = self._json(response)
            if not isinstance(commits, list):
                raise ForgeUnavailable(f"{response.url} answered an unexpected shape")
            for commit in commits:
                author, date = self._commit_author_and_date(ref, commit)
                if date and since <= date:
                    counted += 1
                    newest = date if newest is None or date > newest else newest
                    if author:
                        authors.add(author)
            if "next" not in response.links or len(commits) == 0:
                break
        else:
            truncated = True
        return Activity(
            since=since,
            last_commit_at=newest,
            active_contributors=len(authors),
            commits_counted=counted,
            truncated=truncated,
        )

    def _commit_author_and_date(self, ref: RepoRef, commit: dict) -> tuple[str, datetime | None]:
        if ref.kind == GITLAB:
            author = _text(commit.get("author_email")).lower() or _text(commit.get("author_name"))
            return author, _when(commit.get("committed_date") or commit.get("created_at"))
        details = commit.get("commit") or {}
        login = _text((commit.get("author") or {}).get("login"))
        author_details = details.get("author") or {}
        author = login or _text(author_details.get("email")).lower()
        committed = (details.get("committer") or {}).get("date") or author_details.get("date")
        return author, _when(committed)

    def owner_repositories(self, owner: OwnerRef) -> Iterator[Repository]:
        """Every repository of an organization, user or group (with subgroups), page by page."""
        forge = forge_for_host(owner.host)
        if owner.kind == GITLAB:
            path = f"/groups/{quote(owner.path, safe='')}/projects"
            params = {"per_page": 100, "include_subgroups": "true", "license": "true"}
        elif owner.kind == GITHUB:
            path, params = f"/orgs/{owner.path}/repos", {"per_page": 100, "type": "public"}
        else:
            path, params = f"/orgs/{owner.path}/repos", {"limit": 50}
        url = f"{forge.api}{path}"
        try:
            response = self._get(forge.host, url, forge, params=params)
        except ForgeNotFound:
            if owner.kind == GITLAB:
                raise
            # Not an organization: perhaps a person's account.
            url = f"{forge.api}/users/{owner.path}/repos"
            response = self._get(forge.host, url, forge, params=params)
        for _page in range(MAX_REPOSITORY_PAGES):
            for data in self._json(response):
                yield self._repository_from(self._ref_of_listed(owner, data), data)
            next_url = response.links.get("next", {}).get("url")
            if not next_url:
                return
            response = self._get(forge.host, next_url, forge)

    def _ref_of_listed(self, owner: OwnerRef, data: dict) -> RepoRef:
        if owner.kind == GITLAB:
            full_path = _text(data.get("path_with_namespace"))
        else:
            full_path = _text(data.get("full_name"))
        namespace, _, name = full_path.rpartition("/")
        return RepoRef(
            kind=owner.kind, host=owner.host, owner=namespace or owner.path, name=name or full_path
        )

    def file_exists(self, ref: RepoRef, path: str, branch: str = "") -> bool:
        """Whether the repository has a file at `path` on `branch` (default: its default branch)."""
        if ref.kind == GITLAB:
            url_path = f"{self._repo_path(ref)}/repository/files/{quote(path, safe='')}"
            params = {"ref": branch or "HEAD"}
        else:
            url_path = f"{self._repo_path(ref)}/contents/{quote(path)}"
            params = {"ref": branch} if branch else None
        try:
            self._api(ref, url_path, params=params)
        except ForgeNotFound:
            return False
        return True

    # --- Items -------------------------------------------------------------------------------

    def item(self, item_ref: ItemRef) -> Item:
        ref = item_ref.repo
        base = self._repo_path(ref)
        if ref.kind == GITLAB:
            path = {
                PULL: f"{base}/merge_requests/{item_ref.key}",
                COMMIT: f"{base}/repository/commits/{item_ref.key}",
                ISSUE: f"{base}/issues/{item_ref.key}",
            }[item_ref.kind]
        else:
            commit_path = "git/commits" if ref.kind == GITEA else "commits"
            path = {
                PULL: f"{base}/pulls/{item_ref.key}",
                COMMIT: f"{base}/{commit_path}/{item_ref.key}",
                ISSUE: f"{base}/issues/{item_ref.key}",
            }[item_ref.kind]
        data = self._json(self._api(ref, path))
        if not isinstance(data, dict):
            raise ForgeUnavailable(f"{path} answered an unexpected shape")
        if item_ref.kind == COMMIT:
            return self._commit_item(item_ref, data)
        if ref.kind == GITLAB:
            state = {"opened": "open", "locked": "open"}.get(data.get("state"), data.get("state"))
            author = data.get("author") or {}
            return Item(
                ref=item_ref,
                title=_text(data.get("title")),
                state=_text(state),
                author_login=_text(author.get("username")) or None,
                author_name=_text(author.get("name")),
                author_email="",
                created_at=_when(data.get("created_at")),
                merged_at=_when(data.get("merged_at")),
                committed_at=None,
                web_url=_text(data.get("web_url")) or item_ref.url,
            )
        merged_at = _when(data.get("merged_at"))
        state = _text(data.get("state"))
        if item_ref.kind == PULL and (merged_at or data.get("merged")):
            state = "merged"
        author = data.get("user") or {}
        return Item(
            ref=item_ref,
            title=_text(data.get("title")),
            state=state,
            author_login=_text(author.get("login")) or None,
            author_name=_text(author.get("full_name") or author.get("name")),
            author_email="",
            created_at=_when(data.get("created_at")),
            merged_at=merged_at,
            committed_at=None,
            web_url=_text(data.get("html_url")) or item_ref.url,
        )

    def _commit_item(self, item_ref: ItemRef, data: dict) -> Item:
        if item_ref.repo.kind == GITLAB:
            return Item(
                ref=item_ref,
                title=_text(data.get("title")),
                state="committed",
                author_login=None,
                author_name=_text(data.get("author_name")),
                author_email=_text(data.get("author_email")).lower(),
                created_at=_when(data.get("authored_date") or data.get("created_at")),
                merged_at=None,
                committed_at=_when(data.get("committed_date")),
                web_url=_text(data.get("web_url")) or item_ref.url,
            )
        details = data.get("commit") or {}
        author_details = details.get("author") or {}
        message = _text(details.get("message"))
        return Item(
            ref=item_ref,
            title=message.splitlines()[0] if message else "",
            state="committed",
            author_login=_text((data.get("author") or {}).get("login")) or None,
            author_name=_text(author_details.get("name")),
            author_email=_text(author_details.get("email")).lower(),
            created_at=_when(author_details.get("date")),
            merged_at=None,
            committed_at=_when((details.get("committer") or {}).get("date")),
            web_url=_text(data.get("html_url")) or item_ref.url,
        )

    # --- OpenSSF Scorecard -------------------------------------------------------------------

    def scorecard(self, ref: RepoRef) -> Scorecard | None:
        """The repository's OpenSSF Scorecard, or None when Scorecard has not scored it.

        Scorecard scores public repositories on github.com and gitlab.com only.
        """
        if ref.host not in ("github.com", "gitlab.com"):
            return None
        api = settings.HUB_FORGE_SCORECARD_API.rstrip("/")
        host = re.sub(r"^https?://", "", api).split("/")[0]
        try:
            response = self._get(host, f"{api}/projects/{ref.host}/{ref.path}", None)
        except ForgeNotFound:
            return None
        data = self._json(response)
        score = data.get("score") if isinstance(data, dict) else None
        if not isinstance(score, int | float):
            return None
        return Scorecard(
            score=float(score),
            date=_text(data.get("date")),
            url=f"https://scorecard.dev/viewer/?uri={ref.host}/{ref.path}",
        )
