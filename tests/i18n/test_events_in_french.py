"""Events in French under /fr/: the list, an event's page with its registration block, the
ticket, the refusals of the services and the form errors, and the e-mails to a person who reads
French; the same pages stay English at their old addresses."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Registration
from tests.directory.factories import OrganizationFactory
from tests.events.factories import EventFactory
from tests.events.program_helpers import make_board, propose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


def html_of(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    return response.content.decode()


def text_of(html: str) -> str:
    """The page's words, tags dropped and spaces folded (no-break spaces kept)."""
    return re.sub(r"[ \n\t]+", " ", re.sub(r"<[^>]+>", " ", html))


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="(/[^"]*)"', html)


def french_event(**fields):
    starts_at = datetime(2031, 12, 7, 18, 30, tzinfo=TORONTO)
    defaults = {
        "title": "Rencontre open source de Toronto",
        "slug": "rencontre-toronto",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "time_zone": "America/Toronto",
        "capacity": 2,
    }
    return EventFactory(**{**defaults, **fields})


def test_the_list_of_events_in_french_links_to_french_pages(client):
    event = french_event(organization=OrganizationFactory(name="Harbour Code"))
    html = html_of(client.get("/fr/events/"))
    text = text_of(html)
    assert "Rencontre" in text and "· par Harbour Code" in text
    assert '<html lang="fr">' in html
    assert "1 événement à venir" in text
    assert "Affiner par type, mois ou organisation" in text
    assert "2 places restantes" in text
    assert "dimanche 7 décembre 2031, 18\u00a0h\u00a030" in text
    assert f"/fr/events/{event.slug}/" in hrefs(html)
    assert 'href="?when=past"' in html  # relative: it stays on /fr/events/
    assert not [h for h in hrefs(html) if h.startswith("/events/")]


def test_an_event_page_in_french_with_its_registration_block(client, user):
    event = french_event(registration_opens_at=timezone.now() + timedelta(days=3))
    client.force_login(user)
    html = html_of(client.get(f"/fr/events/{event.slug}/"))
    text = text_of(html)
    assert '<html lang="fr">' in html
    assert "À propos de cet événement" in text
    assert "Capacité" in text and "2 places\u00a0: 2 restantes" in text
    # The service's refusal, its moment written the French way.
    opens = timezone.localtime(event.registration_opens_at, TORONTO)
    assert f"Les inscriptions ouvrent le {opens.day} " in text
    assert " à " in text.split("Les inscriptions ouvrent le", 1)[1][:40]
    assert "Ajouter à votre agenda" in text
    assert "/fr/events/" in hrefs(html)


def test_a_form_error_and_a_message_in_french(client):
    event = french_event(ask_accessibility=True)
    person = UserFactory(language="fr")
    client.force_login(person)

    too_long = client.post(
        f"/fr/events/{event.slug}/register/", {"accessibility_needs": "x" * 5000}
    )
    assert too_long.status_code == 400
    assert "Besoins d\u2019accessibilité" in text_of(html_of(too_long))
    assert "au plus" in text_of(html_of(too_long)).lower()

    registered = client.post(f"/fr/events/{event.slug}/register/", follow=True)
    text = text_of(html_of(registered))
    assert "Vous avez une place. Votre billet arrive par courriel." in text
    assert "Votre billet" in text


def test_a_refusal_of_the_service_in_french(client, user):
    event = french_event()
    client.force_login(user)
    response = client.post(f"/fr/events/{event.slug}/cancel/", follow=True)
    assert "Vous n\u2019aviez aucune inscription à annuler." in text_of(html_of(response))


def test_the_ticket_page_in_french(client):
    event = french_event()
    person = UserFactory(language="fr")
    services.registration_create(event=event, user=person)
    client.force_login(person)
    text = text_of(html_of(client.get(f"/fr/events/{event.slug}/ticket/")))
    assert "Code du billet" in text
    assert "Confirmée" in text
    assert "Retour à l\u2019événement" in text


def test_a_ticket_reaches_a_french_speaker_in_french_with_french_links(
    django_capture_on_commit_callbacks,
):
    event = french_event()
    person = UserFactory(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(event=event, user=person)
    [message] = mail.outbox
    assert message.subject == "Votre billet pour Rencontre open source de Toronto"
    assert "vous avez une place à Rencontre open source de Toronto." in message.body
    assert "Quand\u00a0: dimanche 7 décembre 2031, 18\u00a0h\u00a030 EST" in message.body
    assert f"/fr/events/{event.slug}/" in message.body
    assert "/fr/me/" in message.body


def test_a_waitlist_place_reaches_a_french_speaker_in_french(django_capture_on_commit_callbacks):
    event = french_event(capacity=1)
    services.registration_create(event=event, user=UserFactory())
    person = UserFactory(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.registration_create(event=event, user=person)
    assert result.registration.status == Registration.Status.WAITLISTED
    message = mail.outbox[-1]
    assert (
        message.subject
        == "Vous êtes sur la liste d\u2019attente de Rencontre open source de Toronto"
    )
    assert "vous êtes en position 1 sur la liste d\u2019attente" in message.body


def test_the_same_pages_stay_english_at_their_old_addresses(client, user):
    event = french_event(registration_opens_at=timezone.now() + timedelta(days=3))
    listing = text_of(html_of(client.get("/events/")))
    assert "1 upcoming event" in listing and "2 seats left" in listing
    assert "Sunday, December 7, 2031, 6:30 PM" in listing
    client.force_login(user)
    html = html_of(client.get(f"/events/{event.slug}/"))
    assert '<html lang="en">' in html
    text = text_of(html)
    assert "About this event" in text
    assert "Registration opens on " in text and " at " in text
    assert "/fr/" not in " ".join(hrefs(html))


def test_the_session_board_in_french_and_a_proposal_refused_in_french(client):
    board = make_board()
    propose(board, "Que serait une chambre de commerce de l'open source ?")
    client.force_login(board.attendee)
    html = html_of(client.get(f"/fr/events/{board.event.slug}/sessions/"))
    text = text_of(html)
    assert "Propositions de séances" in text
    assert "1 proposition" in text
    assert f"/fr/events/{board.event.slug}/sessions/new/" in hrefs(html)

    too_short = client.post(
        f"/fr/events/{board.event.slug}/sessions/new/",
        {"title": "Oui", "format": "talk", "duration_minutes": 45},
    )
    assert too_short.status_code == 400
    assert "Donnez à la séance un titre d\u2019au moins 5 caractères." in html_of(too_short)


def test_the_board_of_a_closed_event_says_why_in_french(client):
    board = make_board(proposals_open=False)
    text = text_of(html_of(client.get(f"/fr/events/{board.event.slug}/sessions/")))
    assert "Le tableau des séances n\u2019est pas encore ouvert." in text


def test_the_organizer_pages_in_french(client):
    organizer = UserFactory(language="fr")
    event = french_event(organizers=[organizer])
    client.force_login(organizer)
    html = html_of(client.get(f"/fr/events/{event.slug}/manage/"))
    text = text_of(html)
    assert "Outils d\u2019organisation" in text
    assert "Liste des personnes inscrites" in text
    assert f"/fr/events/{event.slug}/manage/edit/" in hrefs(html)

    refused = client.post(
        f"/fr/events/{event.slug}/manage/check-in/", {"ticket_code": "NOPE-NOPE-NOPE"}, follow=True
    )
    assert "Aucun billet de cet événement ne porte ce code." in text_of(html_of(refused))

    edit = text_of(html_of(client.get(f"/fr/events/{event.slug}/manage/edit/")))
    assert "Ouverture des inscriptions" in edit and "Fuseau horaire" in edit


def test_the_api_refuses_in_the_language_the_client_asks_for(client, user):
    event = french_event()
    client.force_login(user)
    url = f"/api/v1/events/{event.slug}/registration/"
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 404
    assert french.json()["detail"] == "Vous n\u2019avez aucune inscription à cet événement."
    english = client.get(url)
    assert english.json()["detail"] == "You have no registration for this event."
