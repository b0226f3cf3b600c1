"""Declaring that an organization uses a project (directory.uses.services): who may, what is
checked, one declaration per organization and project, an audit row for each change, and
the directory's cached numbers made stale once it commits."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from directory.models import ListingStatus, Membership, ProjectUse
from directory.queries import VERSION_KEY
from directory.uses import services
from hub import cache_versions
from hub.models import AuditEntry
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.directory.uses_world import DECLARES, PEOPLE, WITHDRAWS, ProjectUseFactory, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def declare(world, actor, **overrides):
    arguments = {
        "organization": world.organization,
        "project": world.project,
        "status": ProjectUse.Status.PRODUCTION,
        "note": "runs our 311 service",
        "actor": actor,
        **overrides,
    }
    return services.use_declare(**arguments)


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_organizations_owners_and_admins_declare(world, who):
    actor = getattr(world, who) or AnonymousUser()
    if who in DECLARES:
        use, created = declare(world, actor)
        assert created
        assert (use.status, use.note, use.declared_by) == (
            "production",
            "runs our 311 service",
            actor,
        )
    else:
        with pytest.raises(PermissionDenied):
            declare(world, actor)
        assert not ProjectUse.objects.exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_only_owners_admins_and_staff_withdraw(world, who):
    use = ProjectUseFactory(organization=world.organization, project=world.project)
    actor = getattr(world, who) or AnonymousUser()
    if who in WITHDRAWS:
        services.use_withdraw(use=use, actor=actor)
        assert not ProjectUse.objects.exists()
        entry = AuditEntry.objects.get(action="organization.use_withdraw")
        assert entry.detail == {"project": "stoopkit", "status": "production"}
    else:
        with pytest.raises(PermissionDenied):
            services.use_withdraw(use=use, actor=actor)
        assert ProjectUse.objects.count() == 1


def test_a_pending_or_former_admin_does_not_declare(world):
    claim = MembershipFactory(organization=world.organization, admin=True, pending=True)
    Membership.objects.filter(user=world.admin).update(status=Membership.Status.REJECTED)
    for actor in (claim.user, world.admin):
        with pytest.raises(PermissionDenied):
            declare(world, actor)


def test_an_unpublished_organization_declares_nothing(world):
    world.organization.status = ListingStatus.PENDING
    world.organization.save()
    with pytest.raises(PermissionDenied, match="published organization"):
        declare(world, world.owner)


def test_what_is_declared_is_checked_field_by_field(world):
    with pytest.raises(ValidationError) as refused:
        declare(world, world.owner, project=world.pending_project, status="forever", note="x" * 201)
    assert set(refused.value.message_dict) == {"project", "status", "note"}
    assert "published in the directory" in refused.value.message_dict["project"][0]
    assert not ProjectUse.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="organization.use").exists()


def test_declaring_again_changes_the_one_declaration(world):
    first, created = declare(world, world.owner, status="evaluating", note="  trying   it  ")
    assert created and first.note == "trying it"
    again, created_again = declare(world, world.admin, status="production", note="runs 311")
    assert not created_again
    assert again.pk == first.pk
    assert ProjectUse.objects.count() == 1
    again.refresh_from_db()
    assert (again.status, again.note, again.declared_by) == ("production", "runs 311", world.admin)
    assert again.since > first.since
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "target_id", "detail"))
    assert actions == [
        ("organization.use_declare", world.organization.pk,
         {"project": "stoopkit", "status": "evaluating", "note": "trying it"}),
        ("organization.use_change", world.organization.pk,
         {"project": "stoopkit", "status": "production", "note": "runs 311"}),
    ]  # fmt: skip


def test_the_same_declaration_again_changes_nothing_and_records_nothing(world):
    use, _ = declare(world, world.owner)
    since = use.since
    again, created = declare(world, world.admin)
    assert not created
    again.refresh_from_db()
    assert (again.since, again.declared_by) == (since, world.owner)
    assert AuditEntry.objects.filter(action__startswith="organization.use").count() == 1


def test_a_new_note_keeps_the_date_of_the_status(world):
    use, _ = declare(world, world.owner)
    changed, _ = declare(world, world.owner, note="runs our 311 service and the permits")
    assert changed.since == use.since


def test_the_database_holds_one_declaration_per_organization_and_project(world):
    ProjectUseFactory(organization=world.organization, project=world.project)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectUseFactory(organization=world.organization, project=world.project, status="stopped")


def test_each_change_makes_the_directory_numbers_stale_once_committed(
    world, django_capture_on_commit_callbacks
):
    for change in (
        lambda: declare(world, world.owner),
        lambda: declare(world, world.owner, status="stopped"),
        lambda: services.use_withdraw(use=ProjectUse.objects.get(), actor=world.owner),
    ):
        before = cache_versions.current(VERSION_KEY)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            change()
        assert cache_versions.current(VERSION_KEY) == before  # not before the commit
        for callback in callbacks:
            callback()
        assert cache_versions.current(VERSION_KEY) != before


def test_another_organizations_owner_cannot_declare_for_this_one(world):
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=world.owner, owner=True)
    with pytest.raises(PermissionDenied):
        declare(world, world.unrelated)
    use, _ = declare(world, world.owner, organization=other)
    assert use.organization == other
