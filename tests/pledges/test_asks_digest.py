"""The weekly digest's asks section: each reader sees the new asks of the week that match
their skills or a project their organizations' pledges target, and nobody else's; the queries
per batch stay the same whatever its size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import ListingStatus
from hub.models import SentNotification
from pledges.asks import services
from pledges.models import Ask
from portal import digest
from tests.directory.factories import TagFactory
from tests.factories import UserFactory
from tests.hub.test_digest_messages import parts, subscribe
from tests.pledges.asks_world import World, make_world

pytestmark = pytest.mark.django_db
SECTION = "New asks that match your skills or your organizations"


@pytest.fixture
def world(db) -> World:
    return make_world()


def test_each_reader_gets_the_asks_that_match_them(mail_over_smtp, world: World):
    skilled = UserFactory()
    services.skills_set(user=skilled, skills=list(world.ask.skills.all()))
    unmatched = UserFactory()
    services.skills_set(user=unmatched, skills=[TagFactory(name="Rust")])
    subscribe(skilled, unmatched, world.contributor)
    old = Ask.objects.create(
        project=world.project,
        title="An ask of last month",
        text="Old.",
        hours_wanted=5,
        needed_by=timezone.localdate() + timedelta(days=5),
        created_at=timezone.now() - timedelta(days=30),
    )
    old.skills.set(world.ask.skills.all())
    digest.send_digest()
    by_reader = {message["To"]: message for message in mail_over_smtp.messages}
    # By skill, and (the contributor) by the project their organization's pledge targets.
    for reader in (skilled, world.contributor):
        for part in parts(by_reader[reader.email]):
            assert SECTION in part and world.ask.title in part
            assert old.title not in part
    for part in parts(by_reader[unmatched.email]):
        assert SECTION not in part and world.ask.title not in part


@pytest.mark.parametrize("hidden_by", ["closing", "unpublishing its project"])
def test_a_closed_or_hidden_ask_is_not_in_the_digest(mail_over_smtp, world: World, hidden_by):
    subscribe(world.contributor)
    if hidden_by == "closing":
        services.ask_close(ask=world.ask, actor=world.maintainer)
    else:
        world.project.status = ListingStatus.PENDING
        world.project.save()
    digest.send_digest()
    [message] = mail_over_smtp.messages
    assert world.ask.title not in parts(message)[0]


def test_queries_per_batch_do_not_grow_with_the_readers_matched(mail_over_smtp, world: World):
    digest.digest_content()  # the pledge totals are cached from here on
    skills = list(world.ask.skills.all())

    def readers(n):
        people = UserFactory.create_batch(n)
        for person in people:
            services.skills_set(user=person, skills=skills)
        subscribe(*people)

    readers(2)
    with CaptureQueriesContext(connection) as two_people:
        digest.send_digest(batch_size=20)
    SentNotification.objects.all().delete()
    readers(6)
    with CaptureQueriesContext(connection) as eight_people:
        digest.send_digest(batch_size=20)
    assert len(eight_people) == len(two_people)
    assert sum(world.ask.title in parts(m)[0] for m in mail_over_smtp.messages) == 2 + 8
