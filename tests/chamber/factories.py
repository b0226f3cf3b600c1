"""Chamber factories: quick rows for tests that need a note or a position, not their story.

Tests about how notes come to be and how organizations endorse use the services.
"""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from chamber.models import Endorsement, Position, PracticeNote
from directory.models import ListingStatus
from tests.directory.factories import MembershipFactory, OrganizationFactory


class PracticeNoteFactory(factory.django.DjangoModelFactory):
    """A published note by a member of its organization; `pending=True` for one in review."""

    class Meta:
        model = PracticeNote
        skip_postgeneration_save = True

    class Params:
        pending = factory.Trait(status=ListingStatus.PENDING, published_at=None)

    title = factory.Sequence(lambda n: f"Starting InnerSource with trusted committers {n}")
    slug = factory.LazyAttribute(lambda note: slugify(note.title))
    summary = "How one team opened its repositories to the rest of the company."
    text = "We began with **one** shared library and two trusted committers."
    organization = factory.SubFactory(OrganizationFactory)
    author = factory.LazyAttribute(
        lambda note: MembershipFactory(organization=note.organization).user
    )
    status = ListingStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class PositionFactory(factory.django.DjangoModelFactory):
    """A published position open for endorsement; `draft=True` for one not published."""

    class Meta:
        model = Position

    class Params:
        draft = factory.Trait(published_at=None)

    title = factory.Sequence(lambda n: f"Publish the code the city pays for {n}")
    slug = factory.LazyAttribute(lambda position: slugify(position.title))
    summary = "Software bought with public money is published under an open license."
    text = "The city should **publish** what it pays for."
    open_for_endorsement = True
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    position = factory.SubFactory(PositionFactory)
    organization = factory.SubFactory(OrganizationFactory)
