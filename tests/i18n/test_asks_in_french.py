"""The asks in French: the list, an ask's page, the offer form's errors, the services'
refusals and the closing e-mail; and the same pages still in English where they were."""

import pytest
from django.core import mail

from pledges.asks import services
from portal import digest
from tests.factories import UserFactory
from tests.pledges.asks_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_the_list_and_an_ask_read_in_french_with_french_links(client, world):
    listing = client.get("/fr/asks/").content.decode()
    assert '<html lang="fr">' in listing
    assert "<h1>Appels</h1>" in listing
    assert "1 appel ouvert" in listing
    assert f'href="/fr/asks/{world.ask.pk}/"' in listing
    assert "heures d’ici le" in listing

    page = client.get(f"/fr/asks/{world.ask.pk}/").content.decode()
    assert "Heures demandées" in page
    assert "<strong>0 heures sur 10</strong> données et approuvées (0\u00a0%)" in page
    assert "Se connecter pour offrir des heures" in page


def test_the_same_pages_stay_english_at_their_addresses(client, world):
    listing = client.get("/asks/").content.decode()
    assert "<h1>Asks</h1>" in listing and "1 open ask" in listing
    page = client.get(f"/asks/{world.ask.pk}/").content.decode()
    assert "<strong>0 of 10 hours</strong> given and approved (0%)" in page


def test_an_offer_with_bad_hours_is_refused_in_french(client, world):
    client.force_login(world.other)
    response = client.post(f"/fr/asks/{world.ask.pk}/offer/", {"hours": "0.3", "note": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Veuillez corriger le problème ci-dessous." in page
    assert "Heures que vous offrez" in page
    assert "Déclarez des quarts d’heure entiers" in page


def test_an_offer_to_a_closed_ask_is_refused_in_french(client, world):
    services.ask_close(ask=world.ask, actor=world.maintainer)
    client.force_login(world.other)
    page = client.get(f"/fr/asks/{world.ask.pk}/").content.decode()
    assert "Cet appel est fermé\u00a0: il n’accepte plus d’offres." in page


def test_the_closing_mail_reaches_a_french_speaker_in_french(
    world, django_capture_on_commit_callbacks
):
    world.other.language = "fr"
    world.other.save(update_fields=["language"])
    services.offer_make(ask=world.ask, person=world.other, hours="4")
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_close(ask=world.ask, actor=world.maintainer)
    [to_them] = [m for m in mail.outbox if m.to == [world.other.email]]
    assert to_them.subject == "Fermé\u00a0: Translate the resident pages (stoopkit)"
    assert (
        "les responsables de stoopkit ont fermé l’appel «\u00a0Translate the resident pages\u00a0»"
        in (to_them.body)
    )
    assert "Vous en êtes informé parce que vous y avez offert des heures. Merci." in to_them.body
    assert f"/fr/asks/{world.ask.pk}/" in to_them.body


def test_the_digests_asks_reach_a_french_reader_in_french(mail_over_smtp, world):
    from tests.hub.test_digest_messages import parts, subscribe

    reader = UserFactory(language="fr")
    services.skills_set(user=reader, skills=list(world.ask.skills.all()))
    subscribe(reader)
    digest.send_digest()
    [message] = mail_over_smtp.messages
    for part in parts(message):
        assert "Nouveaux appels à contributions qui correspondent" in part
        assert f"/fr/asks/{world.ask.pk}/" in part
        assert "New asks that match" not in part


def test_a_log_naming_a_closed_ask_is_refused_in_french(world):
    from django.utils import translation

    from pledges.asks.services import answered_ask_error
    from pledges.models import Contribution

    services.ask_close(ask=world.ask, actor=world.maintainer)
    log = Contribution(pledge=world.pledge, project=world.project, ask=world.ask)
    with translation.override("fr"):
        error = answered_ask_error(log, named_before=None)
    assert error == "Cet appel est fermé\u00a0: il n’accepte plus d’heures."
