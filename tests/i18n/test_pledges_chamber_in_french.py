"""The site's frame, the pledges and the chamber in French under /fr/: the header's and the
footer's links lead to French pages, texts, form errors and the services' refusals are French,
and the same pages stay English at their unprefixed addresses."""

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from chamber.services import practice_publish
from pledges.services import contribution_log
from tests.chamber.factories import PositionFactory, PracticeNoteFactory
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.factories import StaffFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

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


# --- The chamber -------------------------------------------------------------------------------


@pytest.fixture
def chamber():
    organization = OrganizationFactory(name="Formstone Software", slug="formstone")
    owner = MembershipFactory(organization=organization, owner=True).user
    author = MembershipFactory(organization=organization, user__language="fr").user
    note = PracticeNoteFactory(organization=organization, author=author, title="Trusted committers")
    position = PositionFactory(title="Publish public code", slug="public-code")
    closed = PositionFactory(title="Fund maintainers", slug="fund", open_for_endorsement=False)
    return SimpleNamespace(
        organization=organization,
        owner=owner,
        author=author,
        note=note,
        position=position,
        closed=closed,
    )


def test_practices_in_french_link_to_french_pages(client, chamber):
    index = client.get("/fr/practices/").content.decode()
    assert '<html lang="fr">' in index
    assert "1 fiche pratique" in index
    assert "Chercher dans les fiches pratiques" in index
    assert 'href="/fr/practices/trusted-committers/"' in index
    detail = client.get("/fr/practices/trusted-committers/").content.decode()
    assert 'Une pratique de <a href="/fr/directory/organizations/formstone/">' in detail
    assert "Plus de pratiques de Formstone Software" in detail


def test_advocacy_in_french_and_an_endorsement_said_in_french(client, chamber):
    index = client.get("/fr/advocacy/").content.decode()
    assert "Ouverte aux appuis" in index
    assert "0 organisation l’appuie" in index
    feed = client.get("/fr/advocacy/feed.atom").content.decode()
    assert "<title>Prises de position du hub</title>" in feed
    client.force_login(chamber.owner)
    page = client.get("/fr/advocacy/public-code/").content.decode()
    assert "Appuyée par 0 organisation" in page
    assert '<label for="id_organization">Au nom de</label>' in page
    done = client.post(
        "/fr/advocacy/public-code/endorse/", {"organization": "formstone"}, follow=True
    )
    assert done.redirect_chain[0][0] == "/fr/advocacy/public-code/"
    assert "Formstone Software appuie cette prise de position." in done.content.decode()


def test_the_services_refusal_and_a_form_error_in_french(client, chamber):
    client.force_login(chamber.owner)
    refused = client.post("/fr/advocacy/fund/endorse/", {"organization": "formstone"})
    assert refused.status_code == 400
    assert (
        f"Cette prise de position est fermée{NBSP}: elle n’accepte plus de nouveaux appuis."
        in refused.content.decode()
    )
    client.force_login(chamber.author)
    empty = client.post("/fr/practices/new/", {"organization": chamber.organization.pk})
    assert empty.status_code == 400
    page = empty.content.decode()
    assert "Ce champ est obligatoire." in page
    assert '<label for="id_text">La fiche</label>' in page
    assert "Jusqu’à 8" in page


def test_the_author_hears_of_the_decision_in_french(chamber, django_capture_on_commit_callbacks):
    note = PracticeNoteFactory(
        organization=chamber.organization, author=chamber.author, pending=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        practice_publish(note=note, actor=StaffFactory())
    [message] = mail.outbox
    assert message.subject == f"Publiée{NBSP}: {note.title}"
    assert message.body.startswith(f"Bonjour {chamber.author.get_short_name()},")
    assert f"/fr/practices/{note.slug}/" in message.body


def test_the_chamber_stays_english_at_its_unprefixed_addresses(client, chamber):
    assert "1 practice note" in client.get("/practices/").content.decode()
    page = client.get("/advocacy/public-code/").content.decode()
    assert "Endorsed by 0 organizations" in page
    assert 'href="/practices/trusted-committers/"' in client.get("/practices/").content.decode()


# --- Pledges -----------------------------------------------------------------------------------


@pytest.fixture
def pledged():
    organization = OrganizationFactory(name="Harbour Code", slug="harbour-code")
    pledge = PledgeFactory(organization=organization, hours_per_period=Decimal("12.5"))
    member = MembershipFactory(organization=organization).user
    admin = MembershipFactory(organization=organization, admin=True).user
    ContributionFactory(pledge=pledge, contributor=member, hours=Decimal("2.5"))
    return SimpleNamespace(organization=organization, pledge=pledge, member=member, admin=admin)


def test_the_pledges_list_in_french_links_to_french_pages(client, pledged):
    page = client.get("/fr/pledges/").content.decode()
    assert '<html lang="fr">' in page
    assert "Engagements publics" in page and "Classements" in page
    assert f'href="/fr/pledges/{pledged.pledge.pk}/"' in page
    assert "12,5 heures par mois" in page
    assert "Depuis le début" in page


def test_a_pledge_page_in_french_for_its_member_and_its_admin(client, pledged):
    client.force_login(pledged.member)
    page = client.get(f"/fr/pledges/{pledged.pledge.pk}/").content.decode()
    assert "<h1>Engagement de Harbour Code</h1>" in page
    assert ">Déclarer les heures</button>" in page
    assert '<label for="id_description">Qu’avez-vous fait\u202f?</label>' in page
    assert "En attente d’approbation" in page
    # The chart's coordinates stay SVG numbers (a decimal comma would hide the bars).
    assert re.search(r'<rect x="\d+(\.\d+)?" y="\d+(\.\d+)?"', page)
    assert not re.search(r'<(rect|line|text) [^>]*="\d+,\d', page)
    client.force_login(pledged.admin)
    review = client.get(f"/fr/pledges/{pledged.pledge.pk}/").content.decode()
    assert "Approuver les déclarations cochées" in review


def test_a_form_error_and_a_service_refusal_on_the_page_in_french(client, pledged):
    client.force_login(pledged.member)
    log = {
        "date": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "hours": "0.3",
        "project_url": "https://example.org/toolkit",
        "description": "Relu deux demandes de fusion.",
    }
    form_error = client.post(
        f"/fr/pledges/{pledged.pledge.pk}/", {**log, "evidence_urls": "https://example.org/x"}
    )
    assert "Déclarez des quarts d’heure entiers" in form_error.content.decode()
    assert "https://example.org/x n’est pas une pull request" in form_error.content.decode()
    refused = client.post(f"/fr/pledges/{pledged.pledge.pk}/", {**log, "hours": "1"})
    assert refused.status_code == 200
    assert "Les heures ne se déclarent que pour aujourd’hui ou avant." in refused.content.decode()


def test_ending_a_pledge_is_announced_in_french(client, pledged):
    client.force_login(pledged.admin)
    ended = client.post(f"/fr/pledges/{pledged.pledge.pk}/end/", follow=True)
    assert ended.redirect_chain[0][0] == f"/fr/pledges/{pledged.pledge.pk}/"
    page = ended.content.decode()
    assert "L’engagement a pris fin. Son historique reste sur cette page." in page
    assert "Cet engagement a pris fin" in page


def test_a_service_refusal_reads_in_french(pledged):
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        contribution_log(
            pledge=pledged.pledge,
            user=pledged.member,
            data={
                "date": timezone.localdate() + timedelta(days=1),
                "hours": Decimal("1"),
                "project_url": "https://example.org/toolkit",
                "description": "Relu deux demandes de fusion.",
            },
        )
    assert refused.value.message_dict["date"] == [
        "Les heures ne se déclarent que pour aujourd’hui ou avant."
    ]


def test_pledges_stay_english_at_their_unprefixed_addresses(client, pledged):
    page = client.get("/pledges/").content.decode()
    assert "Public pledges" in page and "12.5 hours a month" in page
    detail = client.get(f"/pledges/{pledged.pledge.pk}/").content.decode()
    assert "<h1>Harbour Code’s pledge</h1>" in detail


def test_the_api_refuses_in_the_language_the_client_asks_for(client, chamber, pledged):
    client.force_login(chamber.owner)
    french = {"accept-language": "fr"}
    closed = client.post(
        "/api/v1/positions/fund/endorsements/",
        {"organization": "formstone"},
        content_type="application/json",
        headers=french,
    )
    assert closed.status_code == 400
    assert closed.json()["detail"] == (
        f"Cette prise de position est fermée{NBSP}: elle n’accepte plus de nouveaux appuis."
    )
    english = client.post(
        "/api/v1/positions/fund/endorsements/",
        {"organization": "formstone"},
        content_type="application/json",
    )
    assert english.json()["detail"] == "This position is closed: it takes no new endorsements."
    client.force_login(pledged.member)
    no_pledge = client.post(
        "/api/v1/contributions/",
        {"pledge": 999999, "date": timezone.localdate().isoformat(), "hours": "1"},
        content_type="application/json",
        headers=french,
    )
    assert no_pledge.status_code == 400
    assert no_pledge.json()["pledge"] == ["Aucun engagement ne porte cet identifiant."]
