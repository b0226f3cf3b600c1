"""The Atom feed of new listings and the CSV/JSON exports of a directory search:
published listings only, the page's filters, safe to open in a spreadsheet."""

import csv
import io
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own feed in tests
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory import exports, services
from directory.models import ProjectRole
from tests.directory.factories import OrganizationFactory, ProjectFactory, TagFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/directory/feed.atom"
CSV = "/directory/export.csv"
JSON = "/directory/export.json"


def hidden_listings(staff):
    """A pending, a rejected and an archived listing of each type, made through the services."""
    submitter = UserFactory()
    for status in ("pending", "rejected", "archived"):
        organization = services.organization_submit(
            user=submitter,
            data={"name": f"Hidden {status} organization", "kind": "company", "city": "Baltimore"},
        )
        project = services.project_submit(
            user=submitter, data={"name": f"Hidden {status} project", "license": "MIT"}
        )
        for listing in (organization, project):
            if status == "rejected":
                services.listing_reject(listing=listing, actor=staff, reason="Not in the region.")
            elif status == "archived":
                services.listing_publish(listing=listing, actor=staff)
                services.listing_archive(listing=listing, actor=staff)


def feed_entries(client) -> list[ET.Element]:
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return root.findall(f"{ATOM}entry")


def entry_titles(client) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed_entries(client)]


def csv_rows(client, params=None) -> list[dict]:
    response = client.get(CSV, params or {})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def json_rows(client, params=None) -> list[dict]:
    response = client.get(JSON, params or {})
    assert response.status_code == 200
    return response.json()["results"]


def names(rows) -> list[str]:
    return [row["name"] for row in rows]


# --- Nothing unpublished on any surface ----------------------------------------------------


def test_feed_and_exports_show_published_listings_only(client, staff_user):
    OrganizationFactory(name="Harbor Labs")
    ProjectFactory(name="Tide Tables")
    hidden_listings(staff_user)

    assert sorted(entry_titles(client)) == ["Organization: Harbor Labs", "Project: Tide Tables"]
    assert names(csv_rows(client)) == ["Harbor Labs", "Tide Tables"]
    assert names(json_rows(client)) == ["Harbor Labs", "Tide Tables"]
    for surface in (CSV, JSON):
        body = client.get(surface, {"q": "hidden"}).content.decode()
        assert "Hidden" not in body


# --- The feed ---------------------------------------------------------------------------------


def test_feed_lists_newest_published_first_and_stops_at_fifty(client, staff_user):
    now = timezone.now()
    for n in range(30):
        OrganizationFactory(name=f"Org {n:02}", published_at=now - timedelta(hours=2 * n))
        ProjectFactory(name=f"Project {n:02}", published_at=now - timedelta(hours=2 * n + 1))

    titles = entry_titles(client)

    assert len(titles) == 50
    assert titles[:3] == ["Organization: Org 00", "Project: Project 00", "Organization: Org 01"]
    assert "Organization: Org 29" not in titles  # the 51st and older


def test_a_listing_enters_the_feed_when_staff_publish_it(client, user, staff_user):
    organization = services.organization_submit(
        user=user, data={"name": "Fresh Org", "kind": "lab", "description": "New *here*."}
    )
    OrganizationFactory(name="Old Org", published_at=timezone.now() - timedelta(days=3))
    assert entry_titles(client) == ["Organization: Old Org"]

    services.listing_publish(listing=organization, actor=staff_user)

    first = feed_entries(client)[0]
    assert first.findtext(f"{ATOM}title") == "Organization: Fresh Org"
    assert (
        first.find(f"{ATOM}link").get("href")
        == "http://testserver/directory/organizations/fresh-org/"
    )
    assert first.find(f"{ATOM}summary").text == "<p>New <em>here</em>.</p>"


def test_feed_summaries_are_sanitised_and_carry_tags(client):
    OrganizationFactory(
        description="<script>alert(1)</script>[x](javascript:alert(1))",
        tags=[TagFactory(name="GIS")],
    )
    entry = feed_entries(client)[0]
    summary = entry.find(f"{ATOM}summary").text
    assert "<script" not in summary
    assert "javascript:" not in summary
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["GIS"]


def test_feed_query_count_does_not_grow_with_items(client, django_assert_max_num_queries):
    tag = TagFactory()
    OrganizationFactory(tags=[tag])
    ProjectFactory(tags=[tag])
    with CaptureQueriesContext(connection) as one:
        feed_entries(client)
    for _ in range(20):
        OrganizationFactory(tags=[tag])
        ProjectFactory(tags=[tag])
    with django_assert_max_num_queries(len(one)):
        assert len(feed_entries(client)) == 42


# --- The exports ------------------------------------------------------------------------------


def test_csv_export_is_an_attachment_with_a_header_and_a_type_column(client):
    organization = OrganizationFactory(name="Harbor Labs", tags=[TagFactory(name="Python")])
    project = ProjectFactory(name="Tide Tables", organizations=[organization])
    ProjectRole.objects.create(
        project=project, organization=OrganizationFactory(name="Fund"), role="sponsor"
    )

    response = client.get(CSV)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="directory-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.content.startswith(b"type,name,slug,url,")  # no byte-order mark
    rows = csv_rows(client)
    assert [(row["type"], row["name"]) for row in rows] == [
        ("organization", "Fund"),
        ("organization", "Harbor Labs"),
        ("project", "Tide Tables"),
    ]
    harbor, tide = rows[1], rows[2]
    assert harbor["tags"] == "python"
    assert harbor["url"] == "http://testserver/directory/organizations/harbor-labs/"
    assert harbor["license"] == ""
    assert tide["license"] == "MIT"
    assert tide["organizations"] == "Harbor Labs (maintainer); Fund (sponsor)"


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
)
def test_csv_export_defuses_spreadsheet_formulas(client, value):
    OrganizationFactory(name=f"{value} Org", description=value, city=value)
    row = csv_rows(client)[0]
    assert row["name"] == f"'{value} Org"
    assert row["description"] == f"'{value}"
    assert row["city"] == f"'{value}"
    # JSON is data, not a spreadsheet: it keeps the text as written.
    assert json_rows(client)[0]["description"] == value


def test_json_export_keeps_types(client):
    organization = OrganizationFactory(name="Harbor Labs", innersource=True)
    ProjectFactory(name="Tide Tables", seeking_contributors=True, organizations=[organization])

    response = client.get(JSON)

    assert response["Content-Disposition"].endswith('.json"')
    body = response.json()
    assert body["count"] == 2
    assert body["truncated"] is False
    harbor, tide = body["results"]
    assert harbor["type"] == "organization"
    assert harbor["innersource"] is True
    assert harbor["seeking_contributors"] is None
    assert tide["type"] == "project"
    assert tide["seeking_contributors"] is True
    assert tide["organizations"] == [
        {"slug": "harbor-labs", "name": "Harbor Labs", "role": "maintainer"}
    ]


@pytest.mark.parametrize("surface", [CSV, JSON])
def test_exports_follow_the_directory_filters(client, surface):
    python = TagFactory(name="Python")
    OrganizationFactory(name="Harbor Labs", kind="company", tags=[python])
    OrganizationFactory(name="Geo Lab", kind="lab")
    ProjectFactory(name="Tide Tables", license="MIT", tags=[python], seeking_contributors=True)
    ProjectFactory(name="Row Houses", license="Apache-2.0")
    rows = csv_rows if surface == CSV else json_rows

    assert names(rows(client, {"q": "tide"})) == ["Tide Tables"]
    assert names(rows(client, {"kind": "lab"})) == ["Geo Lab"]
    assert names(rows(client, {"tag": "python"})) == ["Harbor Labs", "Tide Tables"]
    assert names(rows(client, {"license": "Apache-2.0"})) == ["Row Houses"]
    assert names(rows(client, {"seeking": "1"})) == ["Tide Tables"]
    assert names(rows(client, {"tab": "projects", "sort": "name"})) == [
        "Row Houses",
        "Tide Tables",
    ]
    # Bad input gives a normal (here: unfiltered) export, never an error.
    assert len(rows(client, {"kind": "spaceship", "page": "abc", "q": "x" * 10_000})) == 0
    assert len(rows(client, {"kind": "spaceship", "tag": "<script>"})) == 4


def test_exports_are_capped(client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 3)
    for n in range(3):
        OrganizationFactory(name=f"Org {n}")
        ProjectFactory(name=f"Project {n}")

    body = client.get(JSON).json()
    assert body["count"] == 3
    assert body["truncated"] is True
    assert names(body["results"]) == ["Org 0", "Org 1", "Org 2"]
    response = client.get(CSV, {"tab": "projects"})
    assert response["X-Export-Truncated"] == "0"
    assert len(csv_rows(client, {"tab": "projects"})) == 3


def test_exports_refuse_writes(client):
    assert client.post(CSV).status_code == 405
    assert client.post(JSON).status_code == 405


@pytest.mark.parametrize("surface", [CSV, JSON])
def test_export_query_count_does_not_grow_with_rows(client, surface, django_assert_max_num_queries):
    tag = TagFactory()

    def make(n):
        for _ in range(n):
            organization = OrganizationFactory(tags=[tag])
            ProjectFactory(tags=[tag], organizations=[organization])

    make(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(surface).status_code == 200
    make(19)
    with django_assert_max_num_queries(len(one)):
        assert client.get(surface).status_code == 200
