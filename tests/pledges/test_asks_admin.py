"""Staff's admin of asks and offers: the lists and pages open, closing and withdrawing go
through the services (an audit row each), a staff correction is audited, and an ask with
offers or hours cannot be deleted."""

from decimal import Decimal

import pytest
from django.test import Client

from hub.models import AuditEntry
from pledges.asks import services
from pledges.models import Ask, Offer
from tests.pledges.asks_world import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def staff_client(world: World) -> Client:
    client = Client()
    client.force_login(world.staff)
    return client


def test_the_admin_pages_open(staff_client, world: World):
    services.offer_make(ask=world.ask, person=world.other, hours=Decimal("3"))
    world.log("2")
    offer = Offer.objects.get()
    for url in (
        "/admin/pledges/ask/",
        "/admin/pledges/ask/?status=open&q=translate",
        f"/admin/pledges/ask/{world.ask.pk}/change/",
        "/admin/pledges/ask/add/?project=x",
        "/admin/pledges/offer/",
        f"/admin/pledges/offer/{offer.pk}/change/",
    ):
        assert staff_client.get(url).status_code == 200, url


def test_closing_from_the_admin_goes_through_the_service(staff_client, world: World):
    response = staff_client.post(
        "/admin/pledges/ask/",
        {"action": "close_selected", "_selected_action": [world.ask.pk]},
    )
    assert response.status_code == 302
    assert Ask.objects.get().status == Ask.Status.CLOSED
    assert AuditEntry.objects.filter(action="ask.closed", actor=world.staff).count() == 1


def test_withdrawing_an_offer_from_the_admin_goes_through_the_service(staff_client, world: World):
    offer, _ = services.offer_make(ask=world.ask, person=world.other, hours=Decimal("3"))
    staff_client.post(
        "/admin/pledges/offer/",
        {"action": "withdraw_selected", "_selected_action": [offer.pk]},
    )
    assert Offer.objects.get().status == Offer.Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="ask.offer_withdraw", actor=world.staff).exists()


def test_a_staff_correction_is_audited(staff_client, world: World):
    url = f"/admin/pledges/ask/{world.ask.pk}/change/"
    data = {
        "title": "Translate the resident pages, Spanish first",
        "text": world.ask.text,
        "skills": [tag.pk for tag in world.ask.skills.all()],
        "how_to_start": "",
        "hours_wanted": "12",
        "needed_by": world.ask.needed_by.isoformat(),
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "0",
        "offers-MAX_NUM_FORMS": "1000",
    }
    assert staff_client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="ask.staff_edit")
    assert set(entry.detail["fields"]) == {"title", "hours_wanted", "how_to_start"}


def test_an_ask_with_offers_cannot_be_deleted(staff_client, world: World):
    services.offer_make(ask=world.ask, person=world.other, hours=Decimal("3"))
    assert staff_client.get(f"/admin/pledges/ask/{world.ask.pk}/delete/").status_code == 403


def test_people_who_are_not_staff_get_no_admin(world: World):
    client = Client()
    client.force_login(world.maintainer)
    assert client.get("/admin/pledges/ask/").status_code == 302
