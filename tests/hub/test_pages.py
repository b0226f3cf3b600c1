import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path

from tests.directory.factories import OrganizationFactory, TagFactory
from tests.factories import UserFactory


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken_view)]


HOME_QUERIES = 4  # featured organizations, their tags, and the two directory counts


@pytest.mark.django_db
def test_home_page_shows_navigation_skip_link_and_footer(client, django_assert_num_queries):
    OrganizationFactory(featured=True, tags=[TagFactory()])
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    for label, url in [
        ("Directory", "/directory/"),
        ("Events", "/events/"),
        ("Pledges", "/pledges/"),
    ]:
        assert f'<a href="{url}"' in html and label in html
    assert "Sign in" in html
    assert "<footer" in html
    footer = html[html.index("<footer") :]
    for url in ("/directory/", "/events/", "/pledges/", "/practices/", "/advocacy/"):
        assert f'<a href="{url}"' in footer
    assert 'name="viewport"' in html


@pytest.mark.django_db
def test_home_page_for_a_member_offers_account_and_sign_out(
    client, user, django_assert_num_queries
):
    client.force_login(user)
    OrganizationFactory(featured=True, tags=[TagFactory()])
    with django_assert_num_queries(HOME_QUERIES + 2):  # and the session and the user
        response = client.get("/")
    html = response.content.decode()
    assert user.get_short_name() in html
    assert "Sign out" in html
    assert "Sign in</a>" not in html


@pytest.mark.django_db
def test_home_page_features_organizations_in_constant_queries(client, django_assert_num_queries):
    tags = [TagFactory(), TagFactory()]
    OrganizationFactory(featured=True, name="Only Featured", tags=tags)
    OrganizationFactory(featured=False, name="Not Featured")
    with django_assert_num_queries(HOME_QUERIES):
        html = client.get("/").content.decode()
    assert "Only Featured" in html and "Not Featured" not in html
    OrganizationFactory.create_batch(8, featured=True, tags=tags)
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")


@pytest.mark.django_db
def test_pages_load_no_third_party_assets(client):
    """Every asset comes from our own static files: no CDN."""
    for url in [
        "/",
        "/directory/",
        "/events/",
        "/pledges/",
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        html = client.get(url).content.decode()
        assert "https://" not in html.split("<body")[0], url
        assert "<script" not in html, url
        assert "style=" not in html, url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/directory/", "/events/", "/pledges/"])
def test_section_pages_mark_the_current_navigation_item(client, url):
    html = client.get(url).content.decode()
    assert f'<a href="{url}" aria-current="page">' in html


@pytest.mark.django_db
def test_unknown_url_gets_a_styled_404_without_touching_the_database(
    client, django_assert_num_queries
):
    client.force_login(UserFactory())
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert "css/hub.css" in response.content.decode()


def test_500_page_renders_without_request_or_database():
    # No django_db mark: a query here would raise.
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "css/hub.css" in html


@pytest.mark.django_db
@pytest.mark.urls("tests.hub.test_pages")
def test_server_error_gets_the_styled_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_security_headers_allow_no_inline_script_or_style(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
