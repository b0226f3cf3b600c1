"""Staff curation in a real browser: a pending listing approved in the admin goes public."""

import pytest
from playwright.sync_api import expect

from directory.models import ListingStatus
from tests.directory.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_staff_approve_a_pending_listing_in_the_admin_and_it_appears_in_the_directory(
    new_page, log_in, staff_user, javascript
):
    OrganizationFactory(name="Already Listed Lab")
    pending = OrganizationFactory(name="Canton Civic Tech", pending=True)

    visitor = new_page(javascript=javascript)
    visitor.goto("/directory/")
    cards = visitor.locator(".listing-card h3")
    expect(cards).to_have_text(["Already Listed Lab"])

    staff = new_page(javascript=javascript)
    log_in(staff, staff_user)
    staff.goto("/admin/directory/organization/")
    row = staff.locator("#result_list tbody tr", has_text="Canton Civic Tech")
    row.locator("input.action-select").check()
    staff.get_by_label("Action:").select_option(label="Publish selected listings")
    staff.get_by_role("button", name="Go").click()
    expect(staff.locator("ul.messagelist")).to_contain_text("ublish")
    pending.refresh_from_db()
    assert pending.status == ListingStatus.PUBLISHED

    visitor.goto("/directory/")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="Canton Civic Tech")).to_be_visible()
    visitor.get_by_role("link", name="Canton Civic Tech").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Canton Civic Tech")
