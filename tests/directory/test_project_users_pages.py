"""Who uses what on the pages: the organization's declarations (its owners and admins declare,
change and withdraw; staff withdraw), the project page's users by kind, the directory's
"used by public bodies" facet, visibility, constant query counts and the page cache."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from directory.models import ListingStatus, Organization, ProjectUse
from directory.uses import services
from hub.models import AuditEntry
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.directory.uses_world import DECLARES, PEOPLE, WITHDRAWS, ProjectUseFactory, World

pytestmark = pytest.mark.django_db

LOGIN = 302  # a page asks an anonymous visitor to sign in
USES = "/directory/organizations/charm-city/uses/"
WITHDRAW = "/directory/organizations/charm-city/uses/withdraw/"
ORGANIZATION = "/directory/organizations/charm-city/"
PROJECT = "/directory/projects/stoopkit/"
FORM_MARK = 'action="/directory/organizations/charm-city/uses/"'
WITHDRAW_MARK = f'action="{WITHDRAW}"'


@pytest.fixture
def world():
    return World()


def declared(world, **values) -> dict:
    return {"project": "stoopkit", "status": "production", "note": "runs our 311 service", **values}


# --- Who gets what ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_the_organization_page_offers_the_form_to_its_owners_and_admins_only(world, who):
    ProjectUseFactory(organization=world.organization, project=world.project)
    page = world.client(who).get(ORGANIZATION).content.decode()
    assert "stoopkit" in page
    assert (FORM_MARK in page) == (who in DECLARES)
    assert (WITHDRAW_MARK in page) == (who in WITHDRAWS)


@pytest.mark.parametrize("who", PEOPLE)
def test_the_declarations_page_is_for_those_who_may_declare_or_withdraw(world, who):
    response = world.client(who).get(USES)
    expected = LOGIN if who == "anonymous" else 200 if who in WITHDRAWS else 403
    assert response.status_code == expected
    if expected == 200:
        assert (FORM_MARK in response.content.decode()) == (who in DECLARES)


@pytest.mark.parametrize("who", PEOPLE)
def test_only_owners_and_admins_declare_through_the_page(world, who):
    response = world.client(who).post(USES, declared(world))
    if who in DECLARES:
        assert response.status_code == 302
        assert response["Location"] == f"{ORGANIZATION}#uses-title"
        use = ProjectUse.objects.get()
        assert (use.organization, use.status, use.note) == (
            world.organization,
            "production",
            "runs our 311 service",
        )
    else:
        assert response.status_code == (LOGIN if who == "anonymous" else 403)
        assert not ProjectUse.objects.exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_only_owners_admins_and_staff_withdraw_through_the_page(world, who):
    ProjectUseFactory(organization=world.organization, project=world.project)
    response = world.client(who).post(WITHDRAW, {"project": "stoopkit"})
    if who in WITHDRAWS:
        assert response.status_code == 302
        assert not ProjectUse.objects.exists()
    else:
        assert response.status_code == (LOGIN if who == "anonymous" else 403)
        assert ProjectUse.objects.count() == 1


def test_withdrawing_what_was_never_declared_is_a_404(world):
    client = world.client("owner")
    assert client.post(WITHDRAW, {"project": "stoopkit"}).status_code == 404
    assert client.post(WITHDRAW, {}).status_code == 404
    assert client.get(WITHDRAW).status_code == 405


# --- The form ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"project": "alley-light"}, "project", "Select a valid choice"),
        ({"project": ""}, "project", "This field is required"),
        ({"status": "forever"}, "status", "Select a valid choice"),
        ({"note": "x" * 201}, "note", "at most 200 characters"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(world, values, field, says):
    response = world.client("owner").post(USES, declared(world, **values))
    assert response.status_code == 400
    assert says in str(response.context["form"].errors[field])
    assert "Please correct" in response.content.decode()
    assert not ProjectUse.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="organization.use").exists()


def test_change_opens_the_form_filled_with_the_declaration(world):
    ProjectUseFactory(
        organization=world.organization, project=world.project, status="evaluating", note="pilot"
    )
    form = world.client("admin").get(USES, {"project": "stoopkit"}).context["form"]
    assert form.initial == {"project": "stoopkit", "status": "evaluating", "note": "pilot"}
    world.client("admin").post(USES, declared(world, status="stopped", note="too slow"))
    use = ProjectUse.objects.get()
    assert (use.status, use.note) == ("stopped", "too slow")


def test_an_unpublished_organization_page_tells_its_owner_to_wait(world):
    world.organization.status = ListingStatus.PENDING
    world.organization.save()
    page = world.client("owner").get(USES).content.decode()
    assert FORM_MARK not in page
    assert "once staff have published its listing" in page
    assert world.client("owner").post(USES, declared(world)).status_code == 403


# --- What the pages show ----------------------------------------------------------------------


def user_of(project, name: str, kind: str, status: str = "production", **extra):
    organization = OrganizationFactory(name=name, kind=kind, **extra)
    return ProjectUseFactory(project=project, organization=organization, status=status)


def test_the_project_page_groups_its_users_by_kind_and_lists_stopped_ones_apart(world):
    ProjectUseFactory(project=world.project, organization=world.organization, note="runs our 311")
    user_of(world.project, "Patapsco County Open Data", "government", "evaluating")
    user_of(world.project, "Formstone Software", "company")
    user_of(world.project, "Old Line State Procurement", "government", "stopped")
    user_of(world.project, "Hidden County", "government", status="production", pending=True)

    page = Client().get(PROJECT).content.decode()

    assert "Used by 2 public bodies and 1 company: 2 in production, 1 evaluating it." in page
    public_bodies = page.index("Public bodies")
    assert public_bodies < page.index("Charm City Digital Service") < page.index("Companies")
    assert page.index("Patapsco County Open Data") < page.index("Companies")
    assert "runs our 311" in page
    assert page.index("Stopped using it") < page.index("Old Line State Procurement")
    assert "Hidden County" not in page


def test_the_organization_page_shows_the_published_projects_it_uses(world):
    ProjectUseFactory(organization=world.organization, project=world.project, note="our 311")
    ProjectUseFactory(organization=world.organization, project=world.pending_project)
    page = Client().get(ORGANIZATION).content.decode()
    assert "Projects Charm City Digital Service uses" in page
    assert "our 311" in page
    assert "alley-light" not in page
    # Its owner sees the hidden one on the declarations page, marked as shown nowhere.
    manage = world.client("owner").get(USES).content.decode()
    assert "alley-light is not published: this declaration shows nowhere" in manage


def test_an_unpublished_organization_is_never_named_as_a_user(world):
    ProjectUseFactory(organization=world.organization, project=world.project)
    Organization.objects.filter(pk=world.organization.pk).update(status=ListingStatus.ARCHIVED)
    page = Client().get(PROJECT).content.decode()
    assert "Charm City" not in page
    assert "No organization in the directory has said it uses stoopkit yet." in page


def test_the_project_page_reads_its_users_in_a_constant_number_of_queries(world):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(PROJECT).status_code == 200
        return len(captured)

    user_of(world.project, "First County", "government")
    one = page_queries()
    for n in range(12):
        user_of(world.project, f"Agency {n}", ["government", "company", "nonprofit"][n % 3],
                ["production", "evaluating", "stopped"][n % 3])  # fmt: skip
    assert page_queries() == one


def test_the_organization_page_reads_its_uses_in_a_constant_number_of_queries(world):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert world.client("owner").get(ORGANIZATION).status_code == 200
        return len(captured)

    ProjectUseFactory(organization=world.organization, project=world.project)
    one = page_queries()
    for _ in range(8):
        ProjectUseFactory(organization=world.organization)
    assert page_queries() == one


# --- The directory's facet --------------------------------------------------------------------


@pytest.fixture
def used_projects(world):
    """stoopkit runs at a public body; "baymap" is evaluated by one; "crabpot" runs at a
    company only; "lotline" was stopped by a public body; "harborhop" is used by an
    unpublished public body."""
    ProjectUseFactory(organization=world.organization, project=world.project)
    baymap, crabpot, lotline, harborhop = (
        ProjectFactory(name=name, slug=name)
        for name in ("baymap", "crabpot", "lotline", "harborhop")
    )
    user_of(baymap, "Patapsco County", "government", "evaluating")
    user_of(crabpot, "Locust Point Logistics", "company")
    user_of(lotline, "Old Line State", "government", "stopped")
    user_of(harborhop, "Pending Port Authority", "government", pending=True)
    ProjectFactory(name="tidewatch", slug="tidewatch")


def listed(response) -> list[str]:
    return sorted(listing.slug for listing in response.context["page"].object_list)


def test_used_by_public_bodies_lists_projects_a_public_body_runs_or_evaluates(used_projects):
    everything = Client().get("/directory/", {"tab": "projects"})
    assert everything.context["facets"]["used_by"] == [("public", "Public bodies", 2)]
    assert 'href="?tab=projects&amp;used_by=public"' in everything.content.decode()

    response = Client().get("/directory/", {"used_by": "public"})

    assert listed(response) == ["baymap", "stoopkit"]
    assert response.context["organization_count"] == 0
    assert response.context["active_filters"] == [("Used by public bodies", "?")]
    page = response.content.decode()
    assert '<input type="hidden" name="used_by" value="public">' in page
    assert 'aria-current="true" class="is-selected">Public bodies' in page


def test_the_facet_combines_with_the_others_and_ignores_other_values(used_projects):
    searched = Client().get("/directory/", {"used_by": "public", "q": "baymap"})
    assert listed(searched) == ["baymap"]
    unknown = Client().get("/directory/", {"used_by": "everyone", "tab": "projects"})
    assert len(listed(unknown)) == 6


def test_the_facet_is_not_offered_when_no_public_body_uses_anything(world):
    response = Client().get("/directory/")
    assert response.context["facets"]["used_by"] == []
    assert "used_by=public" not in response.content.decode()


# --- The page cache ---------------------------------------------------------------------------


def test_a_declaration_makes_the_cached_pages_and_the_facet_stale(
    world, settings, django_capture_on_commit_callbacks
):
    settings.HUB_PAGE_CACHE_SECONDS = 60
    anonymous = Client()
    before = [anonymous.get(url).content.decode() for url in (PROJECT, ORGANIZATION)]
    assert "Charm City" not in before[0]
    assert Client().get("/directory/", {"used_by": "public"}).context["page"].object_list == []

    with django_capture_on_commit_callbacks(execute=True):
        services.use_declare(
            organization=world.organization,
            project=world.project,
            status="production",
            note="runs our 311 service",
            actor=world.owner,
        )

    project_page, organization_page = (
        anonymous.get(url).content.decode() for url in (PROJECT, ORGANIZATION)
    )
    assert "Used by 1 public body" in project_page
    assert "runs our 311 service" in organization_page
    assert listed(Client().get("/directory/", {"used_by": "public"})) == ["stoopkit"]


def test_a_cached_page_is_served_without_queries_until_a_declaration(world, settings):
    settings.HUB_PAGE_CACHE_SECONDS = 60
    anonymous = Client()
    anonymous.get(PROJECT)
    with CaptureQueriesContext(connection) as captured:
        anonymous.get(PROJECT)
    assert len(captured) == 0


def test_a_member_who_owns_another_organization_sees_no_form_here(world):
    MembershipFactory(organization=OrganizationFactory(), user=world.member, owner=True)
    page = world.client("member").get(ORGANIZATION).content.decode()
    assert FORM_MARK not in page
