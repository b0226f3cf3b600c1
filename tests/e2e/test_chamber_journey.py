"""The chamber in a real browser: a member writes a practice note, staff publish it, a
visitor finds it by its pattern tag; an owner endorses a position on a phone and withdraws.
axe finds nothing serious on the way, and nothing scrolls sideways at 390 pixels."""

import pytest
from playwright.sync_api import expect

from chamber import services
from chamber.models import Endorsement, PracticeNote
from tests.chamber.factories import PositionFactory
from tests.directory.factories import MembershipFactory, OrganizationFactory, TagFactory
from tests.e2e.conftest import accessibility_violations, screenshot, scrolls_sideways
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_390 = {"width": 390, "height": 844}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_shares_a_practice_and_a_visitor_finds_it(new_page, log_in, javascript):
    organization = OrganizationFactory(name="Tidewater Cloudworks")
    member = MembershipFactory(organization=organization).user
    TagFactory(name="Trusted Committer", kind="topic")

    page = new_page(javascript=javascript)
    log_in(page, member)
    page.goto("/practices/")
    page.get_by_role("link", name="Write a practice note").click()
    page.get_by_label("Title").fill("Starting InnerSource with trusted committers")
    page.get_by_label("The note").fill("Name **two** trusted committers first.")
    page.get_by_label("Trusted Committer").check()
    if javascript:  # axe runs as a script
        assert accessibility_violations(page) == []
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Staff review every note")
    expect(page.locator(".message--warning")).to_contain_text("pending review")

    note = PracticeNote.objects.get()
    services.practice_publish(note=note, actor=StaffFactory(), notify=False)

    for viewport in ({"width": 1280, "height": 800}, PHONE_390):
        visitor = new_page(viewport=viewport, javascript=javascript)
        visitor.goto("/practices/")
        visitor.get_by_role("link", name="Trusted Committer").first.click()
        expect(visitor.get_by_role("heading", name="1 practice note")).to_be_visible()
        visitor.get_by_role("link", name="Starting InnerSource with trusted committers").click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(
            "Starting InnerSource with trusted committers"
        )
        assert not scrolls_sideways(visitor)
        if javascript:
            assert accessibility_violations(visitor) == []
            screenshot(visitor, "chamber-practice")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_owner_endorses_on_a_phone_and_withdraws(new_page, log_in, javascript):
    organization = OrganizationFactory(name="Formstone Software")
    owner = MembershipFactory(organization=organization, owner=True).user
    position = PositionFactory(title="Public money, public code")

    page = new_page(viewport=PHONE_390, javascript=javascript)
    log_in(page, owner)
    page.goto("/advocacy/")
    page.get_by_role("link", name="Public money, public code").click()
    expect(page.get_by_role("heading", name="Endorsed by 0 organizations")).to_be_visible()
    page.get_by_label("On behalf of").select_option(label="Formstone Software")
    page.get_by_role("button", name="Endorse").click()
    expect(page.get_by_role("heading", name="Endorsed by 1 organization")).to_be_visible()
    assert Endorsement.objects.filter(position=position, organization=organization).exists()
    assert not scrolls_sideways(page)
    if javascript:
        assert accessibility_violations(page) == []
        screenshot(page, "chamber-position")

    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("heading", name="Endorsed by 0 organizations")).to_be_visible()
    assert not Endorsement.objects.exists()
