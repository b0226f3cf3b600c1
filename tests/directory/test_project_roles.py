"""project_role_set: who stands behind a project (maintainer, sponsor, contributor) is changed
by staff or the project's managers only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from directory.models import ProjectRole
from directory.services import project_role_set
from hub.models import AuditEntry
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(organizations=[OrganizationFactory(slug="maintainer")])


@pytest.mark.parametrize("who", ["anonymous", "other user", "member of the sponsor"])
def test_people_who_do_not_manage_the_project_are_refused(project, who):
    sponsor = OrganizationFactory()
    actor = {
        "anonymous": lambda: AnonymousUser(),
        "other user": UserFactory,
        "member of the sponsor": lambda: MembershipFactory(organization=sponsor, owner=True).user,
    }[who]()
    with pytest.raises(PermissionDenied):
        project_role_set(project=project, organization=sponsor, actor=actor, role="sponsor")
    assert not ProjectRole.objects.filter(organization=sponsor).exists()


@pytest.mark.parametrize("who", ["maintainer's admin", "staff"])
def test_the_project_managers_and_staff_name_a_sponsor(project, who):
    sponsor = OrganizationFactory()
    maintainer = project.organizations.get()
    actor = (
        StaffFactory()
        if who == "staff"
        else MembershipFactory(organization=maintainer, admin=True).user
    )
    project_role_set(project=project, organization=sponsor, actor=actor, role="sponsor")
    assert project.roles.get(organization=sponsor).role == "sponsor"
    project_role_set(project=project, organization=sponsor, actor=actor, role="contributor")
    assert project.roles.get(organization=sponsor).role == "contributor"
    assert AuditEntry.objects.filter(action="project.role", actor=actor).count() == 2


def test_an_unknown_role_is_refused(project):
    with pytest.raises(ValidationError, match="maintainer, sponsor or contributor"):
        project_role_set(
            project=project, organization=OrganizationFactory(), actor=StaffFactory(), role="fan"
        )
