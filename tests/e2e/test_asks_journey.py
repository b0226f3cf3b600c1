"""Asks in a real browser: a maintainer posts an ask, a member offers hours on a phone and
withdraws, the maintainer sees the offer; axe finds nothing serious on the way, and nothing
scrolls sideways at 390 pixels."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pledges.models import Ask, Offer
from tests.directory.factories import MembershipFactory, TagFactory
from tests.e2e.conftest import accessibility_violations, screenshot, scrolls_sideways
from tests.pledges.asks_world import make_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_390 = {"width": 390, "height": 844}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_maintainer_asks_a_member_offers_on_a_phone(new_page, log_in, javascript):
    world = make_world()
    TagFactory(name="accessibility", kind="topic")
    page = new_page(javascript=javascript)
    log_in(page, world.maintainer)
    page.goto(world.project.get_absolute_url())
    page.get_by_role("link", name="Post an ask").click()
    page.get_by_label("Title").fill("Screen-reader test plans for the intake form")
    page.get_by_label("What help do you need?").fill("A plan anyone with **NVDA** can follow.")
    page.get_by_label("accessibility").check()
    page.get_by_label("Hours wanted").fill("12")
    page.get_by_label("By when").fill((timezone.localdate() + timedelta(days=21)).isoformat())
    if javascript:
        assert accessibility_violations(page) == []
    page.get_by_role("button", name="Post the ask").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Screen-reader test plans for the intake form"
    )
    ask = Ask.objects.get(title__startswith="Screen-reader")

    member = MembershipFactory(organization=world.pledging).user
    phone = new_page(viewport=PHONE_390, javascript=javascript)
    log_in(phone, member)
    phone.goto("/asks/")
    phone.get_by_role("link", name="Screen-reader test plans for the intake form").click()
    expect(phone.get_by_role("progressbar")).to_be_visible()
    phone.get_by_label("Hours you offer").fill("4")
    phone.get_by_label("A note for the maintainers").fill("Thursday evenings.")
    phone.get_by_role("button", name="Offer hours").click()
    expect(phone.get_by_role("status").first).to_contain_text("you offer 4 hours")
    assert Offer.objects.get(ask=ask).person == member
    assert not scrolls_sideways(phone)
    if javascript:
        assert accessibility_violations(phone) == []
        screenshot(phone, "asks-offer")

    page.reload()
    expect(page.get_by_role("heading", name="Offers (1)")).to_be_visible()
    expect(page.get_by_text("Thursday evenings.")).to_be_visible()

    phone.get_by_role("button", name="Withdraw my offer").click()
    expect(phone.get_by_role("status").first).to_contain_text("Your offer is withdrawn")
    assert not Offer.objects.filter(status="active").exists()


def test_the_list_filters_by_skill_on_a_phone(new_page):
    world = make_world()
    phone = new_page(viewport=PHONE_390)
    phone.goto("/asks/")
    expect(phone.get_by_role("heading", name="1 open ask")).to_be_visible()
    phone.get_by_role("link", name="Python 1").click()
    expect(phone.get_by_role("link", name=world.ask.title)).to_be_visible()
    assert not scrolls_sideways(phone)
    assert accessibility_violations(phone) == []
    screenshot(phone, "asks-list")
