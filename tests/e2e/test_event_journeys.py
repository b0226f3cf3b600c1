"""Events in a real browser: signing up and registering, the waitlist, check-in at the door."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from events import services
from events.models import Registration
from tests.e2e.conftest import (
    PHONE,
    accessibility_violations,
    message_link,
    screenshot,
    scrolls_sideways,
)
from tests.events.factories import EventFactory
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

JS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def _registration_panel(page):
    return page.locator("section#registration")


@JS
def test_a_person_signs_up_verifies_registers_sees_the_ticket_and_cancels(
    new_page, mail_over_smtp, javascript
):
    event = EventFactory(title="Harbor Open Source Summit", capacity=5)
    page = new_page(viewport=PHONE, javascript=javascript)

    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Display name").fill("Ada Lovelace")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password (again)").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify")

    message = mail_over_smtp.wait_for(lambda m: "ada@example.org" in m["To"])
    link = message_link(message, "/accounts/confirm-email/")
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    page.goto(event.get_absolute_url())
    _registration_panel(page).get_by_role("button", name="Register").click()
    expect(page.get_by_role("status").first).to_contain_text("You have a seat")
    ticket_mail = mail_over_smtp.wait_for(lambda m: "Your ticket for" in m["Subject"])
    assert "ada@example.org" in ticket_mail["To"]

    page.goto("/me/")
    card = page.locator(".my-registration", has_text="Harbor Open Source Summit")
    expect(card.locator(".badge")).to_have_text("Confirmed")
    card.get_by_role("link", name="Your ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ticket")
    code = Registration.objects.get(user__email="ada@example.org").ticket_code
    expect(page.locator(".ticket__code")).to_have_text(code)
    qr = page.get_by_role("img", name=f"QR code of ticket {code}")
    expect(qr).to_be_visible()
    svg = page.request.get(qr.get_attribute("src"))
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    if javascript:
        assert page.evaluate("document.querySelector('.ticket__qr').naturalWidth") > 0

    page.goto("/me/")
    card = page.locator(".my-registration", has_text="Harbor Open Source Summit")
    card.locator("summary", has_text="Cancel my registration").click()
    card.get_by_role("button", name="Yes, cancel").click()
    page.wait_for_url("**/me/")
    expect(page.get_by_role("status").first).to_contain_text("Your registration is cancelled")
    expect(page.locator(".my-registration")).to_have_count(0)
    assert Registration.objects.get(user__email="ada@example.org").status == "cancelled"


@JS
def test_a_person_on_the_waitlist_is_promoted_when_a_seat_frees_up(
    new_page, log_in, mail_over_smtp, javascript
):
    event = EventFactory(title="Tiny Meetup", capacity=1)
    first, second = UserFactory(), UserFactory()
    services.registration_create(event=event, user=first, notify=False)

    waiting = new_page(javascript=javascript)
    log_in(waiting, second)
    waiting.goto(event.get_absolute_url())
    _registration_panel(waiting).get_by_role("button", name="Join the waitlist").click()
    expect(waiting.get_by_role("status").first).to_contain_text("number 1 on the waitlist")
    waiting.goto("/me/")
    expect(waiting.locator(".my-registration .badge")).to_have_text("On the waitlist: number 1")

    leaving = new_page(viewport=PHONE, javascript=javascript)
    log_in(leaving, first)
    leaving.goto(event.get_absolute_url())
    leaving.locator("summary", has_text="Cancel my registration").click()
    leaving.get_by_role("button", name="Yes, cancel").click()
    expect(leaving.get_by_role("status").first).to_contain_text("Your registration is cancelled")

    promotion = mail_over_smtp.wait_for(lambda m: m["Subject"].startswith("You are in"))
    assert second.email in promotion["To"]
    waiting.goto("/me/")
    expect(waiting.locator(".my-registration .badge")).to_have_text("Confirmed")
    waiting.goto(event.get_absolute_url())
    expect(_registration_panel(waiting)).to_contain_text("You have a seat.")


@JS
def test_an_organizer_checks_someone_in_by_ticket_code_and_exports_the_csv(
    new_page, log_in, javascript
):
    organizer = UserFactory()
    event = EventFactory(title="Door Test Meetup", organizers=[organizer])
    guest = UserFactory(display_name="Grace Hopper")
    registration = services.registration_create(event=event, user=guest, notify=False).registration
    services.registration_create(
        event=event, user=UserFactory(display_name="Alan Kay"), notify=False
    )

    page = new_page(viewport=PHONE, javascript=javascript)
    log_in(page, organizer)
    page.goto(f"/events/{event.slug}/manage/")
    if javascript:
        assert accessibility_violations(page) == []
        screenshot(page, "manage-attendees")
    assert not scrolls_sideways(page)
    page.get_by_label("Ticket code", exact=True).fill(registration.ticket_code)
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Checked in: Grace Hopper.")
    row = page.locator("tr.attendee", has_text="Grace Hopper")
    expect(row.locator(".manage-status")).to_have_text("Checked in")

    page.get_by_label("Ticket code", exact=True).fill(f"  {registration.ticket_code} ")
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Already checked in at")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download CSV")).click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{event.slug}-attendees-")
    with open(download.path(), encoding="utf-8-sig") as file:
        text = file.read()
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"Grace Hopper", "Alan Kay"}
    assert rows["Grace Hopper"]["status"] == "Checked in"
    assert rows["Grace Hopper"]["ticket code"] == registration.ticket_code
    assert rows["Grace Hopper"]["checked in at"]
    assert rows["Alan Kay"]["status"] == "Confirmed"
