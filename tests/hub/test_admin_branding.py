"""The admin carries the hub's name and favicon, on its login page and every page behind it."""

import pytest


@pytest.fixture(autouse=True)
def _hub_name(settings):
    settings.HUB_NAME = "Chesapeake Open Source Hub"


def test_the_admin_index_names_the_hub(client, staff_user):
    client.force_login(staff_user)

    html = client.get("/admin/").content.decode()

    assert (
        "<title>Curate Chesapeake Open Source Hub | Chesapeake Open Source Hub admin</title>"
        in html
    )
    assert '<a href="/admin/">Chesapeake Open Source Hub admin</a>' in html
    assert "<h1>Curate Chesapeake Open Source Hub</h1>" in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert "Django" not in html


def test_the_admin_login_page_names_the_hub(client):
    html = client.get("/admin/login/").content.decode()

    assert "Chesapeake Open Source Hub admin" in html
    assert '<link rel="icon" href="/static/favicon.svg"' in html


def test_a_changelist_names_the_hub_in_its_title(client, staff_user):
    client.force_login(staff_user)

    html = client.get("/admin/directory/project/").content.decode()

    assert "| Chesapeake Open Source Hub admin</title>" in html
