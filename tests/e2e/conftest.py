"""Browser tests: Playwright drives Debian's Chromium against a live server on loopback.

Without Chromium they skip (embedded default) or fail (HUB_REQUIRE_SERVICES=1).
"""

import json
import os
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, require_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        require_service("needs Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def cached_anonymous_pages(settings):
    """The journeys run as in production: anonymous pages come from the page cache."""
    settings.HUB_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def new_page(browser, live_server):
    """Open pages on the live server: new_page(viewport=PHONE, javascript=False)."""
    contexts = []

    def open_page(*, viewport=DESKTOP, javascript=True):
        context = browser.new_context(
            viewport=viewport,
            base_url=live_server.url,
            java_script_enabled=javascript,
            # Only so the test can inject axe-core; the pages' own policy stays strict.
            bypass_csp=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def accessibility_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the current page."""
    if not AXE.exists():
        require_service("needs axe-core: run `npm ci`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run())")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in json.loads(result)["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/me/")


@pytest.fixture
def log_in(live_server):
    """Sign `user` in for this page's browser context without the login form (fast)."""
    from django.conf import settings
    from django.test import Client

    def add_session(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return add_session


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim();
    return {
        tag: el.tagName.toLowerCase(),
        text: text.replace(/\\s+/g, ' '),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
    };
}"""


def tab_to(page, name: str, *, limit: int = 80) -> dict | None:
    """On a freshly loaded page, press Tab until the focused element's text starts with
    `name`; what is focused then (tag, text, whether focus is visible), or None."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and focused["text"].startswith(name):
            focused["visible"] = focused["outline"] or focused["shadow"]
            return focused
    return None


def message_link(message, prefix: str) -> str:
    """The first line of a (plain text) e-mail that is a link containing `prefix`."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("http") and prefix in line:
            return line
    raise AssertionError(f"no link with {prefix!r} in:\n{body}")
