"""A person's asks data in their account: the export holds their skills, their offers and the
ask each log answers; deleting the account removes their skills and withdraws their offers,
without their notes (audited)."""

from decimal import Decimal

import pytest
from django.test import Client

from hub.models import AuditEntry
from pledges.asks import services
from pledges.models import Offer, PersonSkill
from portal import services as portal_services
from tests.factories import TEST_PASSWORD
from tests.pledges.asks_world import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return make_world()


def test_the_export_holds_skills_offers_and_the_asks_logs_answer(world: World):
    person = world.contributor
    services.skills_set(user=person, skills=list(world.ask.skills.all()))
    services.offer_make(ask=world.ask, person=person, hours=Decimal("5"), note="Evenings.")
    world.log("2", approve=False)
    client = Client()
    client.force_login(person)
    document = client.get("/me/export.json").json()
    assert document["skills"] == ["python"]
    [offer] = document["ask_offers"]
    assert (offer["ask"], offer["project"], offer["hours"], offer["note"]) == (
        world.ask.pk,
        "stoopkit",
        "5.00",
        "Evenings.",
    )
    assert [log["ask"] for log in document["contributions"]] == [world.ask.pk]


def test_deleting_the_account_takes_skills_and_offers_away(world: World):
    person = world.other
    services.skills_set(user=person, skills=list(world.ask.skills.all()))
    services.offer_make(ask=world.ask, person=person, hours=Decimal("5"), note="Call me.")
    portal_services.account_delete(user=person, password=TEST_PASSWORD)
    assert not PersonSkill.objects.filter(person=person).exists()
    offer = Offer.objects.get(person=person)
    assert (offer.status, offer.note) == (Offer.Status.WITHDRAWN, "")
    entry = AuditEntry.objects.get(action="account.delete")
    assert entry.detail["skills_removed"] == 1 and entry.detail["offers_withdrawn"] == 1
