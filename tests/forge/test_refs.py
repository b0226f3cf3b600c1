"""Which repository, item or owner a URL names, for every configured forge (no network)."""

import pytest

from hub.forge import (
    COMMIT,
    ISSUE,
    PULL,
    ItemRef,
    OwnerRef,
    RepoRef,
    parse_item_url,
    parse_owner_url,
    parse_repository_url,
)


@pytest.fixture(autouse=True)
def _forges(settings):
    settings.HUB_FORGES = {
        "github.com": {"kind": "github", "api": "https://api.github.com"},
        "gitlab.com": {"kind": "gitlab", "api": "https://gitlab.com/api/v4"},
        "git.example.org": {"kind": "gitlab", "api": "https://git.example.org/api/v4"},
        "codeberg.org": {"kind": "gitea", "api": "https://codeberg.org/api/v1"},
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/django/django", RepoRef("github", "github.com", "django", "django")),
        (
            "http://www.github.com/Django/Django/",
            RepoRef("github", "github.com", "Django", "Django"),
        ),
        (
            "github.com/psf/requests/tree/main/src",
            RepoRef("github", "github.com", "psf", "requests"),
        ),
        ("git@github.com:psf/requests.git", RepoRef("github", "github.com", "psf", "requests")),
        ("https://github.com/psf/requests.git", RepoRef("github", "github.com", "psf", "requests")),
        (
            "https://gitlab.com/oldline-civic/infra/modules/-/tree/main",
            RepoRef("gitlab", "gitlab.com", "oldline-civic/infra", "modules"),
        ),
        (
            "https://git.example.org/city/permits",
            RepoRef("gitlab", "git.example.org", "city", "permits"),
        ),
        (
            "https://codeberg.org/forgejo/forgejo/src/branch/forgejo",
            RepoRef("gitea", "codeberg.org", "forgejo", "forgejo"),
        ),
        ("https://github.com/django", None),
        ("https://github.com/orgs/django", None),
        ("https://github.com/topics/python", None),
        ("https://gitlab.com/groups/oldline-civic", None),
        ("https://example.com/django/django", None),
        ("ftp://github.com/django/django", None),
        ("https://github.com/dj ango/x", None),
        ("", None),
        ("https://[::1", None),
        ("https://github.com/" + "a" * 3000 + "/b", None),
    ],
)
def test_parse_repository_url(url, expected):
    assert parse_repository_url(url) == expected


def test_repo_ref_canonical_url_and_key():
    ref = parse_repository_url("http://www.GitHub.com/Django/Django.git")
    assert ref.url == "https://github.com/Django/Django"
    assert ref.key == "github.com/django/django"
    assert parse_repository_url("https://gitlab.com/a/b/c").api_id == "a%2Fb%2Fc"


@pytest.mark.parametrize(
    ("url", "kind", "key"),
    [
        ("https://github.com/o/r/pull/12", PULL, "12"),
        ("https://github.com/o/r/pull/12/files", PULL, "12"),
        ("https://github.com/o/r/pull/12/commits/ABCDEF1", COMMIT, "abcdef1"),
        (
            "https://github.com/o/r/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e",
            COMMIT,
            "6dcb09b5b57875f334f61aebed695e2e4193db5e",
        ),
        ("https://github.com/o/r/issues/3", ISSUE, "3"),
        ("https://gitlab.com/g/sub/p/-/merge_requests/57", PULL, "57"),
        ("https://gitlab.com/g/p/-/commit/ed899a2f4b5", COMMIT, "ed899a2f4b5"),
        ("https://gitlab.com/g/p/-/issues/41", ISSUE, "41"),
        ("https://codeberg.org/o/r/pulls/88", PULL, "88"),
        ("https://codeberg.org/o/r/commit/0d1f6a3c", COMMIT, "0d1f6a3c"),
        ("https://codeberg.org/o/r/issues/71", ISSUE, "71"),
    ],
)
def test_parse_item_url(url, kind, key):
    item = parse_item_url(url)
    assert (item.kind, item.key) == (kind, key)
    assert parse_item_url(item.url) == item


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/o/r",
        "https://github.com/o/r/pulls/12",  # GitHub's word is "pull"
        "https://codeberg.org/o/r/pull/12",  # Gitea's is "pulls"
        "https://github.com/o/r/pull/0",
        "https://github.com/o/r/pull/12abc",
        "https://github.com/o/r/commit/xyz",
        "https://gitlab.com/g/p/merge_requests/5",
        "https://example.com/o/r/pull/1",
    ],
)
def test_parse_item_url_refuses(url):
    assert parse_item_url(url) is None


def test_item_ref_of_a_self_hosted_gitlab():
    item = parse_item_url("https://git.example.org/city/permits/-/merge_requests/9")
    assert item == ItemRef(RepoRef("gitlab", "git.example.org", "city", "permits"), PULL, "9")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/chesapeake-data", OwnerRef("github", "github.com", "chesapeake-data")),
        (
            "https://github.com/orgs/chesapeake-data/repositories",
            OwnerRef("github", "github.com", "chesapeake-data"),
        ),
        (
            "https://gitlab.com/groups/oldline-civic/infra",
            OwnerRef("gitlab", "gitlab.com", "oldline-civic/infra"),
        ),
        ("https://gitlab.com/oldline-civic", OwnerRef("gitlab", "gitlab.com", "oldline-civic")),
        (
            "https://codeberg.org/patapsco-commons",
            OwnerRef("gitea", "codeberg.org", "patapsco-commons"),
        ),
        ("https://github.com/settings", None),
        ("https://github.com/", None),
        ("https://example.com/acme", None),
    ],
)
def test_parse_owner_url(url, expected):
    assert parse_owner_url(url) == expected
