"""English at the addresses that always were, each other language of HUB_LANGUAGES under its
prefix; a switcher that works without script and keeps a signed-in person's choice; a first
visit offered the browser's language; cached pages never served in the other language; and
e-mails written in the recipient's language whatever language the job runs in."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from hub.notifications import build_message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/directory/", "/events/", "/pledges/", "/practices/", "/advocacy/"]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_english_where_it_was_and_french_under_fr(client, path):
    english = client.get(path)
    french = client.get(f"/fr{path}")
    assert english.status_code == french.status_code == 200
    assert html_lang(english) == "en"
    assert html_lang(french) == "fr"
    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"


def test_the_api_and_the_health_check_keep_one_address(client):
    assert client.get("/api/v1/events/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/fr/api/v1/events/").status_code == 404


def test_the_switcher_is_a_form_posting_to_set_language_from_every_page(client):
    page = client.get("/events/").content.decode()
    assert page.count('action="/i18n/setlang/"') == 2  # header and footer
    assert 'name="next" value="/events/"' in page
    assert '<button type="submit" name="language" value="fr" lang="fr">Français</button>' in page
    french = client.get("/fr/events/").content.decode()
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in french
    assert "Langue" in french


def test_choosing_french_answers_with_the_same_page_in_french(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/events/?kind=meetup"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/events/?kind=meetup"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    back = client.post("/i18n/setlang/", {"language": "en", "next": "/fr/events/"})
    assert back["Location"] == "/events/"


def test_a_signed_in_persons_choice_is_kept_on_their_profile(client):
    person = UserFactory()
    client.force_login(person)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/me/"})
    person.refresh_from_db()
    assert person.language == "fr"


def test_a_language_the_hub_does_not_offer_changes_nothing(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == ""


def test_only_a_switch_with_the_csrf_token_changes_the_profile():
    from django.test import Client

    checked = Client(enforce_csrf_checks=True)
    anonymous = checked.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert anonymous.status_code == 302  # it only sets the reader's own cookie
    person = UserFactory()
    checked.force_login(person)
    forged = checked.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert forged.status_code == 302  # the cookie only
    person.refresh_from_db()
    assert person.language == ""
    page = checked.get("/events/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    honest = checked.post(
        "/i18n/setlang/", {"language": "fr", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert honest.status_code == 302
    person.refresh_from_db()
    assert person.language == "fr"


def test_an_anonymous_page_carries_no_csrf_token_so_it_can_be_cached(client):
    assert "csrfmiddlewaretoken" not in client.get("/events/").content.decode()


def test_a_first_visit_is_offered_the_browsers_language_not_given_it(client):
    offered = client.get("/events/", headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"})
    page = offered.content.decode()
    assert html_lang(offered) == "en"
    assert '<a href="/fr/events/" hreflang="fr">Lire cette page en français</a>' in page
    assert 'class="language-offer container" lang="fr"' in page


def test_no_offer_once_the_reader_chose_or_when_the_page_is_already_theirs(client):
    assert (
        "language-offer"
        not in client.get("/fr/events/", headers={"accept-language": "fr"}).content.decode()
    )
    assert (
        "language-offer"
        not in client.get("/events/", headers={"accept-language": "en-US"}).content.decode()
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        "language-offer"
        not in client.get("/events/", headers={"accept-language": "fr"}).content.decode()
    )


def test_the_page_cache_keys_on_the_language_and_the_offer(client, settings):
    settings.HUB_PAGE_CACHE_SECONDS = 60
    assert html_lang(client.get("/events/")) == "en"
    assert html_lang(client.get("/fr/events/")) == "fr"
    assert (
        "language-offer"
        in client.get("/events/", headers={"accept-language": "fr"}).content.decode()
    )
    assert "language-offer" not in client.get("/events/").content.decode()


def test_hub_languages_is_a_setting(settings):
    assert settings.LANGUAGE_CODE == "en"
    assert [code for code, _name in settings.LANGUAGES] == ["en", "fr"]
    assert dict(settings.LANGUAGES)["fr"] == "français"


def test_an_unknown_language_in_hub_languages_stops_the_start():
    from tests.conftest import run_django

    result = run_django({"DEBUG": "1", "HUB_LANGUAGES": "en,xx"})
    assert result.returncode != 0
    assert "HUB_LANGUAGES: Django knows no language 'xx'" in result.stderr


@pytest.fixture
def language_probe_templates(settings, tmp_path):
    """Mail templates that print the language they were rendered in."""
    probe = "{% load i18n %}{% get_current_language as language %}in {{ language }}"
    for name in ("probe_subject.txt", "probe.txt", "probe.html"):
        (tmp_path / name).write_text(probe)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]


@pytest.mark.parametrize(("language", "expected"), [("fr", "in fr"), ("", "in en")])
def test_an_email_is_written_in_the_recipients_language(
    language_probe_templates, language, expected
):
    person = UserFactory(language=language)
    with translation.override("en" if language == "fr" else "fr"):  # the job's own language
        message = build_message(kind="ticket", user=person, template="probe", context={})
    assert message.subject == expected
    assert message.body == expected
    assert message.alternatives[0][0] == expected
    assert not mail.outbox


def test_error_pages_speak_the_language_of_the_address(client):
    missing = client.get("/fr/nulle-part/")
    assert missing.status_code == 404
    assert html_lang(missing) == "fr"
    assert "Nous n’avons pas trouvé cette page" in missing.content.decode()
    assert "We could not find that page" in client.get("/nowhere/").content.decode()


def test_a_refused_request_is_answered_in_the_language_of_the_address(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    refused = client.post(
        "/fr/directory/submit/",
        {"name": "x" * 2000},
        content_type="application/x-www-form-urlencoded",
    )
    assert refused.status_code == 413
    page = refused.content.decode()
    assert "Cette requête est trop volumineuse" in page
    assert "la limite est de 1\u202f000" in page or "la limite est de 1\u00a0000" in page


def test_the_api_answers_in_the_clients_language_at_its_one_address(client):
    missing = client.get("/api/v1/no-such-thing/", headers={"accept-language": "fr"})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Introuvable.", "code": "not_found"}
    assert client.get("/api/v1/no-such-thing/").json()["detail"] == "Not found."
    refused = client.post("/api/v1/contributions/", {}, headers={"accept-language": "fr"})
    assert refused.status_code in (401, 403)
    assert "authentification" in refused.json()["detail"].lower()


def test_a_french_page_offers_nothing_to_crawlers_or_readers_of_another_language(client):
    for accept in ("", "de-DE,de;q=0.9"):
        page = client.get("/fr/events/", headers={"accept-language": accept}).content.decode()
        assert "language-offer" not in page, accept


def test_the_cache_key_of_one_address_differs_by_language():
    from django.test import RequestFactory
    from django.utils import translation

    from hub.pagecache import _page_key

    request = RequestFactory().get("/api/v1/events/")
    with translation.override("en"):
        english = _page_key(request, ("events",))
    with translation.override("fr"):
        french = _page_key(request, ("events",))
    assert english != french
