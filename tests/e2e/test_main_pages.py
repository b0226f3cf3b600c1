"""Every main page at phone and desktop width: axe-core, sideways scrolling, the keyboard.

Each check is its own test, so one broken page hides nothing else.
Screenshots of each page at 375x812 and 1280x800 land in tests/e2e/screenshots/.
"""

from dataclasses import dataclass

import pytest

from events.program import services as program
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    accessibility_violations,
    screenshot,
    scrolls_sideways,
    tab_to,
)
from tests.events.factories import EventFactory
from tests.events.program_helpers import accepted, add_room, add_slot, make_board, place
from tests.pledges.factories import ContributionFactory, PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)

SESSION_TITLE = "What might an Open Source Chamber of Commerce look like?"


@dataclass(frozen=True)
class MainPage:
    name: str
    # Who looks at it: None (a visitor), "member" (of the organization, no registration yet)
    # or "attendee" (holds a seat at the unconference).
    viewer: str | None
    # The text the page's main action starts with, reached by Tab from the top.
    action: str


PAGES = [
    MainPage("home", None, "Browse the directory"),
    MainPage("directory", None, "Search"),
    MainPage("organization", None, "Do you work here? Claim this listing"),
    MainPage("project", None, "Start at the repository"),
    MainPage("events", None, "Harbor Unconference"),
    MainPage("event", None, "Sign in to register"),
    MainPage("register", "member", "Register"),
    MainPage("sessions", "attendee", "Propose a session"),
    MainPage("schedule", None, SESSION_TITLE),
    MainPage("pledges", None, "40 hours a month"),
    MainPage("pledge", "member", "Log hours"),
    MainPage("me", "member", "Save profile"),
    MainPage("login", None, "Sign In"),
    MainPage("signup", None, "Sign Up"),
]
VIEWPORTS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]


@dataclass
class World:
    urls: dict
    people: dict


@pytest.fixture
def world():
    return small_hub()


def small_hub() -> World:
    """A small hub: an organization with a project, a pledge with hours, an unconference
    with a published schedule, a meetup."""
    python = TagFactory(name="Python")
    organization = OrganizationFactory(
        name="Harbor Data Co", kind="company", tags=[python], description="Open data tools."
    )
    project = ProjectFactory(
        name="Row House Toolkit",
        organizations=[organization],
        tags=[python],
        seeking_contributors=True,
        pitch="We need testers.",
    )
    member = MembershipFactory(organization=organization, user__display_name="Mary Member").user
    pledge = PledgeFactory(organization=organization, target_projects=[project])
    ContributionFactory(pledge=pledge, contributor=member, project=project, approved=True)
    ContributionFactory(pledge=pledge, contributor=member, project=project)

    board = make_board(title="Harbor Unconference", organization=organization)
    session = accepted(board, SESSION_TITLE)
    place(board, session, add_room(board), add_slot(board))
    program.schedule_publish(event=board.event, actor=board.organizer, published=True)
    EventFactory(title="Fells Point Python Meetup")

    event = board.event.get_absolute_url()
    return World(
        urls={
            "home": "/",
            "directory": "/directory/?q=data",
            "organization": organization.get_absolute_url(),
            "project": project.get_absolute_url(),
            "events": "/events/",
            "event": event,
            "register": event,
            "sessions": f"{event}sessions/",
            "schedule": f"{event}schedule/",
            "pledges": "/pledges/",
            "pledge": pledge.get_absolute_url(),
            "me": "/me/",
            "login": "/accounts/login/",
            "signup": "/accounts/signup/",
        },
        people={"member": member, "attendee": board.attendee},
    )


@pytest.fixture
def open_main_page(new_page, log_in, world):
    def open_page(main_page: MainPage, viewport):
        page = new_page(viewport=viewport)
        if main_page.viewer:
            log_in(page, world.people[main_page.viewer])
        response = page.goto(world.urls[main_page.name])
        assert response.ok, f"{main_page.name}: HTTP {response.status}"
        return page

    return open_page


def _ids(pages):
    return [page.name for page in pages]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("main_page", PAGES, ids=_ids(PAGES))
def test_no_serious_accessibility_violations(open_main_page, main_page, viewport):
    page = open_main_page(main_page, viewport)
    screenshot(page, main_page.name)
    assert accessibility_violations(page) == []


@pytest.mark.parametrize("main_page", PAGES, ids=_ids(PAGES))
def test_on_a_phone_without_javascript_it_fits_and_the_main_action_is_there(
    new_page, log_in, world, main_page
):
    page = new_page(viewport=PHONE, javascript=False)
    if main_page.viewer:
        log_in(page, world.people[main_page.viewer])
    response = page.goto(world.urls[main_page.name])
    assert response.ok, f"HTTP {response.status}"
    action = (
        page.get_by_role("link", name=main_page.action)
        .or_(page.get_by_role("button", name=main_page.action))
        .or_(page.locator("summary", has_text=main_page.action))
    )
    assert action.first.is_visible(), f"no “{main_page.action}” without JavaScript"
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + el.className)"""
    )
    assert not scrolls_sideways(page), f"scrolls sideways at 375 px: {wide}"


@pytest.mark.parametrize("main_page", PAGES, ids=_ids(PAGES))
def test_the_keyboard_reaches_the_main_action_with_visible_focus(open_main_page, main_page):
    """From the top of the page, at 1280 px and then at 375 px."""
    page = open_main_page(main_page, DESKTOP)
    for viewport in (DESKTOP, PHONE):
        if viewport is PHONE:
            page.set_viewport_size(PHONE)
            page.reload()
        focused = tab_to(page, main_page.action)
        width = viewport["width"]
        assert focused is not None, f"at {width} px, Tab never reaches “{main_page.action}”"
        assert focused["visible"], f"at {width} px, no visible focus: {focused}"
