"""What the asks' tests share: a quick ask factory, and a small world of a project, its
maintainers, a pledging organization with a member who logs hours, and bystanders."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from directory.models import Organization, Project
from hub.models import User
from pledges import services as pledge_services
from pledges.asks import services
from pledges.models import Ask, Pledge
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)
from tests.factories import StaffFactory, UserFactory


class AskFactory(factory.django.DjangoModelFactory):
    """An open ask of 20 hours, due in a month (quick rows; the services post real ones)."""

    class Meta:
        model = Ask
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Translate the resident pages, part {n}")
    text = "We need **Spanish** and Korean translations of the intake forms."
    hours_wanted = Decimal("20")
    needed_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    how_to_start = "Pick an issue labelled `translation`."

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


@dataclass
class World:
    maintaining: Organization
    project: Project
    maintainer: User  # an owner of the maintaining organization
    maintainer_member: User  # a plain member of it: not a maintainer
    pledging: Organization
    pledge: Pledge
    contributor: User  # a member of the pledging organization
    reviewer: User  # its owner
    other: User  # signed in, belongs nowhere
    staff: User
    ask: Ask

    def log(self, hours="4", *, ask=None, approve=True, day=None):
        """Hours the contributor logs for the ask (approved by the reviewer unless not)."""
        log = pledge_services.contribution_log(
            pledge=self.pledge,
            user=self.contributor,
            data={
                "date": day or timezone.localdate(),
                "hours": Decimal(hours),
                "project": self.project,
                "description": "Translated the intake form.",
                "ask": ask or self.ask,
            },
        )
        if approve:
            pledge_services.contribution_approve(contribution=log, actor=self.reviewer)
        return log


def make_world(**ask_data) -> World:
    python, django = TagFactory(name="Python"), TagFactory(name="Django")
    maintaining = OrganizationFactory(name="Formstone Software", slug="formstone-software")
    project = ProjectFactory(
        name="stoopkit", slug="stoopkit", organizations=[maintaining], tags=[python, django]
    )
    maintainer = MembershipFactory(organization=maintaining, owner=True).user
    maintainer_member = MembershipFactory(organization=maintaining).user
    pledging = OrganizationFactory(name="Tidewater Cloudworks", slug="tidewater-cloudworks")
    reviewer = MembershipFactory(organization=pledging, owner=True).user
    contributor = MembershipFactory(organization=pledging).user
    pledge = pledge_services.pledge_create(
        organization=pledging,
        actor=reviewer,
        data={
            "kind": Pledge.Kind.HOURS,
            "hours_per_period": Decimal("40"),
            "starts_on": timezone.localdate() - timedelta(days=20),
        },
        target_projects=[project],
    )
    data = {
        "title": "Translate the resident pages",
        "text": "Spanish, Korean and Amharic for the **intake forms**.",
        "hours_wanted": Decimal("10"),
        "needed_by": timezone.localdate() + timedelta(days=30),
        "how_to_start": "Issues labelled `translation`.",
        **ask_data,
    }
    ask = services.ask_post(project=project, actor=maintainer, data=data, skills=[python])
    return World(
        maintaining=maintaining,
        project=project,
        maintainer=maintainer,
        maintainer_member=maintainer_member,
        pledging=pledging,
        pledge=pledge,
        contributor=contributor,
        reviewer=reviewer,
        other=UserFactory(),
        staff=StaffFactory(),
        ask=ask,
    )
