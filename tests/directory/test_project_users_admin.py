"""Staff's side of who uses what, through the real Django admin views: a changelist with
filters, the declarations inline on the organization and the project, read-only (they
speak for the organization), and withdrawing through the service, audited."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from directory.models import ProjectUse
from hub.models import AuditEntry
from tests.directory.factories import OrganizationFactory
from tests.directory.uses_world import ProjectUseFactory, World

pytestmark = pytest.mark.django_db

USES = reverse("admin:directory_projectuse_changelist")


@pytest.fixture
def world():
    world = World()
    world.use = ProjectUseFactory(
        organization=world.organization, project=world.project, note="runs our 311 service"
    )
    ProjectUseFactory(
        organization=OrganizationFactory(name="Formstone Software", kind="company"),
        project=world.project,
        status="evaluating",
    )
    return world


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.staff)
    return client


def test_the_changelist_lists_and_filters_declarations(staff_client):
    everything = staff_client.get(USES)
    assert everything.status_code == 200
    assert len(everything.context["cl"].result_list) == 2
    filtered = staff_client.get(USES, {"organization__kind__exact": "government"})
    assert [use.organization.slug for use in filtered.context["cl"].result_list] == ["charm-city"]
    by_status = staff_client.get(USES, {"status__exact": "evaluating"})
    assert len(by_status.context["cl"].result_list) == 1
    searched = staff_client.get(USES, {"q": "311"})
    assert len(searched.context["cl"].result_list) == 1


def test_a_declaration_is_read_only_and_never_added_or_deleted_by_staff(staff_client, world):
    change = staff_client.get(reverse("admin:directory_projectuse_change", args=[world.use.pk]))
    assert change.status_code == 200
    assert 'name="status"' not in change.content.decode()
    assert staff_client.get(reverse("admin:directory_projectuse_add")).status_code == 403
    delete = reverse("admin:directory_projectuse_delete", args=[world.use.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    actions = dict(staff_client.get(USES).context["action_form"].fields["action"].choices)
    assert "withdraw_selected" in actions
    assert "delete_selected" not in actions


def test_the_organization_and_the_project_show_their_declarations_inline(staff_client, world):
    organization = reverse("admin:directory_organization_change", args=[world.organization.pk])
    project = reverse("admin:directory_project_change", args=[world.project.pk])
    assert "Projects it uses" in staff_client.get(organization).content.decode()
    page = staff_client.get(project).content.decode()
    assert "Organizations that use it" in page
    assert "Formstone Software" in page


def test_withdrawing_selected_declarations_goes_through_the_service(staff_client, world):
    response = staff_client.post(
        USES, {"action": "withdraw_selected", ACTION_CHECKBOX_NAME: [world.use.pk]}, follow=True
    )
    assert "1 declaration withdrawn." in response.content.decode()
    assert not ProjectUse.objects.filter(pk=world.use.pk).exists()
    entry = AuditEntry.objects.get(action="organization.use_withdraw")
    assert (entry.actor, entry.target_id) == (world.staff, world.organization.pk)


def test_only_staff_reach_the_changelist(client, world):
    client.force_login(world.owner)
    assert client.get(USES).status_code == 302
