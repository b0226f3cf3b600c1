"""Staff oversee pledges and logged hours through the real Django admin views: pending logs
first, approvals and rejections through the services (who and when recorded), corrections
that keep the 24-hour and date rules, pledges made and ended through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from hub.models import AuditEntry
from pledges import services
from pledges.models import Contribution, Pledge
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PLEDGES = reverse("admin:pledges_pledge_changelist")
CONTRIBUTIONS = reverse("admin:pledges_contribution_changelist")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def pledge():
    organization = OrganizationFactory(name="Formstone Software")
    owner = MembershipFactory(organization=organization, owner=True).user
    return services.pledge_create(
        organization=organization,
        actor=owner,
        data={
            "kind": Pledge.Kind.HOURS,
            "hours_per_period": Decimal("40"),
            "starts_on": TODAY - timedelta(days=30),
        },
    )


@pytest.fixture
def member(pledge):
    return MembershipFactory(organization=pledge.organization).user


def log(pledge, user, hours="2", **data) -> Contribution:
    values = {
        "date": TODAY,
        "hours": Decimal(hours),
        "project": ProjectFactory(),
        "description": "Reviewed pull requests.",
        **data,
    }
    return services.contribution_log(pledge=pledge, user=user, data=values)


def run_action(client, url, action, objects, **extra):
    return client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    )


# --- Logged hours --------------------------------------------------------------------------------


def test_the_list_shows_pending_logs_first_with_who_what_and_review(
    staff_client, pledge, member, staff_user
):
    older = log(pledge, member, "1", date=TODAY - timedelta(days=3))
    services.contribution_approve(contribution=log(pledge, member, "2"), actor=staff_user)
    response = staff_client.get(CONTRIBUTIONS)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [row.status for row in rows] == ["pending", "approved"]
    assert rows[0] == older
    content = response.content.decode()
    assert "Formstone Software" in content
    assert str(staff_user) in content
    for params in (
        {"status__exact": "approved"},
        {"pledge__organization__id__exact": pledge.organization.pk},
        {"q": member.email},
        {"date__year": TODAY.year},
    ):
        assert staff_client.get(CONTRIBUTIONS, params).status_code == 200


def test_approving_selected_logs_records_who_and_when(staff_client, pledge, member, staff_user):
    first, second = log(pledge, member, "1"), log(pledge, member, "2")
    response = run_action(staff_client, CONTRIBUTIONS, "approve_selected", [first, second])
    assert response.status_code == 302
    for contribution in (first, second):
        contribution.refresh_from_db()
        assert contribution.status == Contribution.Status.APPROVED
        assert contribution.reviewed_by == staff_user
        assert contribution.reviewed_at is not None
        assert (
            AuditEntry.objects.get(action="contribution.approved", target_id=contribution.pk).actor
            == staff_user
        )


def test_rejecting_asks_for_a_reason_first(staff_client, pledge, member, staff_user):
    contribution = log(pledge, member)
    page = run_action(staff_client, CONTRIBUTIONS, "reject_selected", [contribution])
    assert page.status_code == 200
    assert b"Reject logged hours" in page.content
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PENDING

    again = run_action(
        staff_client, CONTRIBUTIONS, "reject_selected", [contribution], apply="1", reason=""
    )
    assert again.status_code == 200
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PENDING

    done = run_action(
        staff_client,
        CONTRIBUTIONS,
        "reject_selected",
        [contribution],
        apply="1",
        reason="Please link the pull request.",
    )
    assert done.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.REJECTED
    assert contribution.rejection_reason == "Please link the pull request."
    assert contribution.reviewed_by == staff_user
    entry = AuditEntry.objects.get(action="contribution.rejected", target_id=contribution.pk)
    assert entry.detail == {"reason": "Please link the pull request."}


def test_logs_are_neither_added_nor_deleted_in_the_admin(staff_client, pledge, member):
    contribution = log(pledge, member)
    assert staff_client.get(reverse("admin:pledges_contribution_add")).status_code == 403
    delete = reverse("admin:pledges_contribution_delete", args=[contribution.pk])
    assert staff_client.get(delete).status_code == 403
    assert "delete_selected" not in staff_client.get(CONTRIBUTIONS).content.decode()


def correction(contribution, **changes) -> dict:
    values = {
        "date": contribution.date.isoformat(),
        "hours": str(contribution.hours),
        "project": contribution.project_id or "",
        "project_url": contribution.project_url,
        "description": contribution.description,
        "link": contribution.link,
    }
    return {**values, **changes}


def test_staff_correct_hours_within_the_24_hour_rule(staff_client, pledge, member, staff_user):
    log(pledge, member, "20")
    contribution = log(pledge, member, "2")
    services.contribution_approve(contribution=contribution, actor=staff_user)
    url = reverse("admin:pledges_contribution_change", args=[contribution.pk])
    assert staff_client.get(url).status_code == 200

    refused = staff_client.post(url, correction(contribution, hours="4.5"))
    assert refused.status_code == 200
    assert "at most 4 more fit in 24 hours" in refused.content.decode()
    contribution.refresh_from_db()
    assert contribution.hours == Decimal("2")

    saved = staff_client.post(url, correction(contribution, hours="4"))
    assert saved.status_code == 302
    contribution.refresh_from_db()
    assert contribution.hours == Decimal("4")
    entry = AuditEntry.objects.get(action="contribution.staff_edit", target_id=contribution.pk)
    assert (entry.actor, entry.detail) == (staff_user, {"fields": ["hours"]})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": (TODAY + timedelta(days=1)).isoformat()}, "today or earlier"),
        ({"date": (TODAY - timedelta(days=31)).isoformat()}, "The pledge starts on"),
        ({"hours": "0"}, "greater than or equal to 0.25"),
        ({"hours": "25"}, "less than or equal to 24"),
        ({"project": "", "project_url": ""}, "Choose a listed project"),
        ({"project": "", "project_url": "ftp://example.org/x"}, "Enter a valid URL"),
    ],
)
def test_staff_corrections_keep_the_logs_rules(staff_client, pledge, member, changes, message):
    contribution = log(pledge, member)
    url = reverse("admin:pledges_contribution_change", args=[contribution.pk])
    response = staff_client.post(url, correction(contribution, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    contribution.refresh_from_db()
    assert (contribution.hours, contribution.date) == (Decimal("2"), TODAY)


# --- Pledges -------------------------------------------------------------------------------------


def pledge_form(organization, **changes) -> dict:
    values = {
        "organization": organization.pk,
        "kind": "hours",
        "hours_per_period": "30",
        "percent": "",
        "workforce_size": "",
        "period": "quarter",
        "starts_on": TODAY.isoformat(),
        "ends_on": "",
        "public": "on",
        "target_projects": [],
    }
    return {**values, **changes}


def test_staff_make_a_pledge_through_the_service(staff_client, staff_user):
    organization = OrganizationFactory()
    project = ProjectFactory()
    response = staff_client.post(
        reverse("admin:pledges_pledge_add"),
        pledge_form(organization, target_projects=[project.pk]),
    )
    assert response.status_code == 302, response.content.decode()
    pledge = Pledge.objects.get()
    assert (pledge.organization, pledge.created_by) == (organization, staff_user)
    assert pledge.pledged_hours == Decimal("30")
    assert list(pledge.target_projects.all()) == [project]
    assert AuditEntry.objects.filter(action="pledge.create", target_id=pledge.pk).exists()


def test_a_pledge_needs_the_amount_its_kind_asks_for(staff_client):
    organization = OrganizationFactory()
    response = staff_client.post(
        reverse("admin:pledges_pledge_add"),
        pledge_form(organization, kind="percent", percent="5", hours_per_period=""),
    )
    assert response.status_code == 200
    assert "How many people work at the organization?" in response.content.decode()
    assert not Pledge.objects.exists()


def test_staff_change_a_pledges_kind_through_the_service(staff_client, pledge, settings):
    settings.HUB_WORKING_HOURS_PER_MONTH = 160
    url = reverse("admin:pledges_pledge_change", args=[pledge.pk])
    assert staff_client.get(url).status_code == 200
    form = pledge_form(
        pledge.organization, kind="percent", percent="5", workforce_size="40", period="month"
    )
    form.pop("organization")
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.content.decode()
    pledge.refresh_from_db()
    assert (pledge.kind, pledge.hours_per_period, pledge.pledged_hours) == (
        "percent",
        None,
        Decimal("320.00"),
    )
    assert AuditEntry.objects.filter(action="pledge.update", target_id=pledge.pk).exists()


def test_the_pledge_list_filters_searches_and_ends_pledges(staff_client, pledge, staff_user):
    response = staff_client.get(PLEDGES)
    assert response.status_code == 200
    assert "40 hours a month" in response.content.decode()
    for params in ({"status__exact": "active"}, {"kind__exact": "hours"}, {"q": "Formstone"}):
        assert list(staff_client.get(PLEDGES, params).context["cl"].result_list) == [pledge]

    assert run_action(staff_client, PLEDGES, "end_selected", [pledge]).status_code == 302
    pledge.refresh_from_db()
    assert (pledge.status, pledge.ends_on) == (Pledge.Status.ENDED, TODAY)
    assert AuditEntry.objects.get(action="pledge.end", target_id=pledge.pk).actor == staff_user
