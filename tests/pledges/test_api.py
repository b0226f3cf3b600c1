"""The pledges API: who may do what on every endpoint (anonymous, another user, a member of
the pledging organization, its admin, staff), bad input answered with 400/403 and per-field
messages (never a 500, nothing saved), private pledges kept to their admins, and a
constant number of queries per page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import ListingStatus
from hub.models import AuditEntry
from pledges import services
from pledges.models import Contribution, Pledge
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ROLES = ["anonymous", "other", "member", "admin", "staff"]


def api_as(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user=user)
    return api


def make_pledge(organization, admin, **data) -> Pledge:
    terms = {
        "kind": Pledge.Kind.HOURS,
        "hours_per_period": Decimal("40"),
        "starts_on": TODAY - timedelta(days=60),
        **data,
    }
    return services.pledge_create(organization=organization, actor=admin, data=terms)


def log(pledge, user, hours="2", **data) -> Contribution:
    values = {
        "date": TODAY,
        "hours": Decimal(hours),
        "project": ProjectFactory(),
        "description": "Reviewed pull requests.",
        **data,
    }
    return services.contribution_log(pledge=pledge, user=user, data=values)


class World:
    """One organization with an owner (admin) and a member, a public and a private pledge,
    a pending log by the member under each; another user; staff."""

    def __init__(self):
        self.organization = OrganizationFactory(name="Formstone Software")
        self.admin = MembershipFactory(organization=self.organization, owner=True).user
        self.member = MembershipFactory(organization=self.organization).user
        self.other = UserFactory()
        self.staff = StaffFactory()
        self.project = ProjectFactory(name="stoopkit")
        self.pledge = make_pledge(self.organization, self.admin)
        self.private = make_pledge(self.organization, self.admin, public=False)
        self.log = log(self.pledge, self.member, "2", project=self.project)
        self.private_log = log(self.private, self.member, "1")

    def user(self, role):
        return None if role == "anonymous" else getattr(self, role)

    def api(self, role) -> APIClient:
        return api_as(self.user(role))


@pytest.fixture
def world():
    return World()


def body(response) -> dict:
    assert response.status_code < 500, response.content
    return response.json() if response.content else {}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Pledges: reading -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_private"),
    [("anonymous", False), ("other", False), ("member", True), ("admin", True), ("staff", True)],
)
def test_the_list_shows_public_pledges_to_everyone_and_private_ones_to_its_people(
    world, role, sees_private
):
    expected = {world.pledge.pk, world.private.pk} if sees_private else {world.pledge.pk}
    assert set(ids(world.api(role).get("/api/v1/pledges/"))) == expected
    detail = world.api(role).get(f"/api/v1/pledges/{world.private.pk}/")
    assert detail.status_code == (200 if sees_private else 404)
    assert world.api(role).get(f"/api/v1/pledges/{world.pledge.pk}/").status_code == 200


def test_a_pledge_shows_its_terms_and_progress_counting_approved_hours_only(world):
    services.contribution_approve(contribution=world.log, actor=world.admin)
    log(world.pledge, world.member, "3")
    rejected = log(world.pledge, world.member, "4")
    services.contribution_reject(contribution=rejected, actor=world.admin, reason="Not OSS.")
    world.pledge.target_projects.set([world.project])

    row = api_as().get("/api/v1/pledges/").json()["results"][0]
    assert row["organization"] == {"slug": "formstone-software", "name": "Formstone Software"}
    assert row["kind"] == "hours"
    assert row["pledged_hours"] == "40.00"
    assert row["period"] == "month"
    assert row["status"] == "active"
    assert row["public"] is True
    assert row["target_projects"] == ["stoopkit"]
    assert row["this_period"]["approved"] == "2.00"
    assert row["this_period"]["pending"] == "3.00"
    assert row["this_period"]["pledged"] == "40.00"
    assert row["this_period"]["status"] in {"behind", "on track"}
    assert row["all_time_approved"] == "2.00"
    assert "history" not in row

    detail = api_as().get(f"/api/v1/pledges/{world.pledge.pk}/").json()
    assert [period["approved"] for period in detail["history"]][-1] == "2.00"
    assert len(detail["history"]) in (2, 3)  # 60 days back: two or three months


def test_a_percent_pledge_shows_the_hours_it_stands_for(world, settings):
    settings.HUB_WORKING_HOURS_PER_MONTH = 160
    pledge = make_pledge(
        world.organization,
        world.admin,
        kind=Pledge.Kind.PERCENT,
        percent=Decimal("5"),
        workforce_size=40,
        hours_per_period=None,
    )
    row = api_as().get(f"/api/v1/pledges/{pledge.pk}/").json()
    assert (row["kind"], row["percent"], row["workforce_size"]) == ("percent", "5.00", 40)
    assert row["pledged_hours"] == "320.00"
    assert row["this_period"]["pledged"] == "320.00"


def test_the_list_filters_by_organization(world):
    other_organization = OrganizationFactory()
    other_admin = MembershipFactory(organization=other_organization, owner=True).user
    theirs = make_pledge(other_organization, other_admin)
    response = api_as().get("/api/v1/pledges/", {"organization": other_organization.slug})
    assert ids(response) == [theirs.pk]
    assert ids(api_as().get("/api/v1/pledges/", {"organization": "nobody"})) == []
    assert api_as().get("/api/v1/pledges/", {"organization": "no spaces"}).status_code == 400


def test_a_pledge_is_made_only_for_a_published_organization():
    """A pending organization's owner gets a 400 naming the field, and no pledge exists."""
    pending = OrganizationFactory(pending=True)
    owner = MembershipFactory(organization=pending, owner=True).user
    response = api_as(owner).post(
        "/api/v1/pledges/",
        {"organization": pending.slug, "hours_per_period": "40", "starts_on": str(TODAY)},
        format="json",
    )
    assert response.status_code == 400
    assert "not published" in response.json()["organization"][0]
    assert not Pledge.objects.exists()


def test_archiving_an_organization_takes_its_pledges_off_the_api_and_keeps_them(world):
    archived = OrganizationFactory()
    owner = MembershipFactory(organization=archived, owner=True).user
    pledge = make_pledge(archived, owner)
    assert pledge.pk in ids(api_as().get("/api/v1/pledges/"))
    archived.status = ListingStatus.ARCHIVED
    archived.save(update_fields=["status"])
    assert pledge.pk not in ids(api_as().get("/api/v1/pledges/"))
    assert api_as().get(f"/api/v1/pledges/{pledge.pk}/").status_code == 404
    assert api_as(world.member).get(f"/api/v1/pledges/{pledge.pk}/").status_code == 404
    # Its own people still see its history.
    assert api_as(owner).get(f"/api/v1/pledges/{pledge.pk}/").status_code == 200


def test_listing_pledges_takes_a_constant_number_of_queries(world):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api_as(world.staff).get("/api/v1/pledges/")
        assert response.status_code == 200
        return len(queries)

    few = count_queries()
    for _ in range(6):
        organization = OrganizationFactory()
        admin = MembershipFactory(organization=organization, owner=True).user
        pledge = make_pledge(organization, admin)
        pledge.target_projects.set([ProjectFactory(), ProjectFactory()])
        member = MembershipFactory(organization=organization).user
        services.contribution_approve(contribution=log(pledge, member), actor=admin)
    assert count_queries() == few


# --- Pledges: writing -----------------------------------------------------------------------


def pledge_body(world, **changes) -> dict:
    return {
        "organization": world.organization.slug,
        "kind": "hours",
        "hours_per_period": "25",
        "period": "quarter",
        "starts_on": TODAY.isoformat(),
        "public": True,
        "target_projects": [world.project.slug],
        **changes,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("other", 403), ("member", 403), ("admin", 201), ("staff", 201)],
)
def test_only_the_organizations_admins_and_staff_make_pledges(world, role, expected):
    before = Pledge.objects.count()
    response = world.api(role).post("/api/v1/pledges/", pledge_body(world), format="json")
    assert response.status_code == expected, response.content
    assert Pledge.objects.count() == before + (1 if expected == 201 else 0)
    if expected == 201:
        created = body(response)
        assert created["pledged_hours"] == "25.00"
        assert created["period"] == "quarter"
        assert created["target_projects"] == ["stoopkit"]
        assert created["history"][-1]["pledged"] == "25.00"
        pledge = Pledge.objects.get(pk=created["id"])
        assert pledge.created_by == world.user(role)
        assert AuditEntry.objects.filter(action="pledge.create", target_id=pledge.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"organization": "nobody-has-this"}, "organization"),
        ({"hours_per_period": None}, "hours_per_period"),
        ({"hours_per_period": "0"}, "hours_per_period"),
        ({"hours_per_period": "abc"}, "hours_per_period"),
        ({"hours_per_period": 1e12}, "hours_per_period"),
        ({"kind": "percent", "percent": "5"}, "workforce_size"),
        ({"kind": "percent", "percent": "150", "workforce_size": 10}, "percent"),
        ({"kind": "percent", "percent": "5", "workforce_size": 0}, "workforce_size"),
        ({"kind": "shares"}, "kind"),
        ({"period": "week"}, "period"),
        ({"starts_on": "2025-02-30"}, "starts_on"),
        ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "ends_on"),
        ({"target_projects": ["no-such-project"]}, "target_projects"),
    ],
)
def test_bad_pledges_get_per_field_messages_and_nothing_is_saved(world, changes, field):
    before = Pledge.objects.count()
    response = world.api("admin").post(
        "/api/v1/pledges/", pledge_body(world, **changes), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in body(response)
    assert Pledge.objects.count() == before


def test_a_pledge_for_an_unpublished_organization_one_does_not_belong_to_is_unknown(world):
    pending = OrganizationFactory(pending=True)
    response = world.api("admin").post(
        "/api/v1/pledges/", pledge_body(world, organization=pending.slug), format="json"
    )
    assert response.status_code == 400
    assert body(response)["organization"] == ["No organization has this slug."]


@pytest.mark.parametrize(
    ("role", "public_status", "private_status"),
    [
        ("anonymous", 401, 401),
        ("other", 403, 404),
        ("member", 403, 403),
        ("admin", 200, 200),
        ("staff", 200, 200),
    ],
)
def test_only_the_organizations_admins_and_staff_change_pledges(
    world, role, public_status, private_status
):
    api = world.api(role)
    change = {"hours_per_period": "60", "public": True}
    assert api.patch(f"/api/v1/pledges/{world.pledge.pk}/", change, format="json").status_code == (
        public_status
    )
    assert api.patch(f"/api/v1/pledges/{world.private.pk}/", change, format="json").status_code == (
        private_status
    )
    world.pledge.refresh_from_db()
    world.private.refresh_from_db()
    changed = public_status == 200
    assert world.pledge.hours_per_period == Decimal("60" if changed else "40")
    assert world.private.public is changed


def test_changing_a_pledge_keeps_its_rules(world):
    api = world.api("admin")
    url = f"/api/v1/pledges/{world.pledge.pk}/"
    response = api.patch(url, {"kind": "percent", "percent": "10"}, format="json")
    assert response.status_code == 400
    assert "workforce_size" in body(response)
    too_early = (world.pledge.starts_on - timedelta(days=1)).isoformat()
    response = api.patch(url, {"ends_on": too_early}, format="json")
    assert response.status_code == 400
    assert "ends_on" in body(response)
    response = api.patch(url, {"organization": "elsewhere", "kind": "percent", "percent": "10",
                               "workforce_size": 30}, format="json")  # fmt: skip
    assert response.status_code == 200
    assert body(response)["organization"]["slug"] == world.organization.slug
    assert body(response)["pledged_hours"] == "480.00"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("other", 403), ("member", 403), ("admin", 200), ("staff", 200)],
)
def test_only_the_organizations_admins_and_staff_end_pledges(world, role, expected):
    response = world.api(role).post(f"/api/v1/pledges/{world.pledge.pk}/end/")
    assert response.status_code == expected
    world.pledge.refresh_from_db()
    assert (world.pledge.status == Pledge.Status.ENDED) is (expected == 200)
    if expected == 200:
        assert body(response)["ends_on"] == TODAY.isoformat()


# --- Contributions: reading ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_signed_in_lists_their_own_logs(world, role):
    response = world.api(role).get("/api/v1/contributions/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    mine = {"member": {world.log.pk, world.private_log.pk}}.get(role, set())
    assert set(ids(response)) == mine


@pytest.mark.parametrize(
    ("role", "sees_all"),
    [("other", False), ("member", False), ("admin", True), ("staff", True)],
)
def test_a_pledges_admins_list_all_its_logs_and_others_only_their_own(world, role, sees_all):
    colleague = MembershipFactory(organization=world.organization).user
    theirs = log(world.pledge, colleague, "1")
    response = world.api(role).get("/api/v1/contributions/", {"pledge": world.pledge.pk})
    own = {"member": {world.log.pk}}.get(role, set())
    assert set(ids(response)) == ({world.log.pk, theirs.pk} if sees_all else own)
    pending = world.api(role).get(
        "/api/v1/contributions/", {"pledge": world.pledge.pk, "status": "approved"}
    )
    assert ids(pending) == []


def test_a_log_shows_who_what_and_its_review(world):
    services.contribution_reject(contribution=world.log, actor=world.admin, reason="Link it.")
    row = world.api("member").get(f"/api/v1/contributions/{world.log.pk}/").json()
    assert row["pledge"] == world.pledge.pk
    assert row["organization"]["slug"] == world.organization.slug
    assert row["contributor"]["id"] == world.member.pk
    assert (row["hours"], row["date"]) == ("2.00", TODAY.isoformat())
    assert (row["project"], row["project_name"]) == ("stoopkit", "stoopkit")
    assert (row["status"], row["rejection_reason"]) == ("rejected", "Link it.")
    assert row["reviewed_by"]["id"] == world.admin.pk
    assert row["reviewed_at"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("other", 404), ("member", 200), ("admin", 200), ("staff", 200)],
)
def test_a_log_is_seen_by_its_author_and_the_pledges_admins(world, role, expected):
    for contribution in (world.log, world.private_log):
        response = world.api(role).get(f"/api/v1/contributions/{contribution.pk}/")
        assert response.status_code == expected


def test_a_members_colleague_does_not_see_their_logs(world):
    colleague = MembershipFactory(organization=world.organization).user
    assert api_as(colleague).get(f"/api/v1/contributions/{world.log.pk}/").status_code == 404
    response = api_as(colleague).get("/api/v1/contributions/", {"pledge": world.private.pk})
    assert ids(response) == []


def test_listing_a_pledges_logs_takes_a_constant_number_of_queries(world):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = world.api("admin").get("/api/v1/contributions/", {"pledge": world.pledge.pk})
        assert response.status_code == 200
        return len(queries)

    few = count_queries()
    for day in range(1, 7):
        person = MembershipFactory(organization=world.organization).user
        contribution = log(world.pledge, person, date=TODAY - timedelta(days=day))
        services.contribution_approve(contribution=contribution, actor=world.admin)
    assert count_queries() == few


# --- Contributions: logging -------------------------------------------------------------------


def log_body(world, **changes) -> dict:
    return {
        "pledge": world.pledge.pk,
        "date": TODAY.isoformat(),
        "hours": "1.25",
        "project": world.project.slug,
        "description": "Fixed the parser.",
        "link": "https://github.com/example/stoopkit/pull/12",
        **changes,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("other", 403), ("member", 201), ("admin", 201), ("staff", 403)],
)
def test_only_members_of_the_pledging_organization_log_hours(world, role, expected):
    before = Contribution.objects.count()
    response = world.api(role).post("/api/v1/contributions/", log_body(world), format="json")
    assert response.status_code == expected, response.content
    assert Contribution.objects.count() == before + (1 if expected == 201 else 0)
    if expected == 201:
        created = body(response)
        assert (created["status"], created["hours"]) == ("pending", "1.25")
        assert created["contributor"]["id"] == world.user(role).pk


def test_a_member_logs_under_their_organizations_private_pledge_and_a_url_project(world):
    response = world.api("member").post(
        "/api/v1/contributions/",
        log_body(
            world, pledge=world.private.pk, project=None, project_url="https://example.org/tool"
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert body(response)["project_name"] == "https://example.org/tool"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": 0}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": -1}, "hours"),
        ({"hours": 25}, "hours"),
        ({"hours": "24.25"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": 1e9}, "hours"),
        ({"hours": "1e9"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"hours": "Infinity"}, "hours"),
        ({"hours": "0.001"}, "hours"),
        ({"hours": None}, "hours"),
        ({"hours": True}, "hours"),
        ({"date": (TODAY + timedelta(days=1)).isoformat()}, "date"),
        ({"date": (TODAY - timedelta(days=61)).isoformat()}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"project": None, "project_url": "ftp://example.org/code"}, "project_url"),
        ({"project": None, "project_url": "javascript:alert(1)"}, "project_url"),
        ({"project": None, "project_url": ""}, "project"),
        ({"project": "no-such-project"}, "project"),
        ({"link": "ftp://example.org/patch"}, "link"),
        ({"description": ""}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"pledge": "abc"}, "pledge"),
        ({"pledge": 999_999}, "pledge"),
    ],
)
def test_bad_logs_get_per_field_messages_and_nothing_is_saved(world, changes, field):
    before = Contribution.objects.count()
    response = world.api("member").post(
        "/api/v1/contributions/", log_body(world, **changes), format="json"
    )
    assert response.status_code == 400, response.content
    errors = body(response)
    assert field in errors, errors
    assert all(isinstance(message, str) for message in errors[field])
    assert Contribution.objects.count() == before


def test_hours_past_24_in_a_day_are_refused_with_what_is_left(world):
    log(world.pledge, world.member, "20")  # 2 + 1 + 20 hours logged today
    response = world.api("member").post(
        "/api/v1/contributions/", log_body(world, hours="1.25"), format="json"
    )
    assert response.status_code == 400
    assert "at most 1 more" in body(response)["hours"][0]
    response = world.api("member").post(
        "/api/v1/contributions/", log_body(world, hours="1"), format="json"
    )
    assert response.status_code == 201


def test_hours_under_someone_elses_organization_are_refused(world):
    elsewhere = OrganizationFactory()
    owner = MembershipFactory(organization=elsewhere, owner=True).user
    their_public = make_pledge(elsewhere, owner)
    their_private = make_pledge(elsewhere, owner, public=False)
    api = world.api("member")
    response = api.post(
        "/api/v1/contributions/", log_body(world, pledge=their_public.pk), format="json"
    )
    assert response.status_code == 403
    assert "members of the pledging organization" in body(response)["detail"]
    # A private pledge of another organization is not even known.
    response = api.post(
        "/api/v1/contributions/", log_body(world, pledge=their_private.pk), format="json"
    )
    assert response.status_code == 400
    assert body(response)["pledge"] == ["No pledge has this id."]
    assert not Contribution.objects.filter(pledge__organization=elsewhere).exists()


def test_an_ended_pledge_takes_no_more_hours(world):
    services.pledge_end(pledge=world.pledge, actor=world.admin)
    response = world.api("member").post("/api/v1/contributions/", log_body(world), format="json")
    assert response.status_code == 400
    assert "non_field_errors" in body(response)


# --- Contributions: editing, withdrawing ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "public_status", "private_status"),
    [
        ("anonymous", 401, 401),
        ("other", 403, 404),
        ("member", 200, 200),
        ("admin", 403, 403),
        ("staff", 403, 403),
    ],
)
def test_only_the_author_changes_a_pending_log(world, role, public_status, private_status):
    api = world.api(role)
    for contribution, expected in ((world.log, public_status), (world.private_log, private_status)):
        before = contribution.hours
        response = api.patch(
            f"/api/v1/contributions/{contribution.pk}/", {"hours": "3.5"}, format="json"
        )
        assert response.status_code == expected, response.content
        contribution.refresh_from_db()
        assert contribution.hours == (Decimal("3.5") if expected == 200 else before)
    if public_status == 200:
        assert body(response)["hours"] == "3.50"


def test_a_log_changes_under_the_same_rules_and_not_after_review(world):
    api = world.api("member")
    url = f"/api/v1/contributions/{world.log.pk}/"
    for change, field in (
        ({"hours": "25"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"date": (TODAY + timedelta(days=1)).isoformat()}, "date"),
        ({"project": None, "project_url": "ftp://example.org"}, "project_url"),
    ):
        response = api.patch(url, change, format="json")
        assert response.status_code == 400
        assert field in body(response)
    response = api.patch(url, {"project": None, "project_url": "https://example.org/x"},
                         format="json")  # fmt: skip
    assert response.status_code == 200
    assert body(response)["project"] is None
    # The pledge is not the log's to change.
    response = api.patch(url, {"pledge": world.private.pk}, format="json")
    assert body(response)["pledge"] == world.pledge.pk

    services.contribution_approve(contribution=world.log, actor=world.admin)
    response = api.patch(url, {"hours": "1"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in body(response)
    world.log.refresh_from_db()
    assert world.log.hours == Decimal("2")


@pytest.mark.parametrize(
    ("role", "public_status", "private_status"),
    [
        ("anonymous", 401, 401),
        ("other", 403, 404),
        ("member", 204, 204),
        ("admin", 403, 403),
        ("staff", 403, 403),
    ],
)
def test_only_the_author_withdraws_a_pending_log(world, role, public_status, private_status):
    api = world.api(role)
    for contribution, expected in ((world.log, public_status), (world.private_log, private_status)):
        response = api.delete(f"/api/v1/contributions/{contribution.pk}/")
        assert response.status_code == expected
        contribution.refresh_from_db()
        withdrawn = contribution.status == Contribution.Status.WITHDRAWN
        assert withdrawn is (expected == 204)


def test_a_reviewed_log_cannot_be_withdrawn(world):
    services.contribution_approve(contribution=world.log, actor=world.admin)
    response = world.api("member").delete(f"/api/v1/contributions/{world.log.pk}/")
    assert response.status_code == 400
    world.log.refresh_from_db()
    assert world.log.status == Contribution.Status.APPROVED


# --- Contributions: review ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "public_status", "private_status"),
    [
        ("anonymous", 401, 401),
        ("other", 403, 404),
        ("member", 403, 403),
        ("admin", 200, 200),
        ("staff", 200, 200),
    ],
)
def test_only_the_organizations_admins_and_staff_approve(
    world, role, public_status, private_status
):
    api = world.api(role)
    for contribution, expected in ((world.log, public_status), (world.private_log, private_status)):
        response = api.post(f"/api/v1/contributions/{contribution.pk}/approve/")
        assert response.status_code == expected
        contribution.refresh_from_db()
        assert (contribution.status == "approved") is (expected == 200)
        if expected == 200:
            assert body(response)["status"] == "approved"
            assert contribution.reviewed_by == world.user(role)
            assert contribution.reviewed_at is not None


def test_a_colleague_who_is_not_an_admin_cannot_approve(world):
    colleague = MembershipFactory(organization=world.organization).user
    response = api_as(colleague).post(f"/api/v1/contributions/{world.log.pk}/approve/")
    assert response.status_code == 403
    assert "owners and admins" in body(response)["detail"]
    world.log.refresh_from_db()
    assert world.log.status == Contribution.Status.PENDING


@pytest.mark.parametrize(
    ("role", "public_status", "private_status"),
    [
        ("anonymous", 401, 401),
        ("other", 403, 404),
        ("member", 403, 403),
        ("admin", 200, 200),
        ("staff", 200, 200),
    ],
)
def test_only_the_organizations_admins_and_staff_reject_with_a_reason(
    world, role, public_status, private_status
):
    api = world.api(role)
    for contribution, expected in ((world.log, public_status), (world.private_log, private_status)):
        url = f"/api/v1/contributions/{contribution.pk}/reject/"
        response = api.post(url, {"reason": "Please link the pull request."}, format="json")
        assert response.status_code == expected
        contribution.refresh_from_db()
        assert (contribution.status == "rejected") is (expected == 200)
        if expected == 200:
            assert body(response)["rejection_reason"] == "Please link the pull request."
            entry = AuditEntry.objects.get(
                action="contribution.rejected", target_id=contribution.pk
            )
            assert entry.actor == world.user(role)


def test_a_rejection_without_a_reason_is_refused(world):
    api = world.api("admin")
    url = f"/api/v1/contributions/{world.log.pk}/reject/"
    for data in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 2001}):
        response = api.post(url, data, format="json")
        assert response.status_code == 400
        assert "reason" in body(response)
    world.log.refresh_from_db()
    assert world.log.status == Contribution.Status.PENDING


def test_a_withdrawn_log_cannot_be_approved(world):
    services.contribution_withdraw(contribution=world.log, user=world.member)
    response = world.api("admin").post(f"/api/v1/contributions/{world.log.pk}/approve/")
    assert response.status_code == 400
    world.log.refresh_from_db()
    assert world.log.status == Contribution.Status.WITHDRAWN


def test_unknown_ids_are_404_never_500(world):
    api = world.api("admin")
    assert api.get("/api/v1/pledges/999999/").status_code == 404
    assert api.get("/api/v1/pledges/abc/").status_code == 404
    assert api.post("/api/v1/contributions/999999/approve/").status_code == 404
    assert api.get("/api/v1/contributions/", {"pledge": "abc"}).status_code == 400
    assert api.get("/api/v1/contributions/", {"status": "lost"}).status_code == 400


# --- The schema ---------------------------------------------------------------------------------


def test_the_schema_documents_the_pledges_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/pledges/"]) >= {"get", "post"}
    assert set(paths["/api/v1/pledges/{id}/"]) >= {"get", "patch"}
    assert set(paths["/api/v1/contributions/"]) >= {"get", "post"}
    assert set(paths["/api/v1/contributions/{id}/"]) >= {"get", "patch", "delete"}
    assert "post" in paths["/api/v1/contributions/{id}/approve/"]
    assert "post" in paths["/api/v1/contributions/{id}/reject/"]
    components = schema["components"]["schemas"]
    assert components["PledgeKindEnum"]["enum"] == ["hours", "percent"]
    assert components["ContributionStatusEnum"]["enum"] == [
        "pending",
        "approved",
        "rejected",
        "withdrawn",
    ]
