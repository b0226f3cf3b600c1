"""Listings from a repository in a real browser (issue 19): an organization's admin fills the
project form from a repository, then imports the organization's repositories with a topic.
The forge is the fake one on loopback; axe and screenshots at 1280 and 390 px
(tests/e2e/screenshots/repository-*.png)."""

import pytest
from playwright.sync_api import expect

from directory.models import ListingStatus, Membership, Project, Tag
from tests.directory.factories import MembershipFactory, OrganizationFactory, TagFactory
from tests.e2e.conftest import DESKTOP, accessibility_violations, screenshot, scrolls_sideways

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
ORG = "https://github.com/chesapeake-data"
REPOS = [
    ("harbor-tides", "Tide and water-quality readings for the Chesapeake Bay.", ["civic"]),
    ("rowhouse-permits", "Building permits of Baltimore's rowhouses, as open data.", ["civic"]),
    ("bay-bike-counts", "Counts from the city's bike counters, refreshed hourly.", ["civic"]),
    ("internal-wiki", "Notes for the team.", []),
]


@pytest.fixture
def admin(fake_forge):
    organization = OrganizationFactory(name="Chesapeake Data")
    TagFactory(name="Open data", slug="open-data", kind=Tag.Kind.TOPIC)
    TagFactory(name="Civic", slug="civic", kind=Tag.Kind.TOPIC)
    fake_forge.serve_owner_repositories(
        ORG,
        [
            [
                {
                    "name": name,
                    "full_name": f"chesapeake-data/{name}",
                    "html_url": f"{ORG}/{name}",
                    "description": description,
                    "topics": topics,
                    "archived": False,
                }
                for name, description, topics in REPOS
            ]
        ],
    )
    for name, description, topics in REPOS:
        fake_forge.serve_repository(
            f"{ORG}/{name}",
            description=description,
            topics=[*topics, "open-data", "chesapeake"],
            license={"key": "apache-2.0", "spdx_id": "Apache-2.0"},
        )
    membership = MembershipFactory(
        organization=organization, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    )
    return membership.user, organization


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_an_admin_fills_a_project_from_its_repository_then_imports_the_rest(
    new_page, log_in, admin, javascript
):
    user, organization = admin
    page = new_page(javascript=javascript)
    log_in(page, user)

    page.goto("/directory/submit/?type=project")
    page.get_by_label("Repository address").fill(f"{ORG}/harbor-tides")
    page.get_by_role("button", name="Fill from repository").click()
    expect(page.get_by_role("status")).to_contain_text("Filled from")
    expect(page.locator("#id_name")).to_have_value("harbor-tides")
    expect(page.get_by_label("License (SPDX id)")).to_have_value("Apache-2.0")
    expect(page.get_by_role("checkbox", name="Open data")).to_be_checked()
    page.locator("#id_name").fill("Harbor Tides")
    page.get_by_label("Organization", exact=True).select_option(label=organization.name)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Harbor Tides is waiting for review")).to_be_visible()

    page.goto(f"/directory/organizations/{organization.slug}/")
    page.get_by_role("link", name="Import repositories").click()
    page.get_by_label("Organization or group on a forge").fill(ORG)
    page.get_by_role("textbox", name="Topic").fill("civic")
    page.get_by_role("button", name="Show repositories").click()
    expect(page.get_by_text("3 repositories of")).to_be_visible()
    expect(page.get_by_role("link", name="Harbor Tides")).to_be_visible()  # listed already
    expect(page.get_by_role("checkbox", name="Import rowhouse-permits")).to_be_checked()
    page.get_by_role("checkbox", name="Import bay-bike-counts").uncheck()
    page.get_by_role("button", name="Import the ticked repositories").click()

    expect(page.get_by_text("The import has started")).to_be_visible()
    expect(page.get_by_text("1 imported, 0 already listed, 0 skipped")).to_be_visible()
    imported = Project.objects.get(name="rowhouse-permits")
    assert imported.status == ListingStatus.PENDING
    assert list(imported.organizations.all()) == [organization]
    assert not Project.objects.filter(name="bay-bike-counts").exists()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_prefill_and_import_pages_at_both_widths(new_page, log_in, admin, viewport):
    user, organization = admin
    page = new_page(viewport=viewport)
    log_in(page, user)

    page.goto("/directory/submit/?type=project")
    page.get_by_label("Repository address").fill(f"{ORG}/rowhouse-permits")
    page.get_by_role("button", name="Fill from repository").click()
    expect(page.get_by_role("status")).to_contain_text("Filled from")
    assert accessibility_violations(page) == []
    assert not scrolls_sideways(page)
    screenshot(page, "repository-prefill")

    page.get_by_label("Repository address").fill("https://forge.example.net/acme/tool")
    page.get_by_role("button", name="Fill from repository").click()
    expect(page.get_by_text("The hub does not read from forge.example.net")).to_be_visible()
    assert accessibility_violations(page) == []
    screenshot(page, "repository-prefill-error")

    page.goto(
        f"/directory/organizations/{organization.slug}/import/"
        f"?source={ORG}&filter=topic&topic=civic"
    )
    expect(page.get_by_role("heading", name="2. Choose what to import")).to_be_visible()
    assert accessibility_violations(page) == []
    assert not scrolls_sideways(page)
    screenshot(page, "repository-import")
