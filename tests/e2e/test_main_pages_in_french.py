"""The main pages in French, in a real browser: `<html lang="fr">`, no serious axe-core
violation, and no sideways scrolling at phone width from French's longer words; the header
keeps one row at desktop width with the longest French labels (signed in).

Screenshots land in tests/e2e/screenshots/ (fr-*.png).
"""

import pytest

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    accessibility_violations,
    screenshot,
    scrolls_sideways,
)
from tests.e2e.test_main_pages import PAGES, small_hub

pytestmark = pytest.mark.django_db(transaction=True)

MORE_PAGES = {"asks": "/asks/", "practices": "/practices/", "advocacy": "/advocacy/"}
NAMES = [page.name for page in PAGES] + list(MORE_PAGES)
VIEWERS = {page.name: page.viewer for page in PAGES}
# The signed-in header at 1280 px: one row (a 44 px control and its padding).
MAX_HEADER_HEIGHT = 80


@pytest.fixture
def world():
    return small_hub()


def french(world, name: str) -> str:
    return "/fr" + (world.urls.get(name) or MORE_PAGES[name])


@pytest.mark.parametrize(
    "viewport", [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]
)
@pytest.mark.parametrize("name", NAMES)
def test_french_pages_have_no_serious_violations_and_fit(
    new_page,
    log_in,
    world,
    name,
    viewport,
):
    page = new_page(viewport=viewport)
    viewer = VIEWERS.get(name)
    if viewer:
        log_in(page, world.people[viewer])
    response = page.goto(french(world, name))
    assert response.ok, f"{name}: HTTP {response.status}"
    assert page.evaluate("document.documentElement.lang") == "fr"
    screenshot(page, f"fr-{name}")
    assert accessibility_violations(page) == []
    assert not scrolls_sideways(page)


def test_the_signed_in_header_keeps_one_row_in_french(new_page, log_in, world):
    page = new_page(viewport=DESKTOP)
    log_in(page, world.people["member"])
    page.goto(french(world, "home"))
    assert page.locator(".site-header").bounding_box()["height"] < MAX_HEADER_HEIGHT
