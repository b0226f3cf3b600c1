"""Directory factories: quick rows for tests that need a listing, not a submission story.

Tests about how listings come to be use the services instead (see test_services.py).
"""

import factory
from django.utils import timezone
from django.utils.text import slugify

from directory.models import ListingStatus, Membership, Organization, Project, ProjectRole, Tag
from directory.search import search_vector_refresh
from tests.factories import UserFactory


def _set_tags(listing, create, extracted, **kwargs):
    if create and extracted:
        listing.tags.set(extracted)


def _refresh_search(listing, create, extracted, **kwargs):
    # Declared after `tags`, so the stored document includes them (PostgreSQL only).
    if create:
        search_vector_refresh(listing)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda tag: slugify(tag.name))
    kind = Tag.Kind.TECHNOLOGY


class OrganizationFactory(factory.django.DjangoModelFactory):
    """A published organization; `OrganizationFactory(pending=True)` for one awaiting review."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    class Params:
        pending = factory.Trait(status=ListingStatus.PENDING, published_at=None)

    name = factory.Sequence(lambda n: f"Harbor Labs {n}")
    slug = factory.LazyAttribute(lambda org: slugify(org.name))
    kind = Organization.Kind.COMPANY
    description = "We build open source tools for the region."
    website = factory.LazyAttribute(lambda org: f"https://{org.slug}.example.org")
    city = "Baltimore"
    neighbourhood = "Fells Point"
    status = ListingStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)

    tags = factory.PostGeneration(_set_tags)
    search_document = factory.PostGeneration(_refresh_search)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published project; `ProjectFactory(pending=True)` for one awaiting review.

    `organizations=[org, ...]` makes each organization a maintainer.
    """

    class Meta:
        model = Project
        skip_postgeneration_save = True

    class Params:
        pending = factory.Trait(status=ListingStatus.PENDING, published_at=None)

    name = factory.Sequence(lambda n: f"Row House Toolkit {n}")
    slug = factory.LazyAttribute(lambda project: slugify(project.name))
    description = "A toolkit for open data about the city's housing."
    repository_url = factory.LazyAttribute(
        lambda project: f"https://github.com/example/{project.slug}"
    )
    license = "MIT"
    status = ListingStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)

    tags = factory.PostGeneration(_set_tags)

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            for organization in extracted:
                ProjectRole.objects.create(project=self, organization=organization)

    search_document = factory.PostGeneration(_refresh_search)


class ProjectRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectRole

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = ProjectRole.Role.MAINTAINER


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member; `owner=True` / `admin=True` for the roles that manage the listing,
    `pending=True` for a claim not yet decided."""

    class Meta:
        model = Membership

    class Params:
        owner = factory.Trait(role=Membership.Role.OWNER)
        admin = factory.Trait(role=Membership.Role.ADMIN)
        pending = factory.Trait(status=Membership.Status.PENDING, decided_at=None)

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE
    decided_at = factory.LazyFunction(timezone.now)
