"""The directory API: published listings for everyone, the page's filters, member writes
through the services, and an OpenAPI schema that describes it all."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from directory import queries, services
from directory.models import (
    ListingRevision,
    ListingStatus,
    Membership,
    Organization,
    Project,
    ProjectRole,
)
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGANIZATION = {
    "name": "Chesapeake Civic Tech",
    "kind": "community",
    "description": "Volunteers building tools for Baltimore's neighbourhoods.",
    "website": "https://civictech.example.org",
    "city": "Baltimore",
}
PROJECT = {
    "name": "Bmore Open Permits",
    "description": "Building permits as open data.",
    "repository_url": "https://github.com/example/bmore-open-permits",
    "license": "Apache-2.0",
    "seeking_contributors": True,
}
ENDPOINTS = {"organizations": Organization, "projects": Project}


def api_as(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user=user)
    return api


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def hidden_listings(staff) -> list[Organization | Project]:
    """One pending, one rejected and one archived listing of each type, made the way the
    product makes them."""
    submitter = UserFactory()
    hidden = []
    for status in ("pending", "rejected", "archived"):
        organization = services.organization_submit(
            user=submitter, data={**ORGANIZATION, "name": f"Hidden {status} organization"}
        )
        project = services.project_submit(
            user=submitter, data={**PROJECT, "name": f"Hidden {status} project"}
        )
        for listing in (organization, project):
            if status == "rejected":
                services.listing_reject(listing=listing, actor=staff, reason="Not in the region.")
            elif status == "archived":
                services.listing_publish(listing=listing, actor=staff)
                services.listing_archive(listing=listing, actor=staff)
            hidden.append(listing)
    return hidden


# --- Reading: published only ---------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_lists_published_listings_only(endpoint, staff_user):
    """Pending, rejected and archived listings never appear in an API list, even searched."""
    published = [OrganizationFactory(name="Visible Org"), ProjectFactory(name="Visible Project")]
    hidden = hidden_listings(staff_user)
    expected = [x.slug for x in published if isinstance(x, ENDPOINTS[endpoint])]

    assert slugs(api_as().get(f"/api/v1/{endpoint}/")) == expected
    assert slugs(api_as().get(f"/api/v1/{endpoint}/", {"q": "hidden"})) == []
    # Not even their submitter sees them through the public list.
    submitter = hidden[0].created_by
    assert slugs(api_as(submitter).get(f"/api/v1/{endpoint}/")) == expected


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("status", ["pending", "rejected", "archived"])
def test_api_detail_of_an_unpublished_listing_is_404(endpoint, status, staff_user):
    listing = next(
        x
        for x in hidden_listings(staff_user)
        if isinstance(x, ENDPOINTS[endpoint]) and x.name.startswith(f"Hidden {status}")
    )
    for api in (api_as(), api_as(listing.created_by), api_as(UserFactory())):
        assert api.get(f"/api/v1/{endpoint}/{listing.slug}/").status_code == 404


def test_api_organization_detail_nests_tags_and_published_projects():
    python = TagFactory(name="Python")
    organization = OrganizationFactory(name="Harbor Labs", tags=[python])
    ProjectFactory(name="Tide Tables", organizations=[organization])
    pending = ProjectFactory(name="Secret Sauce", pending=True)
    ProjectRole.objects.create(project=pending, organization=organization)

    body = api_as().get(f"/api/v1/organizations/{organization.slug}/").json()

    assert body["name"] == "Harbor Labs"
    assert body["status"] == "published"
    assert body["tags"] == [{"slug": "python", "name": "Python", "kind": "technology"}]
    assert body["projects"] == [
        {"slug": "tide-tables", "name": "Tide Tables", "role": "maintainer"}
    ]
    assert body["url"] == "http://testserver/api/v1/organizations/harbor-labs/"
    assert body["page_url"] == "http://testserver/directory/organizations/harbor-labs/"


def test_api_project_detail_nests_published_organizations_with_their_roles():
    maintainer = OrganizationFactory(name="Harbor Labs")
    sponsor = OrganizationFactory(name="Inner Harbor Fund")
    hidden = OrganizationFactory(name="Stealth Co", pending=True)
    project = ProjectFactory(name="Tide Tables", organizations=[maintainer])
    ProjectRole.objects.create(project=project, organization=sponsor, role="sponsor")
    ProjectRole.objects.create(project=project, organization=hidden, role="contributor")

    body = api_as().get(f"/api/v1/projects/{project.slug}/").json()

    assert body["organizations"] == [
        {"slug": "harbor-labs", "name": "Harbor Labs", "role": "maintainer"},
        {"slug": "inner-harbor-fund", "name": "Inner Harbor Fund", "role": "sponsor"},
    ]
    assert body["license"] == "MIT"


def test_api_renders_markdown_sanitised_beside_the_source():
    organization = OrganizationFactory(description="**Bold** <script>alert(1)</script>")
    body = api_as().get(f"/api/v1/organizations/{organization.slug}/").json()
    assert body["description"] == "**Bold** <script>alert(1)</script>"
    assert "<strong>Bold</strong>" in body["description_html"]
    assert "<script" not in body["description_html"]


@pytest.mark.parametrize("slug", ["no-such-listing", "bad%20slug", "%27%3B--"])
def test_api_unknown_or_malformed_slugs_are_404(slug):
    assert api_as().get(f"/api/v1/organizations/{slug}/").status_code == 404


def test_api_tags_list_and_lookup_by_slug():
    TagFactory(name="Python")
    TagFactory(name="Civic tech", kind="topic")
    names = [row["name"] for row in api_as().get("/api/v1/tags/").json()["results"]]
    assert names == ["Civic tech", "Python"]
    assert api_as().get("/api/v1/tags/civic-tech/").json() == {
        "slug": "civic-tech",
        "name": "Civic tech",
        "kind": "topic",
    }
    assert api_as().get("/api/v1/tags/nope/").status_code == 404


# --- Reading: the page's filters -----------------------------------------------------------


def test_api_filters_organizations_like_the_directory_page():
    python, gis = TagFactory(name="Python"), TagFactory(name="GIS")
    OrganizationFactory(name="Harbor Labs", kind="company", city="Baltimore", tags=[python])
    OrganizationFactory(
        name="Hopkins Geo Lab", kind="lab", city="Baltimore", tags=[python, gis], innersource=True
    )
    OrganizationFactory(name="Capital Maps", kind="company", city="Washington", tags=[gis])
    get = api_as().get

    assert slugs(get("/api/v1/organizations/", {"kind": "company", "sort": "name"})) == [
        "capital-maps",
        "harbor-labs",
    ]
    assert slugs(get("/api/v1/organizations/", {"tag": ["python", "gis"]})) == ["hopkins-geo-lab"]
    assert slugs(get("/api/v1/organizations/", {"city": "washington"})) == ["capital-maps"]
    assert slugs(get("/api/v1/organizations/", {"innersource": "1"})) == ["hopkins-geo-lab"]
    assert slugs(get("/api/v1/organizations/", {"q": "geo"})) == ["hopkins-geo-lab"]
    assert slugs(get("/api/v1/organizations/", {"q": "maps", "kind": "lab"})) == []
    # A project-only facet does not empty the organization list: it does not apply here.
    assert len(slugs(get("/api/v1/organizations/", {"license": "MIT", "seeking": "1"}))) == 3
    # Unknown facet values are dropped, as on the page.
    assert len(slugs(get("/api/v1/organizations/", {"kind": "spaceship"}))) == 3


def test_api_filters_projects_like_the_directory_page():
    python = TagFactory(name="Python")
    ProjectFactory(name="Tide Tables", license="MIT", tags=[python], seeking_contributors=True)
    ProjectFactory(name="Row Houses", license="Apache-2.0", tags=[python])
    ProjectFactory(name="Bus Tracker", license="GPL-3.0-only")
    get = api_as().get

    assert slugs(get("/api/v1/projects/", {"license": "Apache-2.0"})) == ["row-houses"]
    assert slugs(get("/api/v1/projects/", {"seeking": "1"})) == ["tide-tables"]
    assert slugs(get("/api/v1/projects/", {"tag": "python", "sort": "name"})) == [
        "row-houses",
        "tide-tables",
    ]
    assert slugs(get("/api/v1/projects/", {"q": "tracker"})) == ["bus-tracker"]
    assert slugs(get("/api/v1/projects/", {"sort": "name"})) == [
        "bus-tracker",
        "row-houses",
        "tide-tables",
    ]
    assert len(slugs(get("/api/v1/projects/", {"kind": "lab", "city": "Baltimore"}))) == 3


def test_api_search_ranks_a_name_match_first():
    OrganizationFactory(name="Harbor Labs", description="We love kubernetes.")
    OrganizationFactory(name="Kubernetes Baltimore", description="A meetup.")
    assert slugs(api_as().get("/api/v1/organizations/", {"q": "kubernetes"})) == [
        "kubernetes-baltimore",
        "harbor-labs",
    ]


def test_api_paginates():
    for n in range(3):
        OrganizationFactory(name=f"Org {n}")
    api = api_as()
    with pytest.MonkeyPatch.context() as patch:
        from rest_framework.pagination import PageNumberPagination

        patch.setattr(PageNumberPagination, "page_size", 2)
        first = api.get("/api/v1/organizations/").json()
        second = api.get(first["next"]).json()
    assert first["count"] == 3
    assert [row["name"] for row in first["results"] + second["results"]] == [
        "Org 0",
        "Org 1",
        "Org 2",
    ]
    assert second["next"] is None


@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"page": "99"}, {"q": "x" * 10_000}, {"q": "'; DROP TABLE x; --"}],
)
def test_api_bad_read_input_is_never_a_500(params):
    OrganizationFactory()
    assert api_as().get("/api/v1/organizations/", params).status_code in (200, 404)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_list_query_count_does_not_grow_with_rows(endpoint, django_assert_max_num_queries):
    """Count, page, tags and roles: four queries whether the page shows 1 row or 20."""
    tags = [TagFactory(), TagFactory()]

    def make(n):
        for _ in range(n):
            organization = OrganizationFactory(tags=tags)
            ProjectFactory(tags=tags, organizations=[organization])
        # What the services do on commit (the factories go around them): count afresh.
        queries.directory_cache_invalidate()

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            response = api_as().get(f"/api/v1/{endpoint}/", {"tag": tags[0].slug})
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    make(1)
    one_row, count = queries_for_list()
    assert count == 1
    make(19)
    with django_assert_max_num_queries(4):
        assert queries_for_list() == (one_row, 20)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_list_counts_and_ranks_once_until_a_listing_changes(
    endpoint, django_capture_on_commit_callbacks
):
    OrganizationFactory(name="Harbor Labs")
    ProjectFactory(name="Harbor Toolkit")
    with CaptureQueriesContext(connection) as first:
        first_page = api_as().get(f"/api/v1/{endpoint}/", {"q": "harbor"}).json()
    with CaptureQueriesContext(connection) as again:
        assert api_as().get(f"/api/v1/{endpoint}/", {"q": "harbor"}).json() == first_page
    # Tags, roles and the page's rows by id: no count, no search.
    assert len(again) == len(first) - 1
    assert not any("COUNT(" in query["sql"] for query in again.captured_queries)
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for listing in (
            OrganizationFactory(name="Harbor Newcomers", pending=True),
            ProjectFactory(name="Harbor Newcomer Kit", pending=True),
        ):
            services.listing_publish(listing=listing, actor=staff)
    response = api_as().get(f"/api/v1/{endpoint}/", {"q": "harbor"}).json()
    assert response["count"] == 2
    assert len(response["results"]) == 2


# --- Writing: permissions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/organizations/"),
        ("post", "/api/v1/projects/"),
        ("patch", "/api/v1/organizations/harbor-labs/"),
        ("patch", "/api/v1/projects/tide-tables/"),
        ("post", "/api/v1/tags/"),
    ],
)
def test_api_writes_need_authentication(method, path):
    organization = OrganizationFactory(name="Harbor Labs")
    ProjectFactory(name="Tide Tables", organizations=[organization])
    response = getattr(api_as(), method)(path, {"name": "Taken over"}, format="json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert not Organization.objects.filter(name="Taken over").exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/organizations/harbor-labs/"),
        ("delete", "/api/v1/organizations/harbor-labs/"),
        ("delete", "/api/v1/projects/tide-tables/"),
        ("post", "/api/v1/tags/"),
        ("patch", "/api/v1/tags/python/"),
    ],
)
def test_api_methods_outside_the_contract_are_405(method, path, staff_user):
    organization = OrganizationFactory(name="Harbor Labs")
    ProjectFactory(name="Tide Tables", organizations=[organization])
    TagFactory(name="Python")
    response = getattr(api_as(staff_user), method)(path, {"name": "X"}, format="json")
    assert response.status_code == 405
    assert Organization.objects.filter(slug="harbor-labs").exists()


def test_api_submission_by_token_is_pending_and_makes_the_submitter_owner(user):
    TagFactory(name="Civic tech")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    response = api.post(
        "/api/v1/organizations/", {**ORGANIZATION, "tags": ["civic-tech"]}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["slug"] == "chesapeake-civic-tech"
    assert [tag["slug"] for tag in body["tags"]] == ["civic-tech"]
    organization = Organization.objects.get(slug="chesapeake-civic-tech")
    assert organization.status == ListingStatus.PENDING
    assert organization.created_by == user
    assert Membership.objects.get(organization=organization, user=user).role == "owner"
    # Pending: the public still does not see it.
    assert api_as().get("/api/v1/organizations/chesapeake-civic-tech/").status_code == 404


def test_api_project_submission_for_a_managed_organization(user):
    organization = OrganizationFactory(name="Harbor Labs")
    MembershipFactory(user=user, organization=organization, admin=True)

    response = api_as(user).post(
        "/api/v1/projects/",
        {**PROJECT, "license": "apache-2.0", "organization": "harbor-labs", "role": "sponsor"},
        format="json",
    )

    assert response.status_code == 201, response.content
    project = Project.objects.get(slug="bmore-open-permits")
    assert project.status == ListingStatus.PENDING
    assert project.license == "Apache-2.0"
    assert project.roles.get().role == "sponsor"
    assert response.json()["organizations"] == [
        {"slug": "harbor-labs", "name": "Harbor Labs", "role": "sponsor"}
    ]


@pytest.mark.parametrize("membership", [None, "member", "pending-admin"])
def test_api_project_submission_for_an_organization_one_does_not_manage_is_400(user, membership):
    organization = OrganizationFactory(name="Harbor Labs")
    if membership == "member":
        MembershipFactory(user=user, organization=organization)
    elif membership == "pending-admin":
        MembershipFactory(user=user, organization=organization, admin=True, pending=True)

    response = api_as(user).post(
        "/api/v1/projects/", {**PROJECT, "organization": "harbor-labs"}, format="json"
    )

    assert response.status_code == 400
    assert "organization" in response.json()
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"license": "Not-A-License"}, "license"),
        ({"repository_url": "ftp://example.org/code"}, "repository_url"),
        ({"repository_url": "javascript:alert(1)"}, "repository_url"),
        ({"homepage": "not a url"}, "homepage"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"tags": ["no-such-tag"]}, "tags"),
        ({"tags": "python"}, "tags"),
        ({"help_wanted": ["everything"]}, "help_wanted"),
        ({"seeking_contributors": "perhaps"}, "seeking_contributors"),
        ({"description": "x" * 20_001}, "description"),
    ],
)
def test_api_bad_project_submissions_are_400_with_field_errors(user, changes, field):
    response = api_as(user).post("/api/v1/projects/", {**PROJECT, **changes}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Project.objects.exists()


def test_api_project_submission_without_a_name_is_400(user):
    data = {key: value for key, value in PROJECT.items() if key != "name"}
    response = api_as(user).post("/api/v1/projects/", data, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == ["This field is required."]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"website": "ftp://civictech.example.org"}, "website"),
        ({"size_band": "huge"}, "size_band"),
        ({"city": "B" * 81}, "city"),
        ({"name": "harbor labs"}, "name"),
    ],
)
def test_api_bad_organization_submissions_are_400_with_field_errors(user, changes, field):
    OrganizationFactory(name="Harbor Labs")
    response = api_as(user).post(
        "/api/v1/organizations/", {**ORGANIZATION, **changes}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Organization.objects.count() == 1


def test_api_a_non_json_body_is_400(user):
    response = api_as(user).post(
        "/api/v1/organizations/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert Organization.objects.count() == 0


def test_api_service_validation_errors_become_field_errors(user, monkeypatch):
    """Whatever the services refuse reaches the client as a 400, never a 500."""
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"website": "Unreachable."})

    monkeypatch.setattr(services, "organization_submit", refuse)
    response = api_as(user).post("/api/v1/organizations/", ORGANIZATION, format="json")
    assert response.status_code == 400
    assert response.json() == {"website": ["Unreachable."]}


# --- Writing: edits --------------------------------------------------------------------------


def owned_organization(*, verified=False):
    owner = UserFactory()
    organization = OrganizationFactory(name="Harbor Labs", verified=verified)
    MembershipFactory(user=owner, organization=organization, owner=True)
    return owner, organization


def test_api_edit_by_an_owner_of_an_unverified_organization_waits_for_review():
    owner, organization = owned_organization()

    response = api_as(owner).patch(
        f"/api/v1/organizations/{organization.slug}/",
        {"description": "Now with more harbor."},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pending_review"] is True
    assert body["description"] == "We build open source tools for the region."
    revision = ListingRevision.objects.get(organization=organization)
    assert revision.status == ListingRevision.Status.PENDING
    assert revision.data == {
        "description": "Now with more harbor.",
        "_previous": {"description": "We build open source tools for the region."},
    }


def test_api_edit_of_a_verified_organization_goes_live_at_once():
    owner, organization = owned_organization(verified=True)
    gis = TagFactory(name="GIS")

    response = api_as(owner).patch(
        f"/api/v1/organizations/{organization.slug}/",
        {"city": "Towson", "tags": [gis.slug]},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pending_review"] is False
    assert body["city"] == "Towson"
    assert [tag["slug"] for tag in body["tags"]] == ["gis"]
    organization.refresh_from_db()
    assert organization.city == "Towson"
    assert organization.kind == "company"  # untouched fields stay as they were


@pytest.mark.parametrize(
    ("who", "expected"),
    [("owner", 200), ("admin", 200), ("staff", 200), ("member", 403), ("stranger", 403)],
)
def test_api_organization_edit_permissions(who, expected):
    owner, organization = owned_organization()
    person = {
        "owner": owner,
        "admin": MembershipFactory(organization=organization, admin=True).user,
        "staff": UserFactory(is_staff=True),
        "member": MembershipFactory(organization=organization).user,
        "stranger": UserFactory(),
    }[who]
    response = api_as(person).patch(
        f"/api/v1/organizations/{organization.slug}/", {"city": "Towson"}, format="json"
    )
    assert response.status_code == expected
    assert ListingRevision.objects.exists() is (expected == 200)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("maintainer-admin", 200), ("staff", 200), ("submitter", 403), ("stranger", 403)],
)
def test_api_project_edit_permissions(who, expected):
    owner, organization = owned_organization()
    project = ProjectFactory(name="Tide Tables", organizations=[organization])
    person = {
        "maintainer-admin": owner,
        "staff": UserFactory(is_staff=True),
        # Once published, a project is its organizations' to edit, as on the pages.
        "submitter": project.created_by,
        "stranger": UserFactory(),
    }[who]
    response = api_as(person).patch(
        f"/api/v1/projects/{project.slug}/", {"seeking_contributors": True}, format="json"
    )
    assert response.status_code == expected


def test_api_a_submitter_fixes_their_pending_listing_and_strangers_cannot_find_it(user):
    project = services.project_submit(user=user, data=PROJECT)

    stranger = api_as(UserFactory()).patch(
        f"/api/v1/projects/{project.slug}/", {"license": "MIT"}, format="json"
    )
    assert stranger.status_code == 404

    response = api_as(user).patch(
        f"/api/v1/projects/{project.slug}/", {"license": "MIT"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["pending_review"] is False
    assert response.json()["status"] == "pending"
    project.refresh_from_db()
    assert project.license == "MIT"


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"license": "Nope-1.0"},
        {"repository_url": "file:///etc/passwd"},
        {"tags": ["missing"]},
        {"name": "Other Project"},
    ],
)
def test_api_bad_edits_are_400_and_change_nothing(changes, staff_user):
    ProjectFactory(name="Other Project")
    project = ProjectFactory(name="Tide Tables")
    response = api_as(staff_user).patch(f"/api/v1/projects/{project.slug}/", changes, format="json")
    assert response.status_code == 400
    assert set(response.json()) == set(changes)
    project.refresh_from_db()
    assert (project.name, project.license) == ("Tide Tables", "MIT")
    assert not ListingRevision.objects.exists()


# --- The schema ------------------------------------------------------------------------------


def test_api_schema_describes_the_directory_filters(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    organization_params = {
        p["name"] for p in schema["paths"]["/api/v1/organizations/"]["get"]["parameters"]
    }
    project_params = {p["name"] for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert {"q", "kind", "tag", "city", "innersource", "sort", "page"} <= organization_params
    assert {"q", "tag", "license", "seeking", "sort", "page"} <= project_params
    assert "/api/v1/tags/{slug}/" in schema["paths"]
    assert "patch" in schema["paths"]["/api/v1/projects/{slug}/"]


def test_api_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


@pytest.mark.parametrize("path", ["/api/v1/organizations/", "/api/v1/projects/harbor-labs/"])
def test_api_options_and_head_answer_everyone(path, user):
    OrganizationFactory(name="Harbor Labs")
    ProjectFactory(name="Harbor Labs")
    for api in (api_as(), api_as(user)):
        assert api.options(path).status_code == 200
        assert api.head(path).status_code == 200


@pytest.mark.parametrize("who", ["user", "staff_user"])
def test_api_every_submission_is_pending_even_from_staff(request, who):
    """Staff publish through moderation, not by submitting: the API never skips review."""
    person = request.getfixturevalue(who)
    response = api_as(person).post("/api/v1/projects/", PROJECT, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert Project.objects.get().status == ListingStatus.PENDING
