"""Pledge factories: quick rows for tests that need a pledge or a log, not the story of one.

Tests about how pledges and logs come to be use the services instead.
"""

from decimal import Decimal

import factory
from django.utils import timezone

from pledges.models import Contribution, Period, Pledge
from tests.directory.factories import OrganizationFactory, ProjectFactory
from tests.factories import UserFactory


def _first_of_year():
    return timezone.localdate().replace(month=1, day=1)


class PledgeFactory(factory.django.DjangoModelFactory):
    """A public, active pledge of 40 hours a month since January 1st.

    `PledgeFactory(percent_of_workforce=True)` for 5% of 20 people; `private=True`, `ended=True`;
    `target_projects=[project, ...]`.
    """

    class Meta:
        model = Pledge
        skip_postgeneration_save = True

    class Params:
        percent_of_workforce = factory.Trait(
            kind=Pledge.Kind.PERCENT,
            hours_per_period=None,
            percent=Decimal("5"),
            workforce_size=20,
        )
        private = factory.Trait(public=False)
        ended = factory.Trait(
            status=Pledge.Status.ENDED,
            ends_on=factory.LazyFunction(timezone.localdate),
            ended_at=factory.LazyFunction(timezone.now),
        )

    organization = factory.SubFactory(OrganizationFactory)
    kind = Pledge.Kind.HOURS
    hours_per_period = Decimal("40")
    period = Period.MONTH
    starts_on = factory.LazyFunction(_first_of_year)
    public = True
    status = Pledge.Status.ACTIVE
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def target_projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_projects.set(extracted)


class ContributionFactory(factory.django.DjangoModelFactory):
    """A pending log of 2 hours today on a listed project.

    The contributor is any user: make them a member (MembershipFactory) when the test needs
    the rules to hold. `approved=True` / `rejected=True` for a reviewed log.
    """

    class Meta:
        model = Contribution

    class Params:
        approved = factory.Trait(
            status=Contribution.Status.APPROVED,
            reviewed_at=factory.LazyFunction(timezone.now),
        )
        rejected = factory.Trait(
            status=Contribution.Status.REJECTED,
            reviewed_at=factory.LazyFunction(timezone.now),
            rejection_reason="This was not open source work.",
        )

    pledge = factory.SubFactory(PledgeFactory)
    contributor = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(timezone.localdate)
    hours = Decimal("2")
    project = factory.SubFactory(ProjectFactory)
    project_url = ""
    description = "Reviewed pull requests and fixed a parser bug."
    link = ""
    status = Contribution.Status.PENDING
