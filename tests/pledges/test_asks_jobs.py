"""The job that closes asks, exactly once: run twice, each person gets one e-mail (text and
HTML); and on PostgreSQL, real threads: a double-clicked offer makes one offer, two closings
at once close once. Each race keeps its negative control: without the constraint, or without
the transition's condition, the same race does it twice."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from hub.models import AuditEntry, SentNotification
from pledges.asks import services, tasks
from pledges.models import Ask, Offer
from tests.factories import UserFactory
from tests.pledges.asks_world import World, make_world
from tests.races import run_concurrently

TODAY = timezone.localdate()


@pytest.fixture
def world(db) -> World:
    return make_world()


def closing_audits(ask: Ask) -> int:
    return AuditEntry.objects.filter(
        target_type="pledges.ask",
        target_id=ask.pk,
        action__in=["ask.met", "ask.expired", "ask.closed"],
    ).count()


def test_the_beat_schedule_runs_the_job_hourly():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "asks_close_due" in e["task"]]
    assert [e["task"] for e in entries] == [tasks.asks_close_due_task.name]


def test_the_job_twice_sends_each_person_one_mail_with_text_and_html(
    world: World, django_capture_on_commit_callbacks
):
    services.offer_make(ask=world.ask, person=world.other, hours=Decimal("3"))
    Ask.objects.filter(pk=world.ask.pk).update(needed_by=TODAY - timedelta(days=1))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.asks_close_due_task()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.maintainer.email, world.other.email]
    )
    assert closing_audits(world.ask) == 1
    message = next(m for m in mail.outbox if m.to == [world.other.email])
    assert message.subject == f"Past its date: {world.ask.title} (stoopkit)"
    assert "you offered hours to it" in message.body
    ((html, kind),) = message.alternatives
    assert kind == "text/html" and "you offered hours to it" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A retry of the mail job itself sends nothing either.
    assert tasks.send_ask_closed_task(world.ask.pk) == 0
    assert SentNotification.objects.filter(kind="ask_update").count() == 2


def test_people_who_switched_the_mail_off_get_none(
    world: World, django_capture_on_commit_callbacks
):
    from hub.notifications import preference_set

    preference_set(user=world.maintainer, kind="ask_update", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        world.log("10")
    assert Ask.objects.get().status == Ask.Status.MET
    assert mail.outbox == []


def test_an_ask_met_behind_the_services_back_is_closed_by_the_job(
    world: World, django_capture_on_commit_callbacks
):
    log = world.log("2")
    type(log).objects.filter(pk=log.pk).update(hours=Decimal("10"))  # a staff correction
    with django_capture_on_commit_callbacks(execute=True):
        assert services.asks_close_due() == {"met": 1, "expired": 0}
    assert Ask.objects.get().status == Ask.Status.MET
    assert [m.to[0] for m in mail.outbox] == [world.maintainer.email]


# --- Races on PostgreSQL -------------------------------------------------------------------------

CONSTRAINT = "one_active_offer_per_person_and_ask"
CLICKS = 4


def offer_at_once(world: World, person):
    return run_concurrently(
        lambda hours: services.offer_make(ask=world.ask, person=person, hours=Decimal(hours)),
        [str(n + 1) for n in range(CLICKS)],
    )


def test_a_double_clicked_offer_makes_one(race):
    world = make_world()
    person = UserFactory()
    errors = offer_at_once(world, person)
    assert errors == []
    assert Offer.objects.filter(ask=world.ask, person=person, status="active").count() == 1


@pytest.fixture
def without_the_offer_constraint(race):
    table = Offer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{CONSTRAINT}"')
    yield
    Offer.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE UNIQUE INDEX "{CONSTRAINT}" ON "{table}" ("ask_id", "person_id") '
            "WHERE status = 'active'"
        )


def test_negative_control_without_the_constraint_the_same_clicks_make_several(
    without_the_offer_constraint, monkeypatch
):
    world = make_world()
    person = UserFactory()
    gate = threading.Barrier(CLICKS, timeout=30)
    real_lookup = services.offer_of

    def look_then_wait(*args):
        found = real_lookup(*args)
        gate.wait()
        return found

    monkeypatch.setattr(services, "offer_of", look_then_wait)
    errors = offer_at_once(world, person)
    assert errors == []
    assert Offer.objects.filter(ask=world.ask, person=person, status="active").count() == CLICKS


def close_at_once(world: World):
    return run_concurrently(
        lambda who: services.ask_close(ask=world.ask, actor=who),
        [world.maintainer, world.staff],
    )


def test_two_closings_at_once_close_the_ask_once(race):
    world = make_world()
    errors = close_at_once(world)
    assert errors == []
    assert closing_audits(world.ask) == 1


def test_negative_control_without_the_transitions_condition_it_closes_twice(race, monkeypatch):
    world = make_world()
    gate = threading.Barrier(2, timeout=30)

    def any_status(ask_id):
        gate.wait()  # both have decided to close before either writes
        return Ask.objects.filter(pk=ask_id)

    monkeypatch.setattr(services, "_still_open", any_status)
    errors = close_at_once(world)
    assert errors == []
    assert closing_audits(world.ask) == 2
