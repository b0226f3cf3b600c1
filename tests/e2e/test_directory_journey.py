import pytest

from tests.directory.factories import OrganizationFactory, ProjectFactory, TagFactory
from tests.e2e.conftest import PHONE, accessibility_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def region():
    python, gis = TagFactory(name="Python"), TagFactory(name="GIS")
    harbor = OrganizationFactory(
        name="Harbor Data Co", kind="company", tags=[python], description="Open data tools."
    )
    OrganizationFactory(name="Bay Mapping Lab", kind="lab", tags=[python, gis])
    OrganizationFactory(name="Canton Civic", kind="community", tags=[gis])
    ProjectFactory(
        name="Row House Toolkit",
        organizations=[harbor],
        tags=[python],
        seeking_contributors=True,
        pitch="We need testers.",
    )
    return harbor


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_visitor_searches_filters_and_opens_an_organization_and_its_project(
    new_page, region, javascript
):
    page = new_page(javascript=javascript)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.get_by_label("Search organizations and projects").fill("data")
    page.get_by_role("button", name="Search").click()
    assert "matching “data”" in page.locator("h2#results-title").inner_text()

    page.goto("/directory/")
    page.locator(".facet").get_by_role("link", name="Python").click()
    page.locator(".facet").get_by_role("link", name="Company").click()
    results = page.locator(".listing-card h3")
    assert results.all_inner_texts() == ["Harbor Data Co"]

    results.get_by_role("link", name="Harbor Data Co").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Harbor Data Co"
    page.get_by_role("link", name="Row House Toolkit").click()
    assert page.get_by_role("heading", name="This project is looking for help").is_visible()


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone", "desktop"])
def test_main_directory_pages_have_no_serious_accessibility_violations(new_page, region, viewport):
    page = new_page(**({"viewport": viewport} if viewport else {}))
    for name, url in [
        ("home", "/"),
        ("directory", "/directory/?q=data"),
        ("organization", region.get_absolute_url()),
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
    ]:
        page.goto(url)
        assert accessibility_violations(page) == [], name
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{name} scrolls sideways"
        screenshot(page, name)


def test_the_skip_link_comes_first_and_focus_is_visible(page, region):
    page.goto("/directory/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
