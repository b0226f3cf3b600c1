"""The forge client over real HTTP against the fake forge (tests/forge/fake.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from hub.forge import (
    ForgeClient,
    ForgeNotFound,
    ForgeRateLimited,
    ForgeUnavailable,
    NotModified,
    parse_item_url,
    parse_owner_url,
    parse_repository_url,
)

GITHUB_URL = "https://github.com/chesapeake-data/harbor-tides"
GITLAB_URL = "https://gitlab.com/oldline-civic/open311-maryland"
GITEA_URL = "https://codeberg.org/patapsco-commons/trailmap"


@pytest.fixture
def forge(fake_forge):
    with ForgeClient() as client:
        yield client


def test_github_repository(fake_forge, forge):
    ref = fake_forge.serve_repository(GITHUB_URL, etag='W/"abc"')
    repository = forge.repository(ref)
    assert repository.name == "harbor-tides"
    assert repository.description.startswith("Tide and water-quality")
    assert repository.homepage == "https://tides.example.org"
    assert (repository.license_spdx, repository.license_found) == ("Apache-2.0", True)
    assert repository.topics == ("chesapeake", "civic-tech", "open-data", "water-quality")
    assert (repository.stars, repository.forks, repository.open_issues) == (412, 57, 23)
    assert repository.archived is False
    assert repository.pushed_at == datetime(2025, 5, 29, 21, 40, 11, tzinfo=UTC)
    assert repository.etag == 'W/"abc"'
    request = fake_forge.requests[0]
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert "forge sync" in request.headers["User-Agent"]
    assert "Authorization" not in request.headers


def test_gitlab_project_with_its_path_encoded(fake_forge, forge):
    ref = fake_forge.serve_repository(GITLAB_URL)
    repository = forge.repository(ref)
    assert (repository.stars, repository.forks, repository.open_issues) == (64, 12, 9)
    assert repository.license_spdx == "agpl-3.0"
    assert repository.topics == ("civic", "open311")
    assert repository.homepage == ""
    request = fake_forge.requests[0]
    assert "oldline-civic%2Fopen311-maryland" in request.environ["REQUEST_URI"]
    assert request.args["license"] == "true"


def test_self_hosted_gitlab_uses_its_own_api(fake_forge, forge):
    ref = fake_forge.serve_repository("https://git.example.org/city/permits", star_count=2)
    assert forge.repository(ref).stars == 2
    assert fake_forge.requests[0].path.startswith("/selfhosted/api/v4/projects/")


def test_gitea_repository(fake_forge, forge):
    ref = fake_forge.serve_repository(GITEA_URL)
    repository = forge.repository(ref)
    assert (repository.stars, repository.license_spdx) == (27, "GPL-3.0-or-later")
    assert repository.homepage == "https://trailmap.example.net"


def test_tokens_are_sent_as_each_forge_expects(fake_forge, settings):
    settings.HUB_FORGES = {
        host: {**config, "token": f"secret-{config['kind']}"}
        for host, config in settings.HUB_FORGES.items()
    }
    for url in (GITHUB_URL, GITLAB_URL, GITEA_URL):
        fake_forge.serve_repository(url)
    with ForgeClient() as client:
        for url in (GITHUB_URL, GITLAB_URL, GITEA_URL):
            client.repository(parse_repository_url(url))
    sent = [request.headers["Authorization"] for request in fake_forge.requests]
    assert sent == ["Bearer secret-github", "Bearer secret-gitlab", "token secret-gitea"]


def test_a_matching_etag_costs_a_304_and_says_not_modified(fake_forge, forge):
    ref = fake_forge.serve_repository(GITHUB_URL, etag='"v1"')
    assert forge.repository(ref, etag='"v1"') == NotModified(etag='"v1"')
    assert fake_forge.requests[0].headers["If-None-Match"] == '"v1"'
    assert forge.repository(ref, etag='"v0"').stars == 412
    assert forge.stats.not_modified == 1
    assert forge.stats.requests == 2


def test_rate_limit_raises_with_the_reset_time_and_pauses_the_host(fake_forge, forge):
    reset_at = fake_forge.rate_limited("github.com")
    fake_forge.serve_repository(GITLAB_URL)
    ref = parse_repository_url(GITHUB_URL)
    with pytest.raises(ForgeRateLimited) as raised:
        forge.repository(ref)
    assert raised.value.until == reset_at
    assert raised.value.host == "github.com"
    # The next call to that host does not send anything; other forges are still asked.
    with pytest.raises(ForgeRateLimited):
        forge.repository(ref)
    assert len(fake_forge.requests) == 1
    forge.repository(parse_repository_url(GITLAB_URL))
    assert len(fake_forge.requests) == 2


def test_retry_after_is_honoured(fake_forge, forge):
    fake_forge.rate_limited("github.com", retry_after=120)
    before = datetime.now(UTC)
    with pytest.raises(ForgeRateLimited) as raised:
        forge.repository(parse_repository_url(GITHUB_URL))
    assert before + timedelta(seconds=119) <= raised.value.until
    assert raised.value.until <= datetime.now(UTC) + timedelta(seconds=121)


def test_the_last_allowed_answer_pauses_the_next_call(fake_forge, forge):
    ref = parse_repository_url(GITHUB_URL)
    reset = int((datetime.now(UTC) + timedelta(minutes=5)).timestamp())
    fake_forge.serve(
        "github.com",
        "/repos/chesapeake-data/harbor-tides",
        {"name": "harbor-tides"},
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
    assert forge.repository(ref).name == "harbor-tides"
    with pytest.raises(ForgeRateLimited):
        forge.repository(ref)
    assert len(fake_forge.requests) == 1


def test_a_403_without_rate_limit_headers_is_not_a_pause(fake_forge, forge):
    fake_forge.serve("github.com", "/repos/o/r", {"message": "Forbidden"}, status=403)
    with pytest.raises(ForgeUnavailable):
        forge.repository(parse_repository_url("https://github.com/o/r"))
    assert forge.paused_until == {}


def test_404_is_not_found(fake_forge, forge):
    fake_forge.serve("github.com", "/repos/o/gone", {"message": "Not Found"}, status=404)
    with pytest.raises(ForgeNotFound):
        forge.repository(parse_repository_url("https://github.com/o/gone"))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_unavailable(fake_forge, forge, status):
    fake_forge.serve("codeberg.org", "/repos/o/r", {"message": "oops"}, status=status)
    with pytest.raises(ForgeUnavailable):
        forge.repository(parse_repository_url("https://codeberg.org/o/r"))


def test_a_slow_answer_times_out(fake_forge):
    fake_forge.serve("github.com", "/repos/o/slow", {"name": "slow"}, delay=0.6)
    with ForgeClient(timeout=0.2) as client, pytest.raises(ForgeUnavailable, match="in time"):
        client.repository(parse_repository_url("https://github.com/o/slow"))


def test_an_answer_that_is_not_json_is_unavailable(fake_forge, forge):
    fake_forge.server.expect_request("/github/repos/o/html").respond_with_data("<html>")
    with pytest.raises(ForgeUnavailable):
        forge.repository(parse_repository_url("https://github.com/o/html"))


def test_no_forge_there_at_all_is_unavailable(settings):
    settings.HUB_FORGES = {"github.com": {"kind": "github", "api": "http://127.0.0.1:9"}}
    with ForgeClient(timeout=1) as client, pytest.raises(ForgeUnavailable):
        client.repository(parse_repository_url("https://github.com/o/r"))


@pytest.mark.parametrize("url", [GITHUB_URL, GITLAB_URL, GITEA_URL])
def test_latest_release(fake_forge, forge, url):
    published = datetime(2025, 4, 14, 16, 31, 2, tzinfo=UTC)
    fake_forge.serve_release(url, published)
    release = forge.latest_release(parse_repository_url(url))
    assert release.published_at == published
    assert release.tag


@pytest.mark.parametrize("url", [GITHUB_URL, GITLAB_URL, GITEA_URL])
def test_no_release(fake_forge, forge, url):
    fake_forge.serve_release(url, None)
    assert forge.latest_release(parse_repository_url(url)) is None


@pytest.mark.parametrize("url", [GITHUB_URL, GITLAB_URL, GITEA_URL])
def test_activity_counts_distinct_authors_over_pages(fake_forge, forge, url):
    now = datetime.now(UTC).replace(microsecond=0)
    authors = ["ana", "ben", "ana", "cy", "ben"] * 50  # 250 commits, 3 people
    commits = [
        (author, now - timedelta(days=1 + index)) for index, author in enumerate(authors[:200])
    ]
    fake_forge.serve_commits(url, commits, page_size=100)
    activity = forge.activity(parse_repository_url(url), since=now - timedelta(days=365))
    assert activity.active_contributors == 3
    assert activity.commits_counted == 200
    assert activity.last_commit_at == now - timedelta(days=1)
    assert activity.truncated is False
    assert len(fake_forge.requests) == 2


def test_activity_of_a_quiet_repository(fake_forge, forge):
    fake_forge.serve_commits(GITHUB_URL, [])
    activity = forge.activity(parse_repository_url(GITHUB_URL))
    assert (activity.active_contributors, activity.last_commit_at) == (0, None)


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("https://github.com/chesapeake-data", ["harbor-tides", "rowhouse-permits"]),
        (
            "https://gitlab.com/groups/oldline-civic",
            ["open311-maryland", "county-platform-modules"],
        ),
        ("https://codeberg.org/patapsco-commons", ["trailmap"]),
    ],
)
def test_owner_repositories(fake_forge, forge, url, names):
    fake_forge.serve_owner_repositories(url)
    repositories = list(forge.owner_repositories(parse_owner_url(url)))
    assert [repository.name for repository in repositories] == names
    assert all(repository.ref.name == repository.name for repository in repositories)


def test_owner_repositories_follow_every_page(fake_forge, forge):
    url = "https://github.com/chesapeake-data"
    fake_forge.serve_owner_repositories(
        url,
        [
            [
                {"name": f"r{page}-{i}", "full_name": f"chesapeake-data/r{page}-{i}"}
                for i in range(3)
            ]
            for page in range(3)
        ],
    )
    repositories = list(forge.owner_repositories(parse_owner_url(url)))
    assert len(repositories) == 9
    assert repositories[-1].ref.url == "https://github.com/chesapeake-data/r2-2"


def test_owner_repositories_of_a_person(fake_forge, forge):
    fake_forge.serve(
        "github.com",
        "/users/amara-nwosu/repos",
        [{"name": "dotfiles", "full_name": "amara-nwosu/dotfiles"}],
    )
    repositories = list(forge.owner_repositories(parse_owner_url("https://github.com/amara-nwosu")))
    assert [repository.ref.path for repository in repositories] == ["amara-nwosu/dotfiles"]


@pytest.mark.parametrize("url", [GITHUB_URL, GITLAB_URL, GITEA_URL])
def test_file_exists(fake_forge, forge, url):
    fake_forge.serve_file(url, "publiccode.yml")
    ref = parse_repository_url(url)
    assert forge.file_exists(ref, "publiccode.yml") is True
    assert forge.file_exists(ref, "innersource.json") is False


@pytest.mark.parametrize(
    ("url", "state", "login", "merged"),
    [
        (f"{GITHUB_URL}/pull/311", "merged", "amara-nwosu", True),
        (f"{GITLAB_URL}/-/merge_requests/57", "merged", "rdiaz", True),
        (f"{GITEA_URL}/pulls/88", "merged", "hnguyen", True),
        (f"{GITHUB_URL}/issues/298", "closed", "jlee-baltimore", False),
        (f"{GITLAB_URL}/-/issues/41", "closed", "kpatel", False),
        (f"{GITEA_URL}/issues/71", "closed", "mreyes", False),
    ],
)
def test_pull_requests_and_issues(fake_forge, forge, url, state, login, merged):
    fake_forge.serve_item(url)
    item = forge.item(parse_item_url(url))
    assert (item.state, item.author_login) == (state, login)
    assert (item.merged_at is not None) == merged
    assert item.created_at.tzinfo is not None
    assert item.title


def test_an_open_pull_request(fake_forge, forge):
    url = f"{GITHUB_URL}/pull/400"
    fake_forge.serve_item(url, state="open", merged=False, merged_at=None)
    assert forge.item(parse_item_url(url)).state == "open"


@pytest.mark.parametrize(
    ("url", "login", "email"),
    [
        (
            f"{GITHUB_URL}/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e",
            "amara-nwosu",
            "amara@example.org",
        ),
        (
            f"{GITLAB_URL}/-/commit/ed899a2f4b50b4370feeea94676502b42383c746",
            None,
            "rosa@oldline.example",
        ),
        (
            f"{GITEA_URL}/commit/0d1f6a3c8e4b2f97a1c5d3e2b6a7f8c9d0e1f2a3",
            "hnguyen",
            "hoa@patapsco.example",
        ),
    ],
)
def test_commits(fake_forge, forge, url, login, email):
    fake_forge.serve_item(url)
    item = forge.item(parse_item_url(url))
    assert (item.state, item.author_login, item.author_email) == ("committed", login, email)
    assert item.committed_at is not None


def test_a_missing_item_is_not_found(fake_forge, forge):
    with pytest.raises(ForgeNotFound):
        forge.item(parse_item_url(f"{GITHUB_URL}/pull/99999"))


def test_scorecard(fake_forge, forge):
    fake_forge.serve_scorecard(GITHUB_URL, 7.3)
    scorecard = forge.scorecard(parse_repository_url(GITHUB_URL))
    assert scorecard.score == 7.3
    assert fake_forge.requests[0].path == (
        "/scorecard/projects/github.com/chesapeake-data/harbor-tides"
    )


def test_no_scorecard(fake_forge, forge):
    fake_forge.serve_scorecard(GITHUB_URL, None)
    assert forge.scorecard(parse_repository_url(GITHUB_URL)) is None
    # Scorecard does not score Codeberg: nothing is asked.
    assert forge.scorecard(parse_repository_url(GITEA_URL)) is None
    assert len(fake_forge.requests) == 1
