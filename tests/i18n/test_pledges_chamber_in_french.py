"""The site's frame, the pledges and the chamber in French under /fr/: the header's and the
footer's links lead to French pages, texts, form errors and the services' refusals are French,
and the same pages stay English at their unprefixed addresses."""

import re

import pytest

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def links(html: str) -> set[str]:
    return set(re.findall(r'<a [^>]*href="([^"]+)"', html))


def frame(html: str) -> str:
    """The page's header and footer."""
    return "".join(re.findall(r"<header .*?</header>|<footer .*?</footer>", html, re.S))


def test_the_header_and_footer_lead_to_french_pages_in_french(client):
    page = client.get("/fr/practices/").content.decode()
    assert '<html lang="fr">' in page
    assert "Aller au contenu principal" in page
    for href, label in [
        ("/fr/directory/", "Répertoire"),
        ("/fr/events/", "Événements"),
        ("/fr/pledges/", "Engagements"),
        ("/fr/asks/", "Appels"),
        ("/fr/practices/", "Pratiques"),
        ("/fr/advocacy/", "Plaidoyer"),
        ("/fr/impact/", "L’année en chiffres"),
    ]:
        assert re.search(rf'<a href="{href}"[^>]*>{label}</a>', page), label
    assert '<a href="/fr/accounts/login/"' in page and ">Se connecter</a>" in page
    assert '<nav aria-label="Pied de page">' in page
    assert "Une chambre de commerce open source pour " in page
    assert links(frame(page)) - {"/api/docs/"} == {
        href for href in links(frame(page)) if href.startswith("/fr/")
    }


def test_a_signed_in_person_signs_out_in_french(client, django_user_model):
    person = django_user_model.objects.create_user(email="ines@example.org", password="x")
    client.force_login(person)
    page = client.get("/fr/pledges/").content.decode()
    assert ">Se déconnecter</button>" in page
    assert '<a href="/fr/me/"' in page


def test_the_frame_stays_english_at_the_unprefixed_address(client):
    page = client.get("/practices/").content.decode()
    assert '<html lang="en">' in page
    assert '<a href="/directory/">Directory</a>' in page
    assert ">Skip to main content</a>" in page
    assert '<nav aria-label="Footer">' in page
    assert not any(href.startswith("/fr/") for href in links(frame(page)))
