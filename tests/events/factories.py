from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event


class EventFactory(factory.django.DjangoModelFactory):
    """A published event two weeks ahead, registration open, 10 seats."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Event.Status.DRAFT)
        unlimited = factory.Trait(capacity=None)

    title = factory.Sequence(lambda n: f"Open Source Meetup {n}")
    slug = factory.LazyAttribute(lambda event: slugify(event.title))
    kind = Event.Kind.MEETUP
    summary = "An evening of open source talks in Baltimore."
    description = "Talks, pizza and **people**."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    venue_name = "The Foundery"
    venue_address = "101 W Dickman St, Baltimore, MD 21230"
    capacity = 10
    status = Event.Status.PUBLISHED

    @factory.post_generation
    def organizers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizers.set(extracted)
