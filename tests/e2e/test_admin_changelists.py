"""Every admin changelist fits a 1280-pixel screen with the demo region's data: no column
hidden behind a sideways scroll of the results table."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tests.e2e.conftest import DESKTOP, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

RESULTS_OVERFLOW = """() => {
    const results = document.querySelector('#changelist .results');
    return results ? results.scrollWidth - results.clientWidth : 0;
}"""


def test_every_changelist_fits_a_laptop_screen(new_page, log_in, staff_user):
    call_command("seed_demo", verbosity=0)
    page = new_page(viewport=DESKTOP)
    log_in(page, staff_user)
    changelists = sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    )

    overflowing = {}
    for url in changelists:
        page.goto(url)
        if (hidden := page.evaluate(RESULTS_OVERFLOW)) > 0:
            overflowing[url] = hidden

    assert overflowing == {}, "pixels hidden to the right of each table"
    for url in ("/admin/directory/project/", "/admin/pledges/contribution/"):
        page.goto(url)
        screenshot(page, url.strip("/").replace("/", "-"))
