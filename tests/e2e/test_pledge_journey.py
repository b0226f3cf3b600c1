"""Pledges in a real browser: make one, log hours, approve them, watch the numbers move."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pledges.models import Contribution, Pledge
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def _hours_this_period_board(page):
    return page.get_by_role("region", name="Organizations by hours this period")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_admin_pledges_a_member_logs_hours_the_admin_approves_and_the_numbers_change(
    new_page, log_in, javascript
):
    organization = OrganizationFactory(name="Harbor Data Co")
    ProjectFactory(name="Row House Toolkit", organizations=[organization])
    admin = MembershipFactory(organization=organization, admin=True).user
    member = MembershipFactory(organization=organization, user__display_name="Mary Member").user

    admin_page = new_page(javascript=javascript)
    log_in(admin_page, admin)
    admin_page.goto(organization.get_absolute_url())
    admin_page.get_by_role("link", name="Make a pledge").first.click()
    admin_page.get_by_label("A number of hours").check()
    admin_page.get_by_label("Hours per period").fill("10")
    admin_page.get_by_label("Period", exact=True).select_option("month")
    admin_page.get_by_role("button", name="Make the pledge").click()
    expect(admin_page.get_by_role("status").first).to_contain_text("Pledge made")
    pledge = Pledge.objects.get(organization=organization)
    progress = admin_page.locator(".pledge-current progress")
    expect(progress).to_have_attribute("value", "0")
    expect(admin_page.locator(".pledge-current")).to_contain_text("0 of 10 hours")

    visitor = new_page(javascript=javascript)
    visitor.goto("/pledges/")
    expect(visitor.locator(".pledge-list")).to_contain_text("Harbor Data Co")
    board = _hours_this_period_board(visitor)
    expect(board.locator("li", has_text="Harbor Data Co")).to_contain_text("0 h")

    member_page = new_page(viewport=PHONE, javascript=javascript)
    log_in(member_page, member)
    member_page.goto(pledge.get_absolute_url())
    log_form = member_page.get_by_role("region", name="Log your hours")
    log_form.get_by_label("Date", exact=True).fill(timezone.localdate().isoformat())
    log_form.get_by_label("Hours", exact=True).fill("2.5")
    log_form.get_by_label("Project", exact=True).select_option(label="Row House Toolkit")
    log_form.get_by_label("What did you do?").fill("Reviewed pull requests.")
    log_form.get_by_role("button", name="Log hours").click()
    expect(member_page.get_by_role("status").first).to_contain_text("2.5 hours logged")
    expect(member_page.locator(".pledge-current")).to_contain_text(
        re.compile(r"plus 2\.50? waiting for review")
    )
    expect(member_page.locator(".pledge-current progress")).to_have_attribute("value", "0")

    admin_page.goto(pledge.get_absolute_url())
    review = admin_page.get_by_role("region", name="Waiting for review")
    review.get_by_role("button", name="Approve the log").click()
    expect(admin_page.get_by_role("status").first).to_contain_text("pprove")
    assert Contribution.objects.get().status == Contribution.Status.APPROVED

    member_page.goto(pledge.get_absolute_url())
    current = member_page.locator(".pledge-current")
    expect(current).to_contain_text(re.compile(r"2\.50? of 10 hours"))
    expect(current.locator("progress")).to_have_attribute("value", "25")

    visitor.goto("/pledges/")
    board = _hours_this_period_board(visitor)
    expect(board.locator("li", has_text="Harbor Data Co")).to_contain_text(re.compile(r"2\.50? h"))
    all_time = visitor.get_by_role("region", name="Organizations, all time")
    expect(all_time.locator("li", has_text="Harbor Data Co")).to_contain_text(
        re.compile(r"2\.50? h")
    )
