from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from directory.licenses import spdx_licenses
from directory.models import ListingStatus, Membership, Organization, Project, ProjectRole, Tag
from directory.search import search_vector_refresh
from portal.demo.base import read

REGION = read("directory", "region.yaml")
ORGANIZATIONS, PROJECTS = (
    [row for row in REGION[kind] if "status" not in row] for kind in ("organizations", "projects")
)
PENDING_ORGANIZATIONS, PENDING_PROJECTS = (
    [row for row in REGION[kind] if row.get("status") == "pending"]
    for kind in ("organizations", "projects")
)

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "tags": Tag.objects.count(),
        "organizations": Organization.objects.count(),
        "projects": Project.objects.count(),
        "roles": ProjectRole.objects.count(),
        "memberships": Membership.objects.count(),
        "organization_tags": Organization.tags.through.objects.count(),
        "project_tags": Project.tags.through.objects.count(),
    }


def test_seed_demo_is_idempotent():
    output = seed()
    assert "People: 6 demo accounts." in output
    assert "Directory:" in output
    first = counts()
    seed()
    assert counts() == first
    assert first["tags"] >= 20
    assert first["organizations"] >= 30
    assert first["projects"] >= 50


def test_seed_demo_creates_a_realistic_region():
    seed()
    published = Organization.objects.published()
    assert published.count() == len(ORGANIZATIONS)
    assert set(published.values_list("kind", flat=True)) == set(Organization.Kind.values)
    assert published.filter(city="Baltimore").values("neighbourhood").distinct().count() >= 8
    assert {"Towson", "Columbia", "Annapolis", "Wilmington", "Washington, DC"} <= set(
        published.values_list("city", flat=True)
    )
    assert published.filter(innersource=True).exists()
    assert published.filter(featured=True).exists()
    assert published.filter(verified=True).exists()
    assert not published.filter(published_at__isnull=True).exists()
    assert set(Tag.objects.values_list("kind", flat=True)) == set(Tag.Kind.values)
    assert {"Python", "Kubernetes", "civic tech", "GIS", "health IT"} <= set(
        Tag.objects.values_list("name", flat=True)
    )

    projects = Project.objects.published()
    assert projects.count() == len(PROJECTS)
    assert not projects.filter(published_at__isnull=True).exists()
    assert set(projects.values_list("license", flat=True)) <= set(spdx_licenses())
    assert projects.values("license").distinct().count() >= 6
    seeking = projects.filter(seeking_contributors=True)
    assert seeking.exists()
    assert not seeking.filter(pitch="").exists()
    for project in seeking:
        assert project.help_wanted
        assert set(project.help_wanted) <= set(Project.HelpWanted.values)
    assert not projects.exclude(repository_url__startswith="https://git.example.org/").exists()
    assert set(ProjectRole.objects.values_list("role", flat=True)) == set(ProjectRole.Role.values)
    assert not projects.filter(roles__isnull=True).exists()
    assert not projects.filter(tags__isnull=True).exists()
    assert not Organization.objects.exclude(website__contains=".example.").exists()

    # Every row is valid as the forms and the admin would see it.
    for listing in [*Organization.objects.all(), *Project.objects.all()]:
        listing.full_clean(exclude=["search_vector"])


def test_seed_demo_gives_staff_a_moderation_queue_and_members_their_roles():
    seed()
    pending = Organization.objects.filter(status=ListingStatus.PENDING)
    assert pending.count() == len(PENDING_ORGANIZATIONS)
    assert not pending.filter(created_by__isnull=True).exists()
    assert Project.objects.filter(status=ListingStatus.PENDING).count() == len(PENDING_PROJECTS)
    assert not Project.objects.filter(status=ListingStatus.PENDING, created_by=None).exists()
    rejected = Organization.objects.get(status=ListingStatus.REJECTED)
    assert rejected.rejection_reason
    for organization in pending:  # a submitter owns what they submitted, as on the site
        assert organization.memberships.get(user=organization.created_by).can_manage

    memberships = Membership.objects.filter(user__email__endswith="@example.org")
    active = memberships.filter(status=Membership.Status.ACTIVE)
    assert set(active.values_list("role", flat=True)) == set(Membership.Role.values)
    claim = memberships.get(status=Membership.Status.PENDING)
    assert claim.message
    assert claim.organization.is_published
    maya = active.filter(user__email="maya.okafor@example.org")
    assert maya.filter(role=Membership.Role.OWNER).exists()


def test_seed_demo_refuses_a_scale_below_one():
    with pytest.raises(CommandError):
        seed("--scale", "0")


def generated_slugs() -> tuple[list[str], list[str]]:
    """The slugs of generated rows, in creation order (the curated ones end in no number)."""
    return tuple(
        list(
            model.objects.filter(slug__regex=r"-[0-9]+$")
            .order_by("id")
            .values_list("slug", flat=True)
        )
        for model in (Organization, Project)
    )


def test_scale_adds_rows_in_bulk_deterministically():
    seed()
    before = counts()
    output = seed("--scale", "1", "--seed", "7")
    after = counts()
    assert after["organizations"] - before["organizations"] == 100
    assert after["projects"] - before["projects"] == 300
    assert after["roles"] - before["roles"] >= 300
    assert after["project_tags"] - before["project_tags"] >= 300
    assert "organizations: 100" in output
    assert "projects: 300" in output
    generated = Project.objects.filter(slug__endswith="-300").get()
    assert generated.is_published
    assert generated.published_at is not None
    assert generated.repository_url.startswith("https://git.example.org/")
    assert generated.roles.filter(role=ProjectRole.Role.MAINTAINER).count() == 1
    sample = [
        *Organization.objects.order_by("-id")[:20],
        *Project.objects.order_by("-id")[:40],
    ]
    for listing in sample:
        listing.full_clean(exclude=["search_vector"])

    # Safe to re-run: the same seed finds its rows already there.
    seed("--scale", "1", "--seed", "7")
    assert counts() == after

    # The same seed gives the same rows on an empty directory; another seed does not.
    first = generated_slugs()
    assert len(first[0]) == 100
    assert len(first[1]) == 300
    Organization.objects.all().delete()
    Project.objects.all().delete()
    seed("--scale", "1", "--seed", "7")
    assert generated_slugs() == first
    Organization.objects.all().delete()
    Project.objects.all().delete()
    seed("--scale", "1", "--seed", "8")
    assert generated_slugs() != first


def test_scale_fills_the_search_vector_of_every_bulk_row(postgres):
    seed("--scale", "1")
    assert not Organization.objects.filter(search_vector__isnull=True).exists()
    assert not Project.objects.filter(search_vector__isnull=True).exists()

    # The set-based UPDATE builds the same document as the per-listing refresh.
    project = Project.objects.exclude(pitch="").order_by("-id").first()
    organization = Organization.objects.order_by("-id").first()
    for listing in (project, organization):
        bulk_vector = (
            type(listing).objects.values_list("search_vector", flat=True).get(pk=listing.pk)
        )
        search_vector_refresh(listing)
        refreshed = type(listing).objects.values_list("search_vector", flat=True).get(pk=listing.pk)
        assert bulk_vector == refreshed

    tag = project.tags.first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM directory_project "
            "WHERE id = %s AND search_vector @@ plainto_tsquery('english', %s)",
            [project.pk, tag.name],
        )
        assert cursor.fetchone()[0] == 1


def test_curated_listings_are_searchable_on_postgres(postgres):
    seed()
    assert not Organization.objects.filter(search_vector__isnull=True).exists()
    assert not Project.objects.filter(search_vector__isnull=True).exists()
