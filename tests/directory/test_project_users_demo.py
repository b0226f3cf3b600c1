"""The demo region's declarations (directory/demo/uses.yaml) go through the services: staff add
the public bodies' admins, owners and admins declare; the city, the county, the transit
agency and the library run civic projects, companies the infrastructure; loading twice adds
nothing, and a declaration the product refuses stops the load by name."""

import copy
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import Membership, Organization, ProjectUse
from hub.models import AuditEntry
from portal.demo import directory as demo_directory
from portal.demo.base import DemoError, load_people, read
from portal.demo.directory import load_directory

pytestmark = pytest.mark.django_db

USES = read("directory", "uses.yaml")
PUBLIC_BODIES = {
    "charm-city-digital-service",
    "patapsco-county-open-data-office",
    "potomac-regional-transit-data-office",
    "bayshore-public-library-digital-lab",
}


def load(uses=USES, monkeypatch=None):
    if monkeypatch is not None:
        monkeypatch.setattr(
            demo_directory,
            "read",
            lambda app, name: uses if name == "uses.yaml" else read(app, name),
        )
    people = load_people(read("hub", "people.yaml"))
    return load_directory(read("directory", "region.yaml"), people=people, now=timezone.now())


def test_every_declaration_of_the_file_is_made_by_an_owner_or_admin():
    result = load()

    assert result.uses == len(USES["uses"]) == ProjectUse.objects.count()
    assert AuditEntry.objects.filter(action="organization.use_declare").count() == result.uses
    for use in ProjectUse.objects.select_related("organization", "declared_by"):
        membership = Membership.objects.get(organization=use.organization, user=use.declared_by)
        assert membership.role in ("owner", "admin")
        assert membership.status == "active"
    assert not ProjectUse.objects.filter(declared_by__is_staff=True).exists()


def test_public_bodies_run_civic_projects_and_companies_the_infrastructure():
    load()
    users = ProjectUse.objects.select_related("organization", "project")
    by_kind = {}
    for use in users:
        by_kind.setdefault(use.organization.kind, set()).add(use.organization.slug)
    assert by_kind["government"] == PUBLIC_BODIES
    assert len(by_kind["company"]) >= 3
    assert users.filter(status="evaluating").count() >= 2
    stopped = users.get(status="stopped")
    assert stopped.organization.kind == Organization.Kind.GOVERNMENT
    assert stopped.note.startswith("Stopped when")
    stoopkit = {(u.organization.slug, u.status) for u in users.filter(project__slug="stoopkit")}
    assert stoopkit == {
        ("charm-city-digital-service", "production"),
        ("patapsco-county-open-data-office", "evaluating"),
    }
    # Said over the past year, not all today.
    oldest = users.order_by("since").first()
    assert (timezone.now() - oldest.since).days >= 300


def test_loading_twice_adds_nothing():
    load()
    first = (ProjectUse.objects.count(), AuditEntry.objects.count(), Membership.objects.count())
    again = load()
    assert again.uses == first[0]
    assert (ProjectUse.objects.count(), AuditEntry.objects.count(), Membership.objects.count()) == (
        first
    )


def test_a_declaration_by_a_plain_member_is_refused_by_name(monkeypatch):
    uses = copy.deepcopy(USES)
    uses["uses"][0]["by"] = "sam.whitfield@example.org"  # an admin of Formstone, not of the city
    with pytest.raises(DemoError, match="Use of stoopkit by charm-city-digital-service: refused"):
        load(uses, monkeypatch)


def test_a_small_region_loads_none_of_the_regions_declarations():
    people = load_people(read("hub", "people.yaml"))
    region = {"tags": {}, "organizations": [], "projects": []}
    assert load_directory(region, people=people, now=timezone.now()).uses == 0
    assert not ProjectUse.objects.exists()


def test_seed_demo_twice_adds_no_declaration():
    call_command("seed_demo", stdout=StringIO())
    first = ProjectUse.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert ProjectUse.objects.count() == first == len(USES["uses"])
