"""Concurrency on PostgreSQL: real threads, each with its own database connection.

Two owners demote each other at the same moment. Every membership change locks the
organization row first, so the second change sees the first and is refused: one owner
stays. The negative control switches the lock off and holds both changes until each has
checked and written, and the same race then leaves the organization without an owner.
"""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directory import services
from directory.models import Membership, Organization
from tests.factories import UserFactory
from tests.races import run_concurrently


@pytest.fixture
def two_owners():
    first, second = UserFactory(), UserFactory()
    organization = services.organization_submit(
        user=first, data={"name": "Fells Point Forge", "kind": Organization.Kind.COMPANY}
    )
    services.membership_add(
        organization=organization, actor=first, user=second, role=Membership.Role.OWNER
    )
    return organization, first, second


def demote_each_other(organization, first, second):
    """Each owner demotes the other to admin, both at once."""
    memberships = {m.user_id: m for m in organization.memberships.all()}
    pairs = [(first, memberships[second.pk]), (second, memberships[first.pk])]
    return run_concurrently(
        lambda pair: services.membership_change_role(
            membership=pair[1], actor=pair[0], role=Membership.Role.ADMIN
        ),
        pairs,
    )


def owners_of(organization) -> int:
    return organization.memberships.filter(
        role=Membership.Role.OWNER, status=Membership.Status.ACTIVE
    ).count()


def test_two_owners_demoting_each_other_at_once_leaves_one_owner(race, two_owners):
    organization, first, second = two_owners

    errors = demote_each_other(organization, first, second)

    assert len(errors) == 1
    assert isinstance(errors[0], PermissionDenied | ValidationError)
    assert owners_of(organization) == 1


def test_negative_control_without_the_lock_the_same_race_leaves_no_owner(
    race, two_owners, monkeypatch
):
    organization, first, second = two_owners
    monkeypatch.setattr(services, "lock_organization", lambda pk: Organization.objects.get(pk=pk))
    # Both changes have checked the other owner and written before either commits.
    gate = threading.Barrier(2, timeout=30)
    real_audit_record = services.audit_record

    def audit_then_wait(**kwargs):
        entry = real_audit_record(**kwargs)
        gate.wait()
        return entry

    monkeypatch.setattr(services, "audit_record", audit_then_wait)

    errors = demote_each_other(organization, first, second)

    assert errors == []
    assert owners_of(organization) == 0
