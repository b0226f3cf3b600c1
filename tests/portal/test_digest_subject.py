"""The digest's subject says what is in it, in words a person would open: "This week at <hub>:
1 upcoming event, 2 new projects"; never a count of zero."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from hub import notifications
from portal import digest
from tests.directory.factories import OrganizationFactory, ProjectFactory
from tests.events.factories import EventFactory
from tests.factories import UserFactory


def content(events=0, projects=0, organizations=0, seeking=0) -> dict:
    return {
        "events": [object()] * events,
        "project_count": projects,
        "organization_count": organizations,
        "seeking": [object()] * seeking,
    }


@pytest.mark.parametrize(
    ("numbers", "headline"),
    [
        ({"events": 3, "projects": 2}, "3 upcoming events, 2 new projects"),
        ({"events": 1, "projects": 1, "organizations": 1},
         "1 upcoming event, 1 new project, 1 new organization"),
        ({"organizations": 4, "seeking": 6}, "4 new organizations"),
        ({"seeking": 6}, "6 projects looking for contributors"),
        ({"seeking": 1}, "1 project looking for contributors"),
        ({}, ""),
    ],
)  # fmt: skip
def test_the_headline_names_only_what_there_is(numbers, headline):
    assert digest.digest_headline(content(**numbers)) == headline


@pytest.mark.django_db
def test_the_digest_subject_reads_well(settings):
    settings.HUB_NAME = "Chesapeake Open Source Hub"
    notifications.preference_set(user=UserFactory(), kind="weekly_digest", enabled=True)
    EventFactory(starts_at=timezone.now() + timedelta(days=5))
    ProjectFactory.create_batch(2)
    OrganizationFactory(published_at=timezone.now() - timedelta(days=30))  # not this week's

    digest.send_digest()

    [message] = mail.outbox
    assert (
        message.subject
        == "This week at Chesapeake Open Source Hub: 1 upcoming event, 2 new projects"
    )


@pytest.mark.django_db
def test_a_quiet_week_says_so_without_counting_zeros(settings):
    settings.HUB_NAME = "Chesapeake Open Source Hub"
    notifications.preference_set(user=UserFactory(), kind="weekly_digest", enabled=True)

    digest.send_digest()

    [message] = mail.outbox
    assert message.subject == "This week at Chesapeake Open Source Hub"
