"""Reviewing logged hours on the pledge page: approve, reject with a reason, bulk approve; and
the person's own edits and withdrawals. Only admins review, and the boards follow approvals."""

from decimal import Decimal

import pytest
from django.utils import timezone

from pledges.models import Contribution
from pledges.services import contribution_log
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory, UserFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganizationFactory(name="Formstone Software")


@pytest.fixture
def pledge(org):
    return PledgeFactory(organization=org, hours_per_period=Decimal("40"))


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org).user


@pytest.fixture
def admin(org):
    return MembershipFactory(organization=org, admin=True).user


def logged(pledge, user, hours="3", **data):
    """A log made the way the product makes one: through the service."""
    return contribution_log(
        pledge=pledge,
        user=user,
        data={
            "date": timezone.localdate(),
            "hours": Decimal(hours),
            "project": data.pop("project", None) or ProjectFactory(),
            "description": "Reviewed pull requests.",
            **data,
        },
    )


def review_url(pledge, log, action):
    return f"/pledges/{pledge.pk}/review/{log.pk}/{action}/"


def test_an_admin_approves_a_log(client, pledge, member, admin):
    log = logged(pledge, member)
    client.force_login(admin)
    response = client.post(review_url(pledge, log, "approve"), follow=True)
    log.refresh_from_db()
    assert log.status == Contribution.Status.APPROVED
    assert log.reviewed_by == admin and log.reviewed_at is not None
    assert "Approved 3 hours" in response.content.decode()
    assert "3 of 40 hours" in response.content.decode()


def test_staff_approve_too(client, pledge, member):
    log = logged(pledge, member)
    client.force_login(StaffFactory())
    client.post(review_url(pledge, log, "approve"))
    log.refresh_from_db()
    assert log.status == Contribution.Status.APPROVED


@pytest.mark.parametrize("who", ["member", "author", "other", "other_admin"])
def test_only_the_organizations_admins_review(client, org, pledge, member, who):
    log = logged(pledge, member)
    reviewer = {
        "member": lambda: MembershipFactory(organization=org).user,
        "author": lambda: member,
        "other": UserFactory,
        "other_admin": lambda: MembershipFactory(admin=True).user,
    }[who]()
    client.force_login(reviewer)
    assert client.post(review_url(pledge, log, "approve")).status_code == 403
    reject = client.post(review_url(pledge, log, "reject"), {"reason": "No."})
    assert reject.status_code == 403
    bulk = client.post(f"/pledges/{pledge.pk}/review/approve/", {"contribution": [log.pk]})
    assert bulk.status_code == 403
    log.refresh_from_db()
    assert log.status == Contribution.Status.PENDING and log.reviewed_by is None


def test_a_log_of_another_pledge_is_not_found(client, pledge, member, admin):
    elsewhere = ContributionFactory()
    client.force_login(admin)
    assert client.post(review_url(pledge, elsewhere, "approve")).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Contribution.Status.PENDING


def test_rejecting_needs_a_reason_and_the_author_sees_it(client, pledge, member, admin):
    log = logged(pledge, member)
    client.force_login(admin)
    response = client.post(review_url(pledge, log, "reject"), {"reason": "  "}, follow=True)
    assert "Say why" in response.content.decode()
    log.refresh_from_db()
    assert log.status == Contribution.Status.PENDING
    client.post(review_url(pledge, log, "reject"), {"reason": "Please link the pull request."})
    log.refresh_from_db()
    assert log.status == Contribution.Status.REJECTED
    assert log.rejection_reason == "Please link the pull request." and log.reviewed_by == admin
    client.force_login(member)
    assert "Please link the pull request." in client.get("/me/").content.decode()


def test_a_rejected_log_never_counts(client, pledge, member, admin):
    log = logged(pledge, member, hours="6")
    client.force_login(admin)
    client.post(review_url(pledge, log, "approve"))
    client.post(review_url(pledge, log, "reject"), {"reason": "Counted twice."})
    html = client.get(f"/pledges/{pledge.pk}/").content.decode()
    assert "0 of 40 hours" in html


def test_bulk_approve_approves_only_the_ticked_pending_logs(client, pledge, member, admin):
    first, second, third = (logged(pledge, member, hours="2") for _ in range(3))
    withdrawn = logged(pledge, member, hours="1")
    withdrawn.status = Contribution.Status.WITHDRAWN
    withdrawn.save()
    elsewhere = ContributionFactory()
    client.force_login(admin)
    page = client.get(f"/pledges/{pledge.pk}/").content.decode()
    assert 'form="bulk-approve"' in page and 'id="bulk-approve"' in page
    response = client.post(
        f"/pledges/{pledge.pk}/review/approve/",
        {"contribution": [first.pk, third.pk, withdrawn.pk, elsewhere.pk, "x"]},
        follow=True,
    )
    assert "Approved 2 logs." in response.content.decode()
    statuses = {
        log.pk: log.status
        for log in Contribution.objects.filter(pk__in=[first.pk, second.pk, third.pk])
    }
    assert statuses == {
        first.pk: Contribution.Status.APPROVED,
        second.pk: Contribution.Status.PENDING,
        third.pk: Contribution.Status.APPROVED,
    }
    withdrawn.refresh_from_db()
    elsewhere.refresh_from_db()
    assert withdrawn.status == Contribution.Status.WITHDRAWN
    assert elsewhere.status == Contribution.Status.PENDING


def test_bulk_approve_with_nothing_ticked_says_so(client, pledge, admin):
    client.force_login(admin)
    response = client.post(f"/pledges/{pledge.pk}/review/approve/", follow=True)
    assert "Tick the logs to approve first." in response.content.decode()


def test_the_leaderboard_changes_after_an_approval(
    client, pledge, member, admin, django_capture_on_commit_callbacks
):
    project = ProjectFactory(name="Harbor Maps")
    log = logged(pledge, member, hours="7.5", project=project)
    before = client.get("/pledges/").content.decode()
    assert "Harbor Maps" not in before  # the boards are now cached without it
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review_url(pledge, log, "approve"))
    client.logout()
    after = client.get("/pledges/").content.decode()
    assert "Harbor Maps" in after
    assert "7.5 h" in after
    assert "<dd>7.5</dd>" in after  # hours given this year


def test_private_hours_stay_off_the_boards(client, org, member, admin):
    private = PledgeFactory(organization=org, private=True)
    log = logged(private, member, project=ProjectFactory(name="Hidden Harbor"))
    client.force_login(admin)
    client.post(review_url(private, log, "approve"))
    client.logout()
    html = client.get("/pledges/").content.decode()
    assert "Hidden Harbor" not in html and "Formstone Software" not in html
    assert "<dd>0</dd>" in html


# --- The person's own logs -----------------------------------------------------------------------


def test_the_author_edits_a_pending_log(client, pledge, member):
    log = logged(pledge, member, hours="3")
    client.force_login(member)
    page = client.get(f"/pledges/logs/{log.pk}/edit/?next=/me/")
    assert page.status_code == 200
    response = client.post(
        f"/pledges/logs/{log.pk}/edit/",
        {
            "date": log.date.isoformat(),
            "hours": "4.5",
            "project": log.project_id,
            "description": "Reviewed pull requests and wrote docs.",
            "next": "/me/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    log.refresh_from_db()
    assert log.hours == Decimal("4.5") and log.status == Contribution.Status.PENDING


def test_an_edit_keeps_the_rules(client, pledge, member):
    log = logged(pledge, member, hours="3")
    client.force_login(member)
    response = client.post(
        f"/pledges/logs/{log.pk}/edit/",
        {"date": log.date.isoformat(), "hours": "25", "project": log.project_id,
         "description": "x"},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["hours"]
    log.refresh_from_db()
    assert log.hours == Decimal("3")


def test_an_outside_next_is_ignored(client, pledge, member):
    log = logged(pledge, member)
    client.force_login(member)
    response = client.post(f"/pledges/logs/{log.pk}/withdraw/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/pledges/{pledge.pk}/"


def test_a_reviewed_log_can_be_neither_edited_nor_withdrawn(client, pledge, member, admin):
    log = logged(pledge, member)
    client.force_login(admin)
    client.post(review_url(pledge, log, "approve"))
    client.force_login(member)
    response = client.get(f"/pledges/logs/{log.pk}/edit/", follow=True)
    assert "Only logs waiting for review can be changed." in response.content.decode()
    response = client.post(f"/pledges/logs/{log.pk}/withdraw/", follow=True)
    assert "Only logs waiting for review can be withdrawn." in response.content.decode()
    log.refresh_from_db()
    assert log.status == Contribution.Status.APPROVED


def test_the_author_withdraws_a_pending_log_and_it_cannot_be_approved(
    client, pledge, member, admin
):
    log = logged(pledge, member)
    client.force_login(member)
    client.post(f"/pledges/logs/{log.pk}/withdraw/", {"next": "/me/"})
    log.refresh_from_db()
    assert log.status == Contribution.Status.WITHDRAWN
    client.force_login(admin)
    response = client.post(review_url(pledge, log, "approve"), follow=True)
    assert "withdrawn by its author" in response.content.decode()
    log.refresh_from_db()
    assert log.status == Contribution.Status.WITHDRAWN


def test_someone_elses_log_is_not_found(client, pledge, member, admin):
    log = logged(pledge, member)
    client.force_login(admin)
    assert client.get(f"/pledges/logs/{log.pk}/edit/").status_code == 404
    assert client.post(f"/pledges/logs/{log.pk}/withdraw/").status_code == 404
    log.refresh_from_db()
    assert log.status == Contribution.Status.PENDING
