"""seed_demo's asks (pledges/demo/asks.yaml): believable asks of the region's projects, posted
by their maintainers, with offers and approved hours naming them; one met and closed without
a mail; loading twice adds nothing."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, F
from django.test import Client

from hub.models import AuditEntry
from pledges.asks.permissions import user_maintains
from pledges.asks.queries import approved_hours_of, open_public_asks
from pledges.models import Ask, Contribution, Offer, PersonSkill

pytestmark = pytest.mark.django_db


def counts() -> tuple:
    return (
        Ask.objects.count(),
        Offer.objects.count(),
        Contribution.objects.filter(ask__isnull=False).count(),
        PersonSkill.objects.count(),
        AuditEntry.objects.filter(action__startswith="ask.").count(),
    )


def test_the_demo_asks_are_believable_valid_and_loaded_once():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    asks = Ask.objects.all()
    assert 6 <= asks.count() <= 10
    for ask in asks.select_related("project", "posted_by"):
        assert user_maintains(user=ask.posted_by, project=ask.project), ask
        assert ask.skills.exists() and ask.how_to_start
    [met] = asks.filter(status=Ask.Status.MET)
    assert approved_hours_of(met.pk) >= met.hours_wanted and met.closed_at
    assert open_public_asks().count() == asks.count() - 1
    assert Offer.objects.filter(status=Offer.Status.ACTIVE).count() >= 4
    named = Contribution.objects.filter(ask__isnull=False)
    statuses = dict(named.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses["approved"] >= 3 and statuses["pending"] >= 1
    assert not named.exclude(project=F("ask__project")).exists()
    assert mail.outbox == []  # the met ask told nobody: it is demo data

    call_command("seed_demo", stdout=StringIO())
    assert counts() == first

    html = Client().get("/asks/").content.decode()
    assert "Translate the resident pages into Spanish, Korean and Amharic" in html
