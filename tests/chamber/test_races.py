"""Concurrency on PostgreSQL: real threads, each with its own database connection.

Two admins of one organization click "Endorse" at the same moment. The unique constraint on
(position, organization) lets one insert through; the other's insert fails inside a
savepoint and the service returns the endorsement that won: one row, no error. The negative
control drops the constraint and holds both requests until each has looked for an existing
endorsement, and the same race then makes two.
"""

import threading

import pytest
from django.db import connection

from chamber import services
from chamber.models import Endorsement
from tests.chamber.factories import PositionFactory
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.races import run_concurrently

CONSTRAINT = "one_endorsement_per_organization"


@pytest.fixture
def two_admins():
    organization = OrganizationFactory(name="Tidewater Cloudworks")
    admins = [
        MembershipFactory(organization=organization, owner=True).user,
        MembershipFactory(organization=organization, admin=True).user,
    ]
    return PositionFactory(), organization, admins


def endorse_at_once(position, organization, admins):
    return run_concurrently(
        lambda admin: services.endorsement_create(
            position=position, organization=organization, actor=admin
        ),
        admins,
    )


def test_two_admins_endorsing_at_once_make_one_endorsement(race, two_admins):
    position, organization, admins = two_admins

    errors = endorse_at_once(position, organization, admins)

    assert errors == []
    assert Endorsement.objects.filter(position=position, organization=organization).count() == 1


@pytest.fixture
def without_the_constraint(race):
    table = Endorsement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{CONSTRAINT}"')
    yield
    Endorsement.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{CONSTRAINT}" '
            'UNIQUE ("position_id", "organization_id")'
        )


def test_negative_control_without_the_constraint_the_same_race_makes_two(
    without_the_constraint, two_admins, monkeypatch
):
    position, organization, admins = two_admins
    # Both requests have looked for an endorsement (and found none) before either inserts.
    gate = threading.Barrier(2, timeout=30)
    real_lookup = services._endorsement_of

    def look_then_wait(*args):
        found = real_lookup(*args)
        gate.wait()
        return found

    monkeypatch.setattr(services, "_endorsement_of", look_then_wait)

    errors = endorse_at_once(position, organization, admins)

    assert errors == []
    assert Endorsement.objects.filter(position=position, organization=organization).count() == 2
