"""The frame, the pledges and the chamber in French in a browser: the signed-in header keeps
one row at 1280 px (French labels are longer: the menu takes the links), the signed-out one
keeps its links; nothing scrolls sideways on a 390 px phone; axe finds nothing serious."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.chamber.factories import PositionFactory, PracticeNoteFactory
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.e2e.conftest import DESKTOP, accessibility_violations, scrolls_sideways
from tests.factories import UserFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
ONE_ROW = 80  # px: the header's height with one row of controls


@pytest.fixture
def world():
    organization = OrganizationFactory(name="Tidewater Cloudworks", slug="tidewater")
    owner = MembershipFactory(
        organization=organization, owner=True, user=UserFactory(display_name="Maya Okafor")
    ).user
    pledge = PledgeFactory(organization=organization, hours_per_period=Decimal("12.5"))
    ContributionFactory(pledge=pledge, contributor=owner, hours=Decimal("2.5"))
    PracticeNoteFactory(organization=organization, author=owner, title="A day a month upstream")
    PositionFactory(title="Public money, public code", slug="public-code")
    return {"owner": owner, "pledge": pledge}


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def test_the_french_header_keeps_one_row_at_1280_px(new_page, log_in, world):
    page = new_page(viewport=DESKTOP)
    page.goto("/fr/")
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    expect(page.locator(".site-nav--wide").get_by_role("link", name="Se connecter")).to_be_visible()
    assert header_height(page) < ONE_ROW
    log_in(page, world["owner"])
    page.goto("/fr/")
    expect(page.locator("summary", has_text="Menu")).to_be_visible()
    assert header_height(page) < ONE_ROW
    page.locator("summary", has_text="Menu").click()
    menu = page.locator(".site-menu__panel")
    expect(menu.get_by_role("link", name="Maya Okafor")).to_be_visible()
    expect(menu.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.goto("/")
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()


@pytest.mark.parametrize(
    "path",
    ["/fr/pledges/", "/fr/pledges/{pledge}/", "/fr/practices/", "/fr/advocacy/public-code/"],
)
def test_french_pages_fit_a_phone_and_pass_axe(new_page, log_in, world, path):
    page = new_page(viewport=PHONE)
    log_in(page, world["owner"])
    page.goto(path.format(pledge=world["pledge"].pk))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert not scrolls_sideways(page)
    assert accessibility_violations(page) == []
