"""Who uses what, for the tests of tests/directory/test_project_users_*.py: a declaration
factory and a small world of people in each role."""

import factory
from django.test import Client

from directory.models import ProjectUse
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory, UserFactory


class ProjectUseFactory(factory.django.DjangoModelFactory):
    """A declaration made straight in the table (tests of how one is made use the service)."""

    class Meta:
        model = ProjectUse

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = ProjectUse.Status.PRODUCTION


class World:
    """A public body with an owner, an admin and a member; someone of another organization;
    staff; a published project "stoopkit" and a pending one."""

    def __init__(self):
        self.organization = OrganizationFactory(
            name="Charm City Digital Service", slug="charm-city", kind="government"
        )
        self.owner = MembershipFactory(organization=self.organization, owner=True).user
        self.admin = MembershipFactory(organization=self.organization, admin=True).user
        self.member = MembershipFactory(organization=self.organization).user
        self.unrelated = MembershipFactory(organization=OrganizationFactory(), owner=True).user
        self.stranger = UserFactory()
        self.staff = StaffFactory()
        self.anonymous = None
        self.project = ProjectFactory(name="stoopkit", slug="stoopkit")
        self.pending_project = ProjectFactory(name="alley-light", slug="alley-light", pending=True)

    def client(self, who: str, client_class=Client):
        """A client signed in as `who` (one of PEOPLE; "anonymous" stays signed out)."""
        client = client_class()
        person = getattr(self, who)
        if person is not None:
            client.force_login(person)
        return client


# Who may say what an organization uses, and who may take it back.
PEOPLE = ["anonymous", "stranger", "unrelated", "member", "admin", "owner", "staff"]
DECLARES = {"admin", "owner"}
WITHDRAWS = {"admin", "owner", "staff"}
