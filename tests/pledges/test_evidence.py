"""Hours with evidence: a log's links to pull requests, commits and issues are checked by a
job with the hub's forge client, over real HTTP against the fake forge on loopback.

The rules (author one of the person's forge accounts, dated within the window of the
logged day, found at all), what a rate limit or an unreachable forge does, that each link
costs one job and one request per attempt, and what reviewers and the public see."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hub import forge_accounts
from hub.models import AuditEntry, ForgeAccount, OutboxJob
from pledges import evidence, services
from pledges.models import Contribution, ContributionEvidence, Pledge
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory, UserFactory
from tests.pledges.test_api import api_as

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LOGGED_DAY = TODAY - timedelta(days=10)
PR = "https://github.com/chesapeake-data/harbor-tides/pull/311"
PR_2 = "https://github.com/chesapeake-data/harbor-tides/pull/312"
ISSUE = "https://codeberg.org/patapsco-commons/trailmap/issues/71"
GITLAB_COMMIT = "https://gitlab.com/oldline/permit-map/-/commit/" + "a1b2c3d" * 5 + "a1b2c"
CHECK_TASK = "pledges.tasks.evidence_check_task"


def at(days_from_logged_day: int) -> str:
    """Noon UTC (morning in the hub's zone) that many days from the logged day."""
    day = LOGGED_DAY + timedelta(days=days_from_logged_day)
    return datetime.combine(day, time(12), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class World:
    def __init__(self):
        self.organization = OrganizationFactory(name="Formstone Software")
        self.admin = MembershipFactory(organization=self.organization, owner=True).user
        self.member = MembershipFactory(
            organization=self.organization, user=UserFactory(email="maya@example.org")
        ).user
        self.other = UserFactory()
        self.staff = StaffFactory()
        self.project = ProjectFactory(name="harbor-tides")
        self.pledge = services.pledge_create(
            organization=self.organization,
            actor=self.admin,
            data={
                "kind": Pledge.Kind.HOURS,
                "hours_per_period": Decimal("40"),
                "starts_on": TODAY - timedelta(days=60),
            },
        )

    def log(self, urls, *, user=None, day=LOGGED_DAY, hours="2") -> Contribution:
        return services.contribution_log(
            pledge=self.pledge,
            user=user or self.member,
            data={
                "date": day,
                "hours": Decimal(hours),
                "project": self.project,
                "description": "Salinity sensor feed.",
                "evidence_urls": urls,
            },
        )


@pytest.fixture
def world():
    return World()


def log_and_check(world, urls, capture, **kwargs) -> Contribution:
    """Log with links and run the jobs the commit enqueues (eager, as `make run` does)."""
    with capture(execute=True):
        contribution = world.log(urls, **kwargs)
    return contribution


def only_evidence(contribution) -> ContributionEvidence:
    return ContributionEvidence.objects.get(contribution=contribution)


# --- The rules, one row each -----------------------------------------------------------------

ACCOUNTS_DECLARED = [("github", "mayaokafor", False), ("codeberg", "maya", False)]
ACCOUNTS_PROVEN = [("github", "mayaokafor", True)]

RULES = [
    # (case, url, fields served, accounts, status, reason contains, author_proven)
    (
        "declared account, merged a day later",
        PR,
        {"user": {"login": "mayaokafor"}, "created_at": at(-1), "merged_at": at(1)},
        ACCOUNTS_DECLARED,
        "checked",
        "Pull request by mayaokafor, merged on",
        False,
    ),
    (
        "proven account, the forge spells the name in other case",
        PR,
        {"user": {"login": "MayaOkafor"}, "created_at": at(0), "merged_at": at(2)},
        ACCOUNTS_PROVEN,
        "checked",
        "Pull request by MayaOkafor",
        True,
    ),
    (
        "someone else's pull request",
        PR,
        {"user": {"login": "octocat"}, "created_at": at(0), "merged_at": at(1)},
        ACCOUNTS_DECLARED,
        "failed",
        "author is octocat, not one of yours",
        None,
    ),
    (
        "merged twelve days after the logged day",
        PR,
        {"user": {"login": "mayaokafor"}, "created_at": at(6), "merged_at": at(12)},
        ACCOUNTS_DECLARED,
        "failed",
        "opened 6 days after the logged day (at most 3 apart)",
        False,
    ),
    (
        "merged long after, opened long before",
        PR,
        {"user": {"login": "mayaokafor"}, "created_at": at(-20), "merged_at": at(12)},
        ACCOUNTS_DECLARED,
        "failed",
        "merged 12 days after the logged day",
        False,
    ),
    (
        "an open pull request opened on the day",
        PR,
        {
            "user": {"login": "mayaokafor"},
            "state": "open",
            "merged": False,
            "created_at": at(0),
            "merged_at": None,
        },
        ACCOUNTS_DECLARED,
        "checked",
        "opened on",
        False,
    ),
    (
        "a Codeberg issue by the person's Codeberg name",
        ISSUE,
        {"user": {"login": "maya"}, "created_at": at(-3)},
        ACCOUNTS_DECLARED,
        "checked",
        "Issue by maya, opened on",
        False,
    ),
    (
        "a GitHub name does not count on Codeberg",
        ISSUE,
        {"user": {"login": "mayaokafor"}, "created_at": at(0)},
        ACCOUNTS_DECLARED,
        "failed",
        "author is mayaokafor, not one of yours",
        None,
    ),
    (
        "a GitLab commit by the person's verified e-mail address",
        GITLAB_COMMIT,
        {"author_email": "Maya@Example.org", "authored_date": at(1), "committed_date": at(1)},
        [],
        "checked",
        "Commit by",
        True,
    ),
    (
        "a GitLab commit by another address",
        GITLAB_COMMIT,
        {"author_email": "rosa@oldline.example", "authored_date": at(0), "committed_date": at(0)},
        ACCOUNTS_DECLARED,
        "failed",
        "not one of yours",
        None,
    ),
]


@pytest.mark.parametrize(
    "url, fields, accounts, status, reason, proven",
    [row[1:] for row in RULES],
    ids=[row[0] for row in RULES],
)
def test_a_link_checks_out_by_author_and_date(
    world,
    fake_forge,
    django_capture_on_commit_callbacks,
    url,
    fields,
    accounts,
    status,
    reason,
    proven,
):
    for forge, name, is_proven in accounts:
        if is_proven:
            forge_accounts.forge_account_prove(user=world.member, forge=forge, username=name)
        else:
            forge_accounts.forge_account_add(user=world.member, forge=forge, username=name)
    fake_forge.serve_item(url, **fields)

    found = only_evidence(log_and_check(world, [url], django_capture_on_commit_callbacks))

    assert (found.status, found.author_proven) == (status, proven)
    assert reason in found.reason
    assert found.checked_at is not None
    assert len(fake_forge.requests) == 1


def test_a_link_the_forge_does_not_have_is_not_found(
    world, fake_forge, django_capture_on_commit_callbacks
):
    found = only_evidence(log_and_check(world, [PR], django_capture_on_commit_callbacks))
    assert (found.status, found.reason) == ("failed", "not found on github.com")


def test_a_rate_limited_link_stays_pending_until_the_forge_allows(
    world, fake_forge, django_capture_on_commit_callbacks
):
    reset_at = fake_forge.rate_limited("github.com")

    found = only_evidence(log_and_check(world, [PR], django_capture_on_commit_callbacks))

    assert found.status == "pending"
    assert found.retry_after == reset_at
    assert "asked the hub to wait" in found.reason
    # The periodic retry leaves it alone until then: nothing is sent.
    sent = len(fake_forge.requests)
    assert evidence.evidence_retry_due() == 0
    assert len(fake_forge.requests) == sent


def test_a_rate_limit_pauses_the_rest_of_the_batch_for_that_forge(
    world, fake_forge, django_capture_on_commit_callbacks
):
    """One request finds the limit; the other links of that forge wait without asking, and
    another forge's link is still checked."""
    forge_accounts.forge_account_add(user=world.member, forge="codeberg", username="maya")
    world.log([PR, PR_2, "https://github.com/chesapeake-data/harbor-tides/issues/9", ISSUE])
    ContributionEvidence.objects.update(created_at=timezone.now() - timedelta(hours=1))
    reset_at = fake_forge.rate_limited("github.com")
    fake_forge.serve_item(ISSUE, user={"login": "maya"}, created_at=at(0))

    assert evidence.evidence_retry_due() == 2

    github = [r for r in fake_forge.requests if r.path.startswith("/github")]
    assert len(github) == 1
    waiting = ContributionEvidence.objects.filter(url__contains="github.com")
    assert {(e.status, e.retry_after) for e in waiting} == {("pending", reset_at)}
    assert ContributionEvidence.objects.get(url=ISSUE).status == "checked"


def test_an_unreachable_forge_is_asked_again_later_then_given_up_with_the_reason(
    world, fake_forge, django_capture_on_commit_callbacks
):
    fake_forge.serve("github.com", "/repos/chesapeake-data/harbor-tides/pulls/311", status=503)
    found = only_evidence(log_and_check(world, [PR], django_capture_on_commit_callbacks))
    assert (found.status, found.attempts) == ("pending", 1)
    assert found.retry_after > timezone.now()

    for _ in range(evidence.MAX_ATTEMPTS - 1):
        ContributionEvidence.objects.update(retry_after=timezone.now() - timedelta(seconds=1))
        evidence.evidence_retry_due()
    found.refresh_from_db()
    assert found.status == "failed"
    assert found.reason == f"the forge did not answer ({evidence.MAX_ATTEMPTS} tries)"


# --- One job and one request per link and attempt ----------------------------------------------


def test_each_link_is_one_job_and_one_request_per_attempt(
    world, fake_forge, django_capture_on_commit_callbacks
):
    forge_accounts.forge_account_add(user=world.member, forge="github", username="mayaokafor")
    for url in (PR, PR_2):
        fake_forge.serve_item(url, user={"login": "mayaokafor"}, created_at=at(0))

    contribution = log_and_check(world, [PR, PR_2, PR + "/"], django_capture_on_commit_callbacks)

    assert OutboxJob.objects.filter(task_name=CHECK_TASK).count() == 2
    assert len(fake_forge.requests) == 2
    # Handed over twice, a job does nothing the second time; nor does the periodic retry.
    for pk in contribution.evidence.values_list("pk", flat=True):
        assert evidence.evidence_check(evidence_id=pk) is None
    ContributionEvidence.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert evidence.evidence_retry_due() == 0
    assert len(fake_forge.requests) == 2

    # A change that keeps the day and the links checks nothing again...
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_update(
            contribution=contribution, user=world.member, data={"description": "More."}
        )
    assert OutboxJob.objects.filter(task_name=CHECK_TASK).count() == 2
    # ...a new day checks every link again, once; a new link alone is checked alone.
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_update(
            contribution=contribution,
            user=world.member,
            data={"date": LOGGED_DAY + timedelta(days=1)},
        )
    assert OutboxJob.objects.filter(task_name=CHECK_TASK).count() == 4
    assert len(fake_forge.requests) == 4
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_update(
            contribution=contribution, user=world.member, data={"evidence_urls": [PR]}
        )
    assert list(contribution.evidence.values_list("url", "status")) == [(PR, "checked")]
    assert len(fake_forge.requests) == 4


# --- Bad input ---------------------------------------------------------------------------------

BAD_LINKS = [
    ("not a URL", ["not a link at all"], "is not a pull or merge request"),
    ("an unsupported host", ["https://example.com/acme/tool/pull/3"], "is not a pull or merge"),
    ("a repository, not an item", ["https://github.com/acme/tool"], "is not a pull or merge"),
    ("too many links", [f"{PR[:-3]}{n}" for n in range(1, 7)], "Give at most 5 links."),
]


@pytest.mark.parametrize("urls, message", [r[1:] for r in BAD_LINKS], ids=[r[0] for r in BAD_LINKS])
def test_bad_links_are_field_errors_on_the_form(world, client, urls, message):
    client.force_login(world.member)
    response = client.post(
        f"/pledges/{world.pledge.pk}/",
        {
            "date": LOGGED_DAY.isoformat(),
            "hours": "2",
            "project": world.project.pk,
            "description": "Work.",
            "evidence_urls": "\n".join(urls),
        },
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["evidence_urls"])
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("urls, message", [r[1:] for r in BAD_LINKS], ids=[r[0] for r in BAD_LINKS])
def test_bad_links_are_field_errors_in_the_api(world, urls, message):
    response = api_as(world.member).post(
        "/api/v1/contributions/",
        {
            "pledge": world.pledge.pk,
            "date": LOGGED_DAY.isoformat(),
            "hours": "2",
            "project": world.project.slug,
            "description": "Work.",
            "evidence_urls": urls,
        },
        format="json",
    )
    assert response.status_code == 400
    assert message in str(response.json()["evidence_urls"])
    assert not Contribution.objects.exists()


def test_evidence_in_the_api_is_read_only_and_comes_with_the_log(
    world, fake_forge, django_capture_on_commit_callbacks
):
    fake_forge.serve_item(PR, user={"login": "octocat"}, created_at=at(0))
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.member).post(
            "/api/v1/contributions/",
            {
                "pledge": world.pledge.pk,
                "date": LOGGED_DAY.isoformat(),
                "hours": "2",
                "project": world.project.slug,
                "description": "Work.",
                "evidence_urls": [PR],
                "evidence": [{"url": PR, "status": "checked"}],
            },
            format="json",
        )
    assert response.status_code == 201
    assert [(e["url"], e["status"]) for e in response.json()["evidence"]] == [(PR, "pending")]
    pk = response.json()["id"]
    read = api_as(world.member).get(f"/api/v1/contributions/{pk}/").json()["evidence"]
    assert (read[0]["status"], read[0]["reason"]) == (
        "failed",
        "author is octocat, not one of yours",
    )


@pytest.mark.parametrize(
    "role, status, sees_evidence",
    [
        ("anonymous", 401, False),
        ("other", 404, False),
        ("member", 200, True),
        ("admin", 200, True),
        ("staff", 200, True),
    ],
)
def test_who_reads_a_logs_evidence_over_the_api(world, role, status, sees_evidence):
    contribution = world.log([PR])
    response = api_as(getattr(world, role, None)).get(f"/api/v1/contributions/{contribution.pk}/")
    assert response.status_code == status
    if sees_evidence:
        assert response.json()["evidence"][0]["url"] == PR


@pytest.mark.parametrize(
    "role, status", [("anonymous", 401), ("other", 403), ("admin", 403), ("staff", 403)]
)
def test_only_the_person_changes_a_logs_links(world, role, status):
    contribution = world.log([PR])
    response = api_as(getattr(world, role, None)).patch(
        f"/api/v1/contributions/{contribution.pk}/", {"evidence_urls": []}, format="json"
    )
    assert response.status_code == status
    assert contribution.evidence.count() == 1


def test_staff_alone_ask_for_evidence_to_be_checked_again(world):
    contribution = world.log([PR])
    with pytest.raises(PermissionDenied):
        services.contribution_evidence_recheck(contribution=contribution, actor=world.admin)
    assert services.contribution_evidence_recheck(contribution=contribution, actor=world.staff)


# --- What reviewers and the public see ---------------------------------------------------------


def checked_and_failed_logs(world, fake_forge, capture):
    forge_accounts.forge_account_add(user=world.member, forge="github", username="mayaokafor")
    fake_forge.serve_item(PR, user={"login": "mayaokafor"}, created_at=at(0), merged_at=at(1))
    fake_forge.serve_item(PR_2, user={"login": "octocat"}, created_at=at(0))
    checked = log_and_check(world, [PR], capture, hours="3")
    failed = log_and_check(world, [PR_2], capture, day=LOGGED_DAY - timedelta(days=1))
    return checked, failed


def test_the_reviewer_sees_what_was_found_and_why_a_link_failed(
    world, client, fake_forge, django_capture_on_commit_callbacks
):
    checked_and_failed_logs(world, fake_forge, django_capture_on_commit_callbacks)
    client.force_login(world.admin)
    page = client.get(f"/pledges/{world.pledge.pk}/").content.decode()
    review = page[page.index('id="review"') :]
    assert "Evidence checked" in review
    assert "Pull request by mayaokafor, merged on" in review
    assert "Did not check out" in review
    assert "Author is octocat, not one of yours." in review


def test_the_person_sees_the_check_on_their_logs(
    world, client, fake_forge, django_capture_on_commit_callbacks
):
    checked_and_failed_logs(world, fake_forge, django_capture_on_commit_callbacks)
    client.force_login(world.member)
    for url in (f"/pledges/{world.pledge.pk}/", "/me/"):
        page = client.get(url).content.decode()
        assert "Evidence checked" in page
        assert "Author is octocat, not one of yours." in page


def test_the_public_counts_approved_hours_with_checked_evidence(
    world, client, fake_forge, django_capture_on_commit_callbacks
):
    checked, failed = checked_and_failed_logs(world, fake_forge, django_capture_on_commit_callbacks)
    world.log([PR], day=LOGGED_DAY - timedelta(days=2), hours="5")  # pending: not counted
    for log in (checked, failed):
        services.contribution_approve(contribution=log, actor=world.admin)

    index = client.get("/pledges/").content.decode()
    assert "<dd>3</dd>" in index  # the totals: hours with checked evidence, all time
    assert "5 hours</strong> approved · 3 h with checked evidence" in index
    detail = client.get(f"/pledges/{world.pledge.pk}/").content.decode()
    assert "3 h of them with checked evidence" in detail
    api = client.get(f"/api/v1/pledges/{world.pledge.pk}/").json()
    assert (api["all_time_approved"], api["all_time_with_checked_evidence"]) == ("5.00", "3.00")


def _queries(client, url) -> int:
    cache.clear()  # the boards are cached: count what building them costs
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/pledges/", "pledge", "/api/v1/contributions/?pledge="])
def test_pages_with_evidence_run_the_same_queries_for_1_or_8_logs(world, client, settings, url):
    settings.HUB_PAGE_CACHE_SECONDS = 0
    client.force_login(world.admin)
    if url == "pledge":
        url = f"/pledges/{world.pledge.pk}/"
    elif url.endswith("="):
        url += str(world.pledge.pk)
    world.log([PR], hours="1")
    one = _queries(client, url)
    for n in range(7):
        world.log([PR, PR_2], day=LOGGED_DAY - timedelta(days=n + 1), hours="1")
    assert ContributionEvidence.objects.count() == 15
    assert _queries(client, url) == one


def test_a_name_two_people_declared_is_flagged_to_the_reviewer(
    world, fake_forge, django_capture_on_commit_callbacks
):
    forge_accounts.forge_account_add(user=world.member, forge="github", username="mayaokafor")
    forge_accounts.forge_account_add(user=world.other, forge="github", username="MayaOkafor")
    fake_forge.serve_item(PR, user={"login": "mayaokafor"}, created_at=at(0))
    found = only_evidence(log_and_check(world, [PR], django_capture_on_commit_callbacks))
    assert found.status == "checked"
    assert found.reason.endswith("(a declared account that someone else declared too)")


def test_forge_accounts_of_one_person_do_not_vouch_for_another(
    world, fake_forge, django_capture_on_commit_callbacks
):
    """The admin declared the member's GitHub name too: it still counts only for whoever
    logged the hours, and each person's page says the name is claimed twice."""
    forge_accounts.forge_account_add(user=world.admin, forge="github", username="mayaokafor")
    fake_forge.serve_item(PR, user={"login": "mayaokafor"}, created_at=at(0))
    found = only_evidence(log_and_check(world, [PR], django_capture_on_commit_callbacks))
    assert (found.status, found.reason) == ("failed", "author is mayaokafor, not one of yours")
    assert ForgeAccount.objects.count() == 1


def test_the_edit_page_shows_the_links_and_replaces_them(world, client):
    contribution = world.log([PR, ISSUE])
    client.force_login(world.member)
    url = f"/pledges/logs/{contribution.pk}/edit/"
    assert f"{PR}\n{ISSUE}</textarea>" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "date": LOGGED_DAY.isoformat(),
            "hours": "2",
            "project": world.project.pk,
            "description": "Salinity sensor feed.",
            "evidence_urls": f"{ISSUE}\n\n{PR_2}\n",
        },
    )
    assert response.status_code == 302
    assert sorted(contribution.evidence.values_list("url", flat=True)) == sorted([ISSUE, PR_2])


def test_staff_filter_logs_by_evidence_and_have_links_checked_again(
    world, client, fake_forge, django_capture_on_commit_callbacks
):
    checked, failed = checked_and_failed_logs(world, fake_forge, django_capture_on_commit_callbacks)
    bare = world.log([], day=LOGGED_DAY - timedelta(days=3))
    client.force_login(world.staff)
    changelist = "/admin/pledges/contribution/"
    for value, expected in (("checked", checked), ("failed", failed), ("none", bare)):
        response = client.get(changelist, {"evidence": value})
        assert list(response.context["cl"].result_list) == [expected]
    assert (
        "Did not check out (author is octocat"
        in client.get(f"{changelist}{failed.pk}/change/").content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "recheck_evidence", "_selected_action": [failed.pk]})
    assert len(fake_forge.requests) == 3
    assert AuditEntry.objects.filter(action="contribution.evidence_recheck").count() == 1
