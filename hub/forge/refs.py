"""Addresses on a forge: which repository, owner or item a URL names.

Parsing needs only the configured hosts (settings.HUB_FORGES), never the network.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings

GITHUB = "github"
GITLAB = "gitlab"
GITEA = "gitea"

PULL = "pull"
COMMIT = "commit"
ISSUE = "issue"

_SEGMENT = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]*$")
_SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")
_NUMBER = re.compile(r"^[1-9][0-9]{0,9}$")
# First path segments on github.com that are pages of the site, not owners.
_GITHUB_RESERVED = frozenset(
    [
        "about",
        "apps",
        "collections",
        "enterprise",
        "explore",
        "features",
        "issues",
        "login",
        "marketplace",
        "new",
        "notifications",
        "orgs",
        "organizations",
        "pricing",
        "pulls",
        "search",
        "settings",
        "sponsors",
        "topics",
        "trending",
        "users",
    ]
)


@dataclass(frozen=True)
class Forge:
    """One configured forge: its kind, the host its pages live on, its API base, a token."""

    kind: str
    host: str
    api: str
    token: str = ""


@dataclass(frozen=True)
class RepoRef:
    """A repository: `owner` is a GitLab namespace path (may hold slashes) or a user/org."""

    kind: str
    host: str
    owner: str
    name: str

    @property
    def path(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def url(self) -> str:
        """The canonical web address, e.g. https://github.com/owner/name."""
        return f"https://{self.host}/{self.path}"

    @property
    def key(self) -> str:
        """Lower-case "host/owner/name": the same repository whatever URL spelled it."""
        return f"{self.host}/{self.path}".lower()

    @property
    def forge(self) -> Forge:
        return forge_for_host(self.host)

    @property
    def api_id(self) -> str:
        """How the API names it: GitLab wants the URL-encoded path, the others owner/name."""
        if self.kind == GITLAB:
            return quote(self.path, safe="")
        return self.path


@dataclass(frozen=True)
class OwnerRef:
    """An organization, user or GitLab group whose repositories can be listed."""

    kind: str
    host: str
    path: str

    @property
    def url(self) -> str:
        return f"https://{self.host}/{self.path}"


@dataclass(frozen=True)
class ItemRef:
    """A pull/merge request (kind PULL), a commit (COMMIT) or an issue (ISSUE) of a repository.

    `key` is the number (as text) of a pull request or issue, or the commit's SHA.
    """

    repo: RepoRef
    kind: str
    key: str

    @property
    def url(self) -> str:
        base = self.repo.url
        if self.repo.kind == GITLAB:
            part = {PULL: "merge_requests", COMMIT: "commit", ISSUE: "issues"}[self.kind]
            return f"{base}/-/{part}/{self.key}"
        pull = "pull" if self.repo.kind == GITHUB else "pulls"
        part = {PULL: pull, COMMIT: "commit", ISSUE: "issues"}[self.kind]
        return f"{base}/{part}/{self.key}"


def configured_forges() -> dict[str, Forge]:
    """Host -> Forge, from settings.HUB_FORGES."""
    return {
        host.lower(): Forge(
            kind=config["kind"],
            host=host.lower(),
            api=config["api"].rstrip("/"),
            token=config.get("token", ""),
        )
        for host, config in settings.HUB_FORGES.items()
    }


def forge_for_host(host: str) -> Forge:
    """The configured forge of a host; KeyError when the hub knows no forge there."""
    return configured_forges()[host.lower()]


def _host_and_segments(url: str) -> tuple[Forge, list[str]] | None:
    url = (url or "").strip()
    if len(url) > 2000:
        return None
    scp_like = re.match(r"^[\w.-]+@([\w.-]+):(.+)$", url)  # git@github.com:owner/name.git
    if scp_like:
        host, path = scp_like.group(1), scp_like.group(2)
    else:
        if "://" not in url:
            url = "https://" + url
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            return None
        if parts.scheme not in ("http", "https", "ssh", "git"):
            return None
        path = parts.path
    host = host.lower().removeprefix("www.")
    forge = configured_forges().get(host)
    if forge is None:
        return None
    return forge, [segment for segment in path.split("/") if segment]


def _repo_and_rest(forge: Forge, segments: list[str]) -> tuple[RepoRef, list[str]] | None:
    if forge.kind == GITLAB:
        if "-" in segments:
            cut = segments.index("-")
            repo_segments, rest = segments[:cut], segments[cut + 1 :]
        else:
            repo_segments, rest = segments, []
        if len(repo_segments) < 2 or repo_segments[0] in ("groups", "users", "explore"):
            return None
    else:
        repo_segments, rest = segments[:2], segments[2:]
        if len(repo_segments) < 2:
            return None
        if forge.kind == GITHUB and repo_segments[0].lower() in _GITHUB_RESERVED:
            return None
    repo_segments = [*repo_segments[:-1], repo_segments[-1].removesuffix(".git")]
    if not all(_SEGMENT.match(segment) for segment in repo_segments):
        return None
    owner, name = "/".join(repo_segments[:-1]), repo_segments[-1]
    return RepoRef(kind=forge.kind, host=forge.host, owner=owner, name=name), rest


def parse_repository_url(url: str) -> RepoRef | None:
    """The repository a URL points into (its page, a file, a pull request, a clone URL), or None."""
    found = _host_and_segments(url)
    if found is None:
        return None
    repo_and_rest = _repo_and_rest(*found)
    return repo_and_rest[0] if repo_and_rest else None


def parse_item_url(url: str) -> ItemRef | None:
    """The pull/merge request, commit or issue a URL names, or None."""
    found = _host_and_segments(url)
    if found is None:
        return None
    repo_and_rest = _repo_and_rest(*found)
    if repo_and_rest is None:
        return None
    repo, rest = repo_and_rest
    if len(rest) < 2:
        return None
    pull_word = {GITHUB: "pull", GITEA: "pulls", GITLAB: "merge_requests"}[repo.kind]
    word, key = rest[0], rest[1]
    if word == pull_word and _NUMBER.match(key):
        # A commit seen inside a pull request: github.com/o/r/pull/1/commits/<sha>
        if len(rest) >= 4 and rest[2] == "commits" and _SHA.match(rest[3]):
            return ItemRef(repo=repo, kind=COMMIT, key=rest[3].lower())
        return ItemRef(repo=repo, kind=PULL, key=key)
    if word == "commit" and _SHA.match(key):
        return ItemRef(repo=repo, kind=COMMIT, key=key.lower())
    if word == "issues" and _NUMBER.match(key):
        return ItemRef(repo=repo, kind=ISSUE, key=key)
    return None


def parse_owner_url(url: str) -> OwnerRef | None:
    """The organization, user or group a URL names (github.com/acme, gitlab.com/groups/a/b)."""
    found = _host_and_segments(url)
    if found is None:
        return None
    forge, segments = found
    if forge.kind == GITLAB:
        if segments[:1] == ["groups"]:
            segments = segments[1:]
        if "-" in segments:
            segments = segments[: segments.index("-")]
    else:
        if forge.kind == GITHUB and segments[:1] == ["orgs"]:
            segments = segments[1:]
        segments = segments[:1]
        if forge.kind == GITHUB and segments and segments[0].lower() in _GITHUB_RESERVED:
            return None
    if not segments or not all(_SEGMENT.match(segment) for segment in segments):
        return None
    return OwnerRef(kind=forge.kind, host=forge.host, path="/".join(segments))
