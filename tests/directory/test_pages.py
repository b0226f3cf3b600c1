import pytest
from django.urls import reverse

from directory.models import ListingRevision, ListingStatus, Membership, Organization, Project
from directory.services import listing_change_slug, membership_claim, membership_decide
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


# --- The directory page ------------------------------------------------------------------


def test_directory_shows_only_published_listings(client):
    OrganizationFactory(name="Published Org")
    OrganizationFactory(name="Pending Org", pending=True)
    OrganizationFactory(name="Rejected Org", status=ListingStatus.REJECTED)
    OrganizationFactory(name="Archived Org", status=ListingStatus.ARCHIVED)
    ProjectFactory(name="Published Project")
    ProjectFactory(name="Pending Project", pending=True)
    for url in ["/directory/", "/directory/?tab=organizations", "/directory/?tab=projects"]:
        html = html_of(client.get(url))
        assert "Pending" not in html and "Rejected Org" not in html and "Archived Org" not in html
    html = html_of(client.get("/directory/"))
    assert "Published Org" in html and "Published Project" in html
    assert "2 listings" in html


def test_search_ranks_a_name_match_above_a_description_match(client):
    OrganizationFactory(name="Harbor Mapping Co", description="We make maps of the bay.")
    OrganizationFactory(name="Bay Analytics", description="Open source harbor data.")
    html = html_of(client.get("/directory/?q=harbor"))
    assert html.index("Harbor Mapping Co") < html.index("Bay Analytics")
    assert "2 listings matching “harbor”" in html
    assert "<title>“harbor” in the directory" in html


def test_facets_combine_and_show_their_counts(client):
    python = TagFactory(name="Python")
    gis = TagFactory(name="GIS")
    OrganizationFactory(name="Snake Works", kind="company", tags=[python])
    OrganizationFactory(name="Map Lab", kind="lab", tags=[python, gis])
    OrganizationFactory(name="Other Co", kind="company", tags=[gis])
    ProjectFactory(name="Py Project", tags=[python])

    html = html_of(client.get("/directory/?kind=company&tag=python"))
    assert "Snake Works" in html
    assert "Map Lab" not in html and "Other Co" not in html and "Py Project" not in html
    assert "1 listing" in html
    # The kind facet still offers the other kinds, counted within the tag filter.
    assert 'href="?kind=lab&amp;tag=python"' in html or 'href="?tag=python&amp;kind=lab"' in html


def test_organization_only_facets_leave_projects_out(client):
    ProjectFactory(name="Some Project")
    OrganizationFactory(name="Some Lab", kind="lab")
    html = html_of(client.get("/directory/?kind=lab"))
    assert "Some Lab" in html and "Some Project" not in html


def test_projects_seeking_contributors_filter(client):
    ProjectFactory(name="Needs Help", seeking_contributors=True)
    ProjectFactory(name="All Good")
    html = html_of(client.get("/directory/?seeking=1"))
    assert "Needs Help" in html and "All Good" not in html


def test_license_facet_filters_projects(client):
    ProjectFactory(name="Permissive", license="MIT")
    ProjectFactory(name="Copyleft", license="GPL-3.0-only")
    html = html_of(client.get("/directory/?license=GPL-3.0-only"))
    assert "Copyleft" in html and "Permissive" not in html


@pytest.mark.parametrize(
    "params",
    [
        "page=abc",
        "page=9999",
        "page=-1",
        "q=" + "x" * 10000,
        "q=%27%3B+DROP+TABLE+directory_organization%3B--",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "kind=spaceship&tag=..%2F..%2Fetc&license=NOT-A-LICENSE&sort=sideways&tab=nope",
        "seeking=yes&innersource=maybe",
    ],
)
def test_bad_directory_input_gives_a_normal_page(client, params):
    OrganizationFactory(name="Still Here")
    response = client.get(f"/directory/?{params}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html_of(response)


def test_directory_pagination_has_stable_links(client):
    for n in range(25):
        OrganizationFactory(name=f"Org {n:02d}")
    first = html_of(client.get("/directory/?sort=name"))
    assert "Page 1 of 2" in first
    assert 'href="?sort=name&amp;page=2"' in first
    second = html_of(client.get("/directory/?sort=name&page=2"))
    assert "Org 24" in second and "Org 00" not in second


@pytest.mark.parametrize("tab", ["all", "organizations", "projects"])
def test_directory_query_count_does_not_grow_with_results(
    client, django_assert_max_num_queries, tab
):
    tags = [TagFactory(name=f"T{n}") for n in range(3)]
    OrganizationFactory(tags=tags)
    ProjectFactory(tags=tags)
    with django_assert_max_num_queries(20) as few:
        client.get(f"/directory/?tab={tab}")
    for n in range(15):
        OrganizationFactory(name=f"More {n}", tags=tags)
        ProjectFactory(name=f"More project {n}", tags=tags)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/directory/?tab={tab}")


# --- Listing pages -------------------------------------------------------------------------


def test_organization_page_shows_its_facts_and_published_projects(client):
    tag = TagFactory(name="Civic tech")
    organization = OrganizationFactory(
        name="Charm City Data", neighbourhood="Hampden", innersource=True, verified=True, tags=[tag]
    )
    ProjectFactory(name="Open Budget", organizations=[organization])
    ProjectFactory(name="Secret Draft", organizations=[organization], pending=True)
    html = html_of(client.get(organization.get_absolute_url()))
    assert "<h1>Charm City Data</h1>" in html
    assert "Hampden, Baltimore" in html and "Verified" in html and "InnerSource program" in html
    assert "Open Budget" in html and "Secret Draft" not in html
    assert "Civic tech" in html


def test_markdown_in_descriptions_is_sanitised(client):
    organization = OrganizationFactory(
        description="**Bold** <script>alert('x')</script> [click](javascript:alert(1))"
    )
    html = html_of(client.get(organization.get_absolute_url()))
    assert "<strong>Bold</strong>" in html
    assert "alert(" not in html and "javascript:" not in html


def test_unpublished_listings_are_404_for_the_public(client, user):
    pending = OrganizationFactory(pending=True)
    rejected = ProjectFactory(status=ListingStatus.REJECTED)
    assert client.get(pending.get_absolute_url()).status_code == 404
    assert client.get(rejected.get_absolute_url()).status_code == 404
    client.force_login(user)
    assert client.get(pending.get_absolute_url()).status_code == 404
    assert client.get("/directory/organizations/no-such-slug/").status_code == 404


def test_the_submitter_previews_a_pending_listing(client):
    owner = MembershipFactory(owner=True, organization=OrganizationFactory(pending=True))
    client.force_login(owner.user)
    response = client.get(owner.organization.get_absolute_url())
    assert response.status_code == 200
    assert "pending review" in html_of(response)


def test_a_renamed_listing_keeps_its_old_url_as_a_redirect(client, staff_user):
    organization = OrganizationFactory(slug="old-name")
    listing_change_slug(listing=organization, actor=staff_user, new_slug="new-name")
    response = client.get("/directory/organizations/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/directory/organizations/new-name/"


def test_project_page_puts_the_pitch_first_with_a_way_to_contact(client):
    project = ProjectFactory(
        seeking_contributors=True,
        pitch="We need *testers*.",
        help_wanted=["testing", "docs"],
        contact_url="https://chat.example.org/row-house",
        license="Apache-2.0",
    )
    html = html_of(client.get(project.get_absolute_url()))
    assert "This project is looking for help" in html
    assert "<em>testers</em>" in html
    assert "Testing" in html and "Documentation" in html
    assert 'href="https://chat.example.org/row-house"' in html
    assert "Apache License 2.0" in html


# --- Submitting, claiming, editing ----------------------------------------------------------


def organization_form(**overrides):
    return {"name": "Patapsco Robotics", "kind": "company", "city": "Baltimore", **overrides}


def test_submitting_needs_an_account(client):
    response = client.get("/directory/submit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_submits_an_organization_that_waits_for_review(client, user):
    client.force_login(user)
    tag = TagFactory(name="Robotics")
    response = client.post("/directory/submit/", organization_form(tags=[tag.pk]))
    organization = Organization.objects.get(name="Patapsco Robotics")
    assert response.status_code == 302
    assert organization.status == ListingStatus.PENDING
    assert list(organization.tags.all()) == [tag]
    assert Membership.objects.get(organization=organization).user == user
    assert "waiting for review" in html_of(client.get(response["Location"]))
    assert "Patapsco Robotics" not in html_of(client.get("/directory/"))
    me = html_of(client.get("/me/"))
    assert "Patapsco Robotics" in me and "Pending review" in me


@pytest.mark.parametrize(
    "overrides, field_error",
    [
        ({"license": "NOT-A-LICENSE"}, "is not an SPDX license identifier"),
        ({"repository_url": "ftp://git.example.org/x"}, "Enter a valid URL."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_project_submissions_get_form_errors_and_save_nothing(
    client, user, overrides, field_error
):
    client.force_login(user)
    data = {"name": "Row House Toolkit", "license": "MIT", **overrides}
    response = client.post("/directory/submit/?type=project", data)
    assert response.status_code == 200
    assert field_error in html_of(response)
    assert not Project.objects.exists()


def test_spdx_ids_are_accepted_case_insensitively(client, user):
    client.force_login(user)
    client.post("/directory/submit/?type=project", {"name": "Lower Case", "license": "apache-2.0"})
    assert Project.objects.get(name="Lower Case").license == "Apache-2.0"


def test_a_duplicate_organization_name_is_refused(client, user):
    OrganizationFactory(name="Patapsco Robotics")
    client.force_login(user)
    response = client.post("/directory/submit/", organization_form(name="patapsco robotics"))
    assert "already listed" in html_of(response)
    assert Organization.objects.count() == 1


def test_a_member_claims_a_listing_and_waits_for_staff(client, user):
    organization = OrganizationFactory()
    client.force_login(user)
    client.post(
        reverse("directory:organization-claim", args=[organization.slug]),
        {"message": "I run its open source office."},
    )
    membership = Membership.objects.get(user=user, organization=organization)
    assert membership.status == Membership.Status.PENDING
    assert "waiting for approval" in html_of(client.get(organization.get_absolute_url()))


def test_an_edit_of_an_unverified_organization_waits_for_staff(client):
    owner = MembershipFactory(owner=True, organization=OrganizationFactory(description="Old text"))
    organization = owner.organization
    client.force_login(owner.user)
    response = client.post(
        reverse("directory:organization-edit", args=[organization.slug]),
        organization_form(name=organization.name, description="New text"),
    )
    assert response.status_code == 302
    assert ListingRevision.objects.get(organization=organization).status == "pending"
    public = html_of(client.get(organization.get_absolute_url()))
    assert "Old text" in public and "New text" not in public


def test_an_edit_of_a_verified_organization_goes_live_at_once(client):
    owner = MembershipFactory(
        owner=True, organization=OrganizationFactory(description="Old text", verified=True)
    )
    organization = owner.organization
    client.force_login(owner.user)
    client.post(
        reverse("directory:organization-edit", args=[organization.slug]),
        organization_form(name=organization.name, description="New text"),
    )
    assert "New text" in html_of(client.get(organization.get_absolute_url()))


@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", 302), ("other", 403), ("member", 403), ("admin", 200), ("staff", 200)],
)
def test_edit_and_members_pages_are_for_owners_admins_and_staff(client, who, expected):
    organization = OrganizationFactory()
    people = {
        "other": UserFactory(),
        "member": MembershipFactory(organization=organization).user,
        "admin": MembershipFactory(admin=True, organization=organization).user,
        "staff": UserFactory(is_staff=True),
    }
    if who != "anonymous":
        client.force_login(people[who])
    for name in ["directory:organization-edit", "directory:organization-members"]:
        assert client.get(reverse(name, args=[organization.slug])).status_code == expected


def test_an_admin_adds_a_member_and_changes_roles_but_keeps_an_owner(client):
    owner = MembershipFactory(owner=True)
    organization = owner.organization
    newcomer = UserFactory(email="newcomer@example.org")
    client.force_login(owner.user)
    members_url = reverse("directory:organization-members", args=[organization.slug])
    client.post(members_url, {"email": "NEWCOMER@example.org", "role": "member"})
    added = Membership.objects.get(user=newcomer, organization=organization)
    assert added.status == Membership.Status.ACTIVE

    change_url = reverse("directory:organization-member-change", args=[organization.slug, owner.pk])
    response = client.post(change_url, {"action": "role", "role": "member"}, follow=True)
    assert "keeps at least one owner" in html_of(response)
    owner.refresh_from_db()
    assert owner.role == Membership.Role.OWNER


def test_adding_someone_without_an_account_is_a_form_error(client):
    owner = MembershipFactory(owner=True)
    client.force_login(owner.user)
    response = client.post(
        reverse("directory:organization-members", args=[owner.organization.slug]),
        {"email": "nobody@example.org", "role": "member"},
    )
    assert "Ask them to sign up first" in html_of(response)


def test_a_rejected_claim_can_be_renewed(client, user, staff_user):
    organization = OrganizationFactory()
    claim = membership_claim(user=user, organization=organization, message="first")
    membership_decide(membership=claim, actor=staff_user, approve=False)
    renewed = membership_claim(user=user, organization=organization, message="second try")
    assert renewed.pk == claim.pk
    assert renewed.status == Membership.Status.PENDING and renewed.message == "second try"


def test_a_bad_web_address_is_reported_once_and_tag_choices_are_a_named_group(client, user):
    TagFactory(name="Python")
    client.force_login(user)
    html = html_of(
        client.post("/directory/submit/", organization_form(website="ftp://x.example.org"))
    )
    assert html.count("Enter a valid URL.") == 1
    assert 'id="id_website_error"' in html and 'role="alert"' in html
    assert "<legend>Tags</legend>" in html


def test_organization_page_lists_its_upcoming_published_events(client):
    organization = OrganizationFactory()
    EventFactory(title="Harbor Python Night", organization=organization)
    EventFactory(title="Draft Plans", organization=organization, draft=True)
    EventFactory(title="Called Off", organization=organization, status="cancelled")
    html = html_of(client.get(organization.get_absolute_url()))
    assert "Harbor Python Night" in html and "Draft Plans" not in html
    assert "Called Off" not in html  # cancelled: public on its own page, but not upcoming
