"""Look and feel in a real browser: logos and monograms on the directory, listing pages,
pledge boards and home; the phone header in one row with a menu; forms; the organizer's grid.

Screenshots at 1280 and 390 px land in tests/e2e/screenshots/ (look-*.png).
"""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from directory import services as directory
from directory.models import Organization, Tag
from events.program import services as program
from tests.directory.factories import OrganizationFactory, ProjectFactory, TagFactory
from tests.e2e.conftest import DESKTOP, accessibility_violations, screenshot, scrolls_sideways
from tests.events.program_helpers import accepted, add_room, add_slot, make_board, place
from tests.factories import StaffFactory, UserFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(PHONE, id="390"), pytest.param(DESKTOP, id="1280")]
# The signed-in header on a phone: one row (a 44 px control and its padding), not 155 px.
MAX_PHONE_HEADER_HEIGHT = 80


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def logo_upload(colour: str) -> SimpleUploadedFile:
    """A logo as a designer might send it: a large PNG, a wide mark on transparency."""
    image = Image.new("RGBA", (1200, 800), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((100, 150, 1100, 650), radius=120, fill=colour)
    draw.ellipse((450, 250, 750, 550), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@dataclass
class World:
    owner: object
    organizer: object
    organization: Organization
    urls: dict


@pytest.fixture
def world():
    staff = StaffFactory()
    for name in ["Python", "GIS", "Rust", "Go", "Kubernetes", "PostgreSQL", "Django", "React",
                 "Machine learning", "Accessibility", "Open data", "Civic tech", "Security",
                 "Documentation", "Education", "Health"]:  # fmt: skip
        TagFactory(name=name, kind=Tag.Kind.TOPIC if name[0] in "ACDEHO" else "technology")
    owner = UserFactory(display_name="Maya Okafor")
    harbor = directory.organization_submit(
        user=owner,
        data={
            "name": "Harbor Data Co",
            "kind": "company",
            "city": "Baltimore",
            "description": "Open data tools for the harbor and the city.",
        },  # fmt: skip
        tags=list(Tag.objects.filter(name__in=["Python", "Open data"])),
        logo=logo_upload("#0b5d4b"),
    )
    directory.listing_publish(listing=harbor, actor=staff)
    directory.organization_set_flags(organization=harbor, actor=staff, featured=True)
    harbor.refresh_from_db()
    commons = OrganizationFactory(name="Chesapeake Commons", kind="nonprofit", featured=True)
    OrganizationFactory(name="Bay Mapping Lab", kind="lab")
    toolkit = directory.project_submit(
        user=owner,
        data={"name": "Row House Toolkit", "description": "Housing data, tidied."},
        organization=harbor,
        logo=logo_upload("#6b2c07"),
    )
    directory.listing_publish(listing=toolkit, actor=staff)
    ProjectFactory(name="Canton Transit Maps", organizations=[commons])
    for organization, hours in ((harbor, "6"), (commons, "3")):
        pledge = PledgeFactory(organization=organization)
        ContributionFactory(pledge=pledge, project=toolkit, hours=hours, approved=True)

    board = make_board(title="Harbor Unconference", organization=harbor)
    rooms = [add_room(board, "Main Hall", 80), add_room(board, "Porch", 12)]
    slots = [add_slot(board, offset_minutes=30), add_slot(board, offset_minutes=90)]
    place(board, accepted(board, "Open data at City Hall"), rooms[0], slots[0])
    accepted(board, "Mapping the harbor with volunteers")
    program.schedule_publish(event=board.event, actor=board.organizer, published=True)
    manage = f"/events/{board.event.slug}/manage/"
    return World(
        owner=owner,
        organizer=board.organizer,
        organization=harbor,
        urls={
            "home": "/",
            "directory": "/directory/",
            "organization": harbor.get_absolute_url(),
            "pledges": "/pledges/",
            "submit": "/directory/submit/",
            "edit": f"{harbor.get_absolute_url()}edit/",
            "schedule-grid": f"{manage}schedule/",
            "place": f"{manage}schedule/place/?room={rooms[1].pk}&slot={slots[1].pk}",
        },
    )


PAGES = [
    ("home", None),
    ("directory", None),
    ("organization", None),
    ("pledges", None),
    ("submit", "owner"),
    ("edit", "owner"),
    ("schedule-grid", "organizer"),
    ("place", "organizer"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("name", "viewer"), PAGES, ids=[name for name, _ in PAGES])
def test_pages_have_no_serious_violations_and_fit(new_page, log_in, world, name, viewer, viewport):
    page = new_page(viewport=viewport)
    if viewer:
        log_in(page, getattr(world, viewer))
    response = page.goto(world.urls[name])
    assert response.ok, f"{name}: HTTP {response.status}"
    page.wait_for_load_state("networkidle")
    screenshot(page, f"look-{name}")
    assert accessibility_violations(page) == []
    assert not scrolls_sideways(page)


def loaded_logos(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector,
        """images => images.map(img => ({
            alt: img.alt, loaded: img.complete && img.naturalWidth > 0,
            width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height,
        }))""",
    )


def test_logos_load_at_their_fixed_size_and_monograms_stand_in(new_page, world):
    page = new_page()
    page.goto(world.urls["directory"])
    logos = loaded_logos(page, ".listing-card img.logo")
    assert {logo["alt"] for logo in logos} == {
        "Logo of Harbor Data Co",
        "Logo of Row House Toolkit",
    }
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    for logo in loaded_logos(page, ".listing-card img.logo"):
        assert logo["loaded"] and (logo["width"], logo["height"]) == (48, 48), logo
    monograms = page.locator(".listing-card svg.logo--monogram")
    expect(monograms).to_have_count(3)
    expect(
        page.locator(".listing-card", has_text="Chesapeake Commons").locator("text")
    ).to_have_text("CC")

    page.goto(world.urls["organization"])
    (logo,) = loaded_logos(page, ".listing-head img.logo")
    assert logo["loaded"] and (logo["width"], logo["height"]) == (96, 96)

    page.goto(world.urls["pledges"])
    page.wait_for_load_state("networkidle")
    board_logos = loaded_logos(page, ".board img.logo")
    assert board_logos and all(logo["loaded"] for logo in board_logos)
    assert all((logo["width"], logo["height"]) == (28, 28) for logo in board_logos)

    page.goto(world.urls["home"])
    expect(page.locator(".listing-card img[alt='Logo of Harbor Data Co']")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_signed_in_phone_header_is_one_row_with_a_menu(new_page, log_in, world, javascript):
    page = new_page(viewport=PHONE, javascript=javascript)
    log_in(page, world.owner)
    page.goto(world.urls["directory"])
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < MAX_PHONE_HEADER_HEIGHT, header
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Events")).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    expect(nav.get_by_role("link", name="Events")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] == header["height"]
    if javascript:
        screenshot(page, "look-header-menu")
        assert accessibility_violations(page) == []
    nav.get_by_role("link", name="Pledges").click()
    page.wait_for_url("**/pledges/")


def test_on_a_desktop_the_links_sit_in_the_header(new_page, log_in, world):
    page = new_page()
    log_in(page, world.owner)
    page.goto(world.urls["home"])
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Maya Okafor")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] < MAX_PHONE_HEADER_HEIGHT


def test_the_form_marks_required_fields_words_its_selects_and_filters_tags(new_page, log_in, world):
    page = new_page(viewport=PHONE)
    log_in(page, world.owner)
    page.goto(world.urls["submit"])
    expect(page.locator("label[for=id_name] + .required-mark")).to_have_text("*")
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("required", "")
    expect(page.locator("#id_kind option").first).to_have_text("Choose a kind")
    expect(page.locator("#id_size_band option").first).to_have_text("Choose a size band (optional)")
    groups = page.locator(".choice-group legend")
    expect(groups).to_have_text(["Technologies", "Topics"])
    page.get_by_label("Filter the choices").fill("gr")
    visible = page.locator(".choice-group__option:visible")
    expect(visible).to_have_text(["PostgreSQL"])
    page.get_by_label("Filter the choices").fill("")
    page.get_by_label("Name").fill("Fells Point Robotics")
    page.get_by_label("Kind").select_option(label="Company")
    page.get_by_label("Logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": b"not an image"}]
    )
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#id_logo_error")).to_contain_text("not a PNG, JPEG or WebP image")
    screenshot(page, "look-form-error")
    upload = logo_upload("#3f2370")
    page.get_by_label("Logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": upload.read()}]
    )
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/directory/organizations/fells-point-robotics/")
    (logo,) = loaded_logos(page, ".listing-head img.logo")
    assert logo["loaded"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_organizer_places_a_session_from_a_free_cell(new_page, log_in, world, javascript):
    page = new_page(viewport=PHONE, javascript=javascript)
    log_in(page, world.organizer)
    page.goto(world.urls["schedule-grid"])
    grid = page.locator("table.grid-editor")
    expect(grid.locator("select")).to_have_count(0)
    expect(grid.locator("a.grid-editor__add")).to_have_count(3)
    grid.get_by_role("link", name="Place a session in Porch").last.click()
    page.get_by_label("Mapping the harbor with volunteers").check()
    page.get_by_role("button", name="Place the session").click()
    page.wait_for_url("**/manage/schedule/")
    expect(page.locator(".grid-editor__cell--taken")).to_have_count(2)
    expect(grid.locator("a.grid-editor__add")).to_have_count(2)
