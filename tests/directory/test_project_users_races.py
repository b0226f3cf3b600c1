"""Concurrency on PostgreSQL: real threads, each with its own database connection.

Two admins of one city click "Save" on the same declaration at the same moment: both
requests are held until each has looked for a declaration (and found none), so both insert.
The unique constraint on (organization, project) lets one insert through; the other's waits
for it, fails inside a savepoint, and the service then changes the row that won: one row,
no error. The negative control drops the constraint, and the same race makes two.
"""

import threading

import pytest
from django.db import connection

from directory.models import ProjectUse
from directory.uses import services
from hub.models import AuditEntry
from tests.directory.uses_world import World
from tests.races import run_concurrently

CONSTRAINT = "one_use_per_organization_and_project"


@pytest.fixture
def world(race):
    return World()


@pytest.fixture
def both_look_first(monkeypatch):
    """Each request waits, once it has found no declaration, until the other has too."""
    gate = threading.Barrier(2, timeout=30)
    real_lookup = services._locked_use

    def look_then_wait(*args):
        found = real_lookup(*args)
        if found is None:
            gate.wait()
        return found

    monkeypatch.setattr(services, "_locked_use", look_then_wait)


def declare_at_once(world, statuses=("production", "production")):
    admins = [(world.owner, statuses[0]), (world.admin, statuses[1])]
    return run_concurrently(
        lambda admin_and_status: services.use_declare(
            organization=world.organization,
            project=world.project,
            status=admin_and_status[1],
            note="runs our 311 service",
            actor=admin_and_status[0],
        ),
        admins,
    )


def test_two_admins_declaring_at_once_make_one_declaration(world, both_look_first):
    errors = declare_at_once(world, ("production", "evaluating"))

    assert errors == []
    use = ProjectUse.objects.get(organization=world.organization, project=world.project)
    # The one who came second changed the declaration the first one made.
    assert use.status in ("production", "evaluating")
    actions = AuditEntry.objects.filter(action__startswith="organization.use")
    assert sorted(actions.values_list("action", flat=True)) == [
        "organization.use_change",
        "organization.use_declare",
    ]


@pytest.fixture
def without_the_constraint(race):
    table = ProjectUse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{CONSTRAINT}"')
    yield
    ProjectUse.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{CONSTRAINT}" '
            'UNIQUE ("organization_id", "project_id")'
        )


def test_negative_control_without_the_constraint_the_same_race_makes_two(
    without_the_constraint, world, both_look_first
):
    errors = declare_at_once(world)

    assert errors == []
    assert ProjectUse.objects.filter(organization=world.organization).count() == 2
