"""Concurrency on PostgreSQL: real threads, each with its own database connection, log hours
for the same person and day at once. The person's day is locked, so at most 24 hours are
saved and the rest is refused; the negative control switches the lock off and lets every
thread read the day before any writes, and the same race then goes past 24 hours."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pledges import services
from pledges.models import Contribution, Pledge
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.races import run_concurrently

THREADS = 4
HOURS_EACH = Decimal("8")


@pytest.fixture
def member_and_pledge():
    organization = OrganizationFactory()
    owner = MembershipFactory(organization=organization, owner=True).user
    pledge = services.pledge_create(
        organization=organization,
        actor=owner,
        data={
            "kind": Pledge.Kind.HOURS,
            "hours_per_period": Decimal("100"),
            "starts_on": timezone.localdate() - timedelta(days=30),
        },
    )
    member = MembershipFactory(organization=organization).user
    return member, pledge


def log_at_once(member, pledge):
    project = ProjectFactory()
    return run_concurrently(
        lambda _: services.contribution_log(
            pledge=pledge,
            user=member,
            data={
                "date": timezone.localdate(),
                "hours": HOURS_EACH,
                "project": project,
                "description": "Racing to log a long day.",
            },
        ),
        list(range(THREADS)),
    )


def day_total(member) -> Decimal:
    return services.hours_logged_on(member, timezone.localdate())


def test_concurrent_logs_for_one_person_and_day_never_pass_24_hours(race, member_and_pledge):
    member, pledge = member_and_pledge
    errors = log_at_once(member, pledge)

    assert day_total(member) == Decimal("24")
    assert Contribution.objects.filter(contributor=member).count() == 3
    assert len(errors) == 1
    (refused,) = errors
    assert isinstance(refused, ValidationError)
    assert "hours" in refused.message_dict


def test_negative_control_without_the_lock_the_same_race_passes_24_hours(
    race, member_and_pledge, monkeypatch
):
    """With the lock a no-op, and every thread held after reading its day until all have
    read, each sees an empty day and all four logs are saved: 32 hours."""
    member, pledge = member_and_pledge
    gate = threading.Barrier(THREADS, timeout=30)
    read_the_day = services.hours_logged_on

    def read_then_wait(*args, **kwargs):
        total = read_the_day(*args, **kwargs)
        gate.wait()
        return total

    monkeypatch.setattr(services, "lock_person_day", lambda user: None)
    monkeypatch.setattr(services, "hours_logged_on", read_then_wait)
    errors = log_at_once(member, pledge)

    assert errors == []
    assert read_the_day(member, timezone.localdate()) == THREADS * HOURS_EACH > Decimal("24")
