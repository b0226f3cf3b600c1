"""Public data from forges: GitHub, GitLab (gitlab.com and self-hosted), Gitea/Forgejo
(Codeberg), and OpenSSF Scorecard. The base layer: it knows nothing of the apps.

Pages never call a forge; Celery jobs do, and store what they found.

Configuration (hub/settings.py, README "Forges"): ``HUB_FORGES`` maps a host to
``{"kind": "github" | "gitlab" | "gitea", "api": base URL, "token": optional}``;
``HUB_FORGE_TIMEOUT`` (seconds per request), ``HUB_FORGE_SCORECARD_API``.

Addresses (no network)
----------------------
``parse_repository_url(url) -> RepoRef | None``
    Any URL into a repository on a configured host (its page, a file, a pull request, an
    ``git@host:owner/name.git`` clone URL). ``RepoRef(kind, host, owner, name)``; ``.url`` is
    the canonical https address, ``.key`` the lower-case "host/owner/name" to match duplicates.
    GitLab owners may hold slashes (subgroups).
``parse_item_url(url) -> ItemRef | None``
    A pull/merge request, commit or issue: ``ItemRef(repo, kind, key)``, kind ``PULL``,
    ``COMMIT`` or ``ISSUE``, key the number (text) or the lower-case SHA.
``parse_owner_url(url) -> OwnerRef | None``
    An organization, user or GitLab group: ``OwnerRef(kind, host, path)``.

The client
----------
``with ForgeClient() as forge:`` (one per batch: it keeps the connection pool, counts requests
in ``forge.stats`` and remembers rate-limit pauses per host).

=========================================  =====================================================
``forge.repository(ref, etag="")``         ``Repository`` (name, description, homepage,
                                           license_spdx, license_found, topics, archived, stars,
                                           forks, open_issues, pushed_at, default_branch,
                                           web_url, etag) or ``NotModified(etag)`` on a 304
``forge.latest_release(ref, etag="")``     ``Release`` (name, tag, published_at, url, etag),
                                           ``None`` when there is none, or ``NotModified``
``forge.activity(ref, since=None)``        ``Activity`` (last_commit_at, active_contributors,
                                           commits_counted, truncated) of the default branch
                                           since ``since`` (default: the last 365 days)
``forge.owner_repositories(owner)``        iterator of ``Repository``, every page
``forge.file_exists(ref, path, branch)``   bool (``innersource.json``, ``publiccode.yml``)
``forge.item(item_ref)``                   ``Item`` (title, state "open"/"closed"/"merged"/
                                           "committed", author_login, author_name, author_email,
                                           created_at, merged_at, committed_at, web_url)
``forge.scorecard(ref)``                   ``Scorecard`` (score 0-10, date, url) or ``None``
=========================================  =====================================================

Dates are aware datetimes in UTC. What can go wrong is an exception, each with its course:

- ``ForgeNotFound``: 404/410/451. Record it; do not retry soon. (``latest_release``,
  ``file_exists`` and ``scorecard`` turn their own 404 into None/False.)
- ``ForgeRateLimited(host, until)``: a 403/429 with ``X-RateLimit-Remaining: 0`` (or
  ``RateLimit-Remaining``) and its reset time, or ``Retry-After``. Stop the batch and resume
  after ``until``. After an answer that used up the allowance, the client raises it for that
  host without sending anything.
- ``ForgeUnavailable``: 5xx, timeouts, connection errors, unreadable answers. Try again later.

All three are ``ForgeError``. An archived repository is a normal answer (``archived=True``).

Tests: ``tests/forge/fake.py`` provides the ``fake_forge`` fixture, a loopback HTTP server that
stands in for every forge and Scorecard with recorded responses (``tests/forge/recorded/``).
"""

from hub.forge.client import (
    Activity,
    ForgeClient,
    ForgeError,
    ForgeNotFound,
    ForgeRateLimited,
    ForgeStats,
    ForgeUnavailable,
    Item,
    NotModified,
    Release,
    Repository,
    Scorecard,
)
from hub.forge.refs import (
    COMMIT,
    GITEA,
    GITHUB,
    GITLAB,
    ISSUE,
    PULL,
    ItemRef,
    OwnerRef,
    RepoRef,
    parse_item_url,
    parse_owner_url,
    parse_repository_url,
)

__all__ = [
    "COMMIT",
    "GITEA",
    "GITHUB",
    "GITLAB",
    "ISSUE",
    "PULL",
    "Activity",
    "ForgeClient",
    "ForgeError",
    "ForgeNotFound",
    "ForgeRateLimited",
    "ForgeStats",
    "ForgeUnavailable",
    "Item",
    "ItemRef",
    "NotModified",
    "OwnerRef",
    "Release",
    "RepoRef",
    "Repository",
    "Scorecard",
    "parse_item_url",
    "parse_owner_url",
    "parse_repository_url",
]
