"""Honest numbers: pledges only for published organizations, dates with bounds, quarter hours,
nobody approving their own hours (pages, API, bulk, admin), hub staff reviewing where an
organization has no second admin, and boards that drop an organization once it is archived."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from directory import services as directory_services
from directory.models import ListingStatus
from hub.models import AuditEntry
from pledges import services
from pledges.leaderboards import leaderboards
from pledges.models import QUARTER_HOURS_ONLY, Contribution, Pledge
from pledges.queries import HISTORY_LIMIT, pledge_history
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_pledge(organization, actor, **data) -> Pledge:
    terms = {
        "kind": Pledge.Kind.HOURS,
        "hours_per_period": Decimal("40"),
        "starts_on": TODAY - timedelta(days=120),
        **data,
    }
    return services.pledge_create(organization=organization, actor=actor, data=terms)


def log(pledge, user, hours="2", day=None) -> Contribution:
    return services.contribution_log(
        pledge=pledge,
        user=user,
        data={
            "date": day or TODAY,
            "hours": Decimal(hours),
            "project": ProjectFactory(),
            "description": "Fixed a parser bug.",
        },
    )


class Team:
    """A published organization with an owner, an admin and a member, and a pledge."""

    def __init__(self, *, second_admin=True):
        self.organization = OrganizationFactory(name="Harborview Labs")
        self.owner = MembershipFactory(organization=self.organization, owner=True).user
        self.admin = (
            MembershipFactory(organization=self.organization, admin=True).user
            if second_admin
            else None
        )
        self.member = MembershipFactory(organization=self.organization).user
        self.pledge = make_pledge(self.organization, self.owner)


@pytest.fixture
def team():
    return Team()


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=user)
    return api


# --- Pledges only for published organizations -------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "rejected", "archived"])
def test_a_pledge_is_refused_for_an_organization_the_hub_has_not_published(status):
    organization = OrganizationFactory(status=status)
    owner = MembershipFactory(organization=organization, owner=True).user
    with pytest.raises(ValidationError) as refused:
        make_pledge(organization, owner)
    assert "organization" in refused.value.message_dict
    # Staff too: a pledge of an unpublished organization could never be shown.
    with pytest.raises(ValidationError):
        make_pledge(organization, StaffFactory())
    assert not Pledge.objects.exists()
    assert page_as(owner).get(f"/pledges/new/?organization={organization.slug}").status_code == 404


def test_admin_refuses_a_pledge_for_an_unpublished_organization_with_a_form_error():
    organization = OrganizationFactory(status=ListingStatus.PENDING)
    staff = StaffFactory(is_superuser=True)
    response = page_as(staff).post(
        "/admin/pledges/pledge/add/",
        {
            "organization": organization.pk,
            "kind": "hours",
            "hours_per_period": "40",
            "period": "month",
            "starts_on": str(TODAY),
            "public": "on",
        },
    )
    assert response.status_code == 200
    assert "publish it first" in response.content.decode()
    assert not Pledge.objects.exists()


# --- Dates and hours have bounds --------------------------------------------------------------


def test_a_pledge_starts_at_most_a_year_before_the_day_it_is_made(team):
    with pytest.raises(ValidationError) as refused:
        make_pledge(team.organization, team.owner, starts_on=date(1, 1, 1))
    assert "a year back" in refused.value.message_dict["starts_on"][0]
    with pytest.raises(ValidationError):
        make_pledge(team.organization, team.owner, starts_on=TODAY - timedelta(days=366))
    assert make_pledge(team.organization, team.owner, starts_on=TODAY - timedelta(days=365))
    # Moving an existing pledge's start is held to the day it was made, too.
    with pytest.raises(ValidationError):
        services.pledge_update(
            pledge=team.pledge, actor=team.owner, data={"starts_on": date(2000, 1, 1)}
        )
    team.pledge.refresh_from_db()
    assert team.pledge.starts_on == TODAY - timedelta(days=120)


def test_staff_may_date_a_pledge_anywhere_and_its_history_stays_bounded(team):
    staff = StaffFactory()
    old = make_pledge(team.organization, staff, starts_on=date(1, 1, 1))
    history = pledge_history(old)
    assert len(history) == HISTORY_LIMIT
    assert history[-1].span.end >= TODAY
    assert page_as(team.member).get(old.get_absolute_url()).status_code == 200
    assert api_as(team.member).get(f"/api/v1/pledges/{old.pk}/").status_code == 200


def test_the_page_and_the_api_refuse_a_start_in_the_year_one(team):
    response = page_as(team.owner).post(
        f"/pledges/new/?organization={team.organization.slug}",
        {"kind": "hours", "hours_per_period": "10", "period": "month", "starts_on": "0001-01-01"},
    )
    assert response.status_code == 200
    assert "a year back" in response.content.decode()
    response = api_as(team.owner).post(
        "/api/v1/pledges/",
        {
            "organization": team.organization.slug,
            "hours_per_period": "10",
            "starts_on": "0001-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "a year back" in response.json()["starts_on"][0]
    assert Pledge.objects.count() == 1


@pytest.mark.parametrize(
    ("days_back", "allowed"), [(0, True), (90, True), (91, False), (200, False)]
)
def test_hours_are_logged_for_a_day_within_the_log_window(team, days_back, allowed):
    day = TODAY - timedelta(days=days_back)
    Pledge.objects.filter(pk=team.pledge.pk).update(starts_on=TODAY - timedelta(days=365))
    team.pledge.refresh_from_db()
    if allowed:
        assert log(team.pledge, team.member, day=day).date == day
    else:
        with pytest.raises(ValidationError) as refused:
            log(team.pledge, team.member, day=day)
        assert "within 90 days" in refused.value.message_dict["date"][0]
        assert not Contribution.objects.exists()


def test_the_log_window_is_a_setting(team, settings):
    settings.HUB_LOG_WINDOW_DAYS = 7
    with pytest.raises(ValidationError):
        log(team.pledge, team.member, day=TODAY - timedelta(days=8))
    assert log(team.pledge, team.member, day=TODAY - timedelta(days=7))


def test_a_log_before_the_pledge_starts_is_refused(team):
    recent = make_pledge(team.organization, team.owner, starts_on=TODAY - timedelta(days=10))
    with pytest.raises(ValidationError) as refused:
        log(recent, team.member, day=recent.starts_on - timedelta(days=1))
    assert "The pledge starts on" in refused.value.message_dict["date"][0]


@pytest.mark.parametrize("hours", ["1.1", "0.3", "2.99"])
def test_quarter_hours_only_with_the_same_message_on_the_page_and_the_api(team, hours):
    with pytest.raises(ValidationError) as refused:
        log(team.pledge, team.member, hours=hours)
    assert refused.value.message_dict["hours"] == [QUARTER_HOURS_ONLY]

    page = page_as(team.member).post(
        team.pledge.get_absolute_url(),
        {"date": str(TODAY), "hours": hours, "project_url": "https://example.org/x",
         "description": "Docs."},
    )  # fmt: skip
    assert page.status_code == 200
    assert QUARTER_HOURS_ONLY in page.content.decode()

    api = api_as(team.member).post(
        "/api/v1/contributions/",
        {"pledge": team.pledge.pk, "date": str(TODAY), "hours": hours,
         "project_url": "https://example.org/x", "description": "Docs."},
        format="json",
    )  # fmt: skip
    assert api.status_code == 400
    assert api.json()["hours"] == [QUARTER_HOURS_ONLY]
    assert not Contribution.objects.exists()


# --- Nobody approves their own hours ----------------------------------------------------------


def test_nobody_approves_their_own_log_through_the_service(team):
    own = log(team.pledge, team.admin)
    with pytest.raises(PermissionDenied):
        services.contribution_approve(contribution=own, actor=team.admin)
    with pytest.raises(PermissionDenied):
        services.contribution_reject(contribution=own, actor=team.admin, reason="Oops")
    own.refresh_from_db()
    assert own.status == Contribution.Status.PENDING
    services.contribution_approve(contribution=own, actor=team.owner)
    own.refresh_from_db()
    assert (own.status, own.reviewed_by) == (Contribution.Status.APPROVED, team.owner)


def test_staff_do_not_approve_their_own_logs_either(team):
    staff = StaffFactory()
    MembershipFactory(organization=team.organization, user=staff)
    own = log(team.pledge, staff)
    with pytest.raises(PermissionDenied):
        services.contribution_approve(contribution=own, actor=staff)


def test_the_review_page_refuses_ones_own_log_with_a_message_and_offers_no_button(team):
    own = log(team.pledge, team.admin)
    other = log(team.pledge, team.member)
    client = page_as(team.admin)
    html = client.get(team.pledge.get_absolute_url()).content.decode()
    assert f"/review/{other.pk}/approve/" in html
    assert f"/review/{own.pk}/approve/" not in html
    assert "Your own: reviewed by another owner or admin of Harborview Labs" in html

    response = client.post(f"/pledges/{team.pledge.pk}/review/{own.pk}/approve/", follow=True)
    assert response.status_code == 200
    assert "Nobody reviews their own hours" in response.content.decode()
    own.refresh_from_db()
    assert own.status == Contribution.Status.PENDING


def test_no_bulk_approval_is_offered_when_only_ones_own_logs_wait(team):
    log(team.pledge, team.admin)
    html = page_as(team.admin).get(team.pledge.get_absolute_url()).content.decode()
    assert "Waiting for review" in html
    assert "Approve the ticked logs" not in html
    log(team.pledge, team.member)
    html = page_as(team.admin).get(team.pledge.get_absolute_url()).content.decode()
    assert "Approve the ticked logs" in html


def test_bulk_approval_skips_ones_own_logs(team):
    own = log(team.pledge, team.admin)
    other = log(team.pledge, team.member, hours="1")
    assert services.contributions_approve(contributions=[own, other], actor=team.admin) == 1
    response = page_as(team.admin).post(
        f"/pledges/{team.pledge.pk}/review/approve/", {"contribution": [own.pk]}, follow=True
    )
    assert "Your own logs (1) wait for someone else" in response.content.decode()
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == Contribution.Status.PENDING
    assert other.status == Contribution.Status.APPROVED


def test_the_api_answers_403_to_approving_ones_own_log(team):
    own = log(team.pledge, team.admin)
    response = api_as(team.admin).post(f"/api/v1/contributions/{own.pk}/approve/")
    assert response.status_code == 403
    assert "own hours" in response.json()["detail"]
    own.refresh_from_db()
    assert own.status == Contribution.Status.PENDING
    assert api_as(team.owner).post(f"/api/v1/contributions/{own.pk}/approve/").status_code == 200


def test_the_admin_action_skips_a_staff_members_own_log():
    team = Team()
    staff = StaffFactory(is_superuser=True)
    MembershipFactory(organization=team.organization, user=staff)
    own = log(team.pledge, staff)
    theirs = log(team.pledge, team.member)
    response = page_as(staff).post(
        "/admin/pledges/contribution/",
        {"action": "approve_selected", "_selected_action": [own.pk, theirs.pk]},
        follow=True,
    )
    assert "1 log approved" in response.content.decode()
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.status == Contribution.Status.PENDING
    assert theirs.status == Contribution.Status.APPROVED


def test_a_sole_admins_own_logs_go_to_hub_staff_and_the_page_says_so():
    team = Team(second_admin=False)
    own = log(team.pledge, team.owner, hours="3")
    members_log = log(team.pledge, team.member)
    html = page_as(team.owner).get(team.pledge.get_absolute_url()).content.decode()
    assert "approved by hub staff" in html
    member_html = page_as(team.member).get(team.pledge.get_absolute_url()).content.decode()
    assert "another owner or admin of Harborview Labs" in member_html

    staff = StaffFactory(is_superuser=True)
    queue = page_as(staff).get("/admin/pledges/contribution/?reviewer=staff").content.decode()
    assert f"/admin/pledges/contribution/{own.pk}/change/" in queue
    assert f"/admin/pledges/contribution/{members_log.pk}/change/" not in queue
    services.contribution_approve(contribution=own, actor=staff)
    own.refresh_from_db()
    assert own.reviewed_by == staff
    assert AuditEntry.objects.filter(
        action="contribution.approved", target_id=own.pk, actor=staff
    ).exists()


# --- The public boards ------------------------------------------------------------------------


def test_archiving_an_organization_takes_its_hours_off_the_cached_boards(
    team, django_capture_on_commit_callbacks
):
    log_ = log(team.pledge, team.member, hours="7.75")
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_approve(contribution=log_, actor=team.owner)
    boards = leaderboards()
    assert boards["totals"]["all_time_hours"] == Decimal("7.75")
    assert [row["name"] for row in boards["organizations"]["all_time"]] == ["Harborview Labs"]

    with django_capture_on_commit_callbacks(execute=True):
        directory_services.listing_archive(listing=team.organization, actor=StaffFactory())
    boards = leaderboards()
    assert boards["totals"]["all_time_hours"] == 0
    assert boards["totals"]["organizations"] == 0
    assert boards["organizations"]["all_time"] == []
    assert boards["projects_all_time"] == []
    # Its history is kept, for its own people.
    assert Contribution.objects.filter(status=Contribution.Status.APPROVED).count() == 1
    assert page_as(team.member).get(team.pledge.get_absolute_url()).status_code == 200
    assert Client().get(team.pledge.get_absolute_url()).status_code == 404
