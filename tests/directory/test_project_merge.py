"""Staff merge duplicate projects as they merge organizations: the organizations behind it, its
tags, logged hours, pledges' targets and old addresses move to the project kept, the duplicate's
address redirects there, and the merge is audited."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory import services
from directory.models import Project, ProjectRole, ProjectUse, SlugRedirect
from hub.models import AuditEntry
from pledges.models import Contribution
from tests.directory.factories import OrganizationFactory, ProjectFactory, TagFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PROJECTS = reverse("admin:directory_project_changelist")


@pytest.fixture
def duplicates():
    """Two listings of one project: the older one kept, the newer one a duplicate with its
    own organizations (one shared, in another role), tags, logs and pledge targets."""
    shared, only_duplicate = OrganizationFactory(), OrganizationFactory()
    keep = ProjectFactory(name="Bmore Open Permits", organizations=[shared])
    duplicate = ProjectFactory(name="Baltimore Open Permits", tags=[TagFactory(name="GIS")])
    ProjectRole.objects.create(project=duplicate, organization=shared, role="sponsor")
    ProjectRole.objects.create(project=duplicate, organization=only_duplicate, role="contributor")
    services.listing_change_slug(listing=duplicate, actor=None, new_slug="open-permits")
    return keep, duplicate, shared, only_duplicate


def test_merging_moves_everything_that_names_the_duplicate(duplicates, staff_user):
    keep, duplicate, shared, only_duplicate = duplicates
    log = ContributionFactory(project=duplicate)
    both = PledgeFactory(target_projects=[keep, duplicate])
    one = PledgeFactory(target_projects=[duplicate])

    services.project_merge(keep=keep, duplicate=duplicate, actor=staff_user)

    assert list(Project.objects.all()) == [keep]
    roles = {(r.organization, r.role) for r in ProjectRole.objects.filter(project=keep)}
    assert roles == {(shared, "maintainer"), (only_duplicate, "contributor")}
    assert [tag.name for tag in keep.tags.all()] == ["GIS"]
    assert Contribution.objects.get(pk=log.pk).project == keep
    assert list(both.target_projects.all()) == [keep]
    assert list(one.target_projects.all()) == [keep]
    redirects = {r.old_slug: r.project for r in SlugRedirect.objects.all()}
    assert redirects == {"baltimore-open-permits": keep, "open-permits": keep}
    entry = AuditEntry.objects.get(action="project.merge")
    assert (entry.actor, entry.target_id) == (staff_user, keep.pk)
    assert entry.detail == {"merged": "Baltimore Open Permits", "merged_slug": "open-permits"}


def test_the_duplicates_old_addresses_redirect_to_the_project_kept(duplicates, staff_user, client):
    keep, duplicate, *_ = duplicates

    services.project_merge(keep=keep, duplicate=duplicate, actor=staff_user)

    for old in ("open-permits", "baltimore-open-permits"):
        response = client.get(reverse("directory:project", args=[old]))
        assert (response.status_code, response["Location"]) == (301, keep.get_absolute_url())


def test_a_project_cannot_be_merged_into_itself(staff_user):
    project = ProjectFactory()

    with pytest.raises(ValidationError):
        services.project_merge(keep=project, duplicate=project, actor=staff_user)


def run_merge(client, projects, **extra):
    return client.post(
        PROJECTS,
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [p.pk for p in projects], **extra},
    )


def test_staff_merge_two_projects_through_the_admin(duplicates, client, staff_user):
    keep, duplicate, *_ = duplicates
    client.force_login(staff_user)

    choose = run_merge(client, [keep, duplicate])

    assert choose.status_code == 200
    html = choose.content.decode()
    assert "Merge two projects" in html
    assert "Bmore Open Permits (/bmore-open-permits/, published, 1 organization" in html
    assert "Baltimore Open Permits (/open-permits/, published, 2 organizations" in html
    assert Project.objects.count() == 2

    done = run_merge(client, [keep, duplicate], apply="1", keep=str(keep.pk))

    assert done.status_code == 302
    assert list(Project.objects.all()) == [keep]
    messages = [str(m) for m in done.wsgi_request._messages]
    assert messages == [
        "Merged Baltimore Open Permits into Bmore Open Permits; its address now redirects there."
    ]


def test_the_admin_merges_exactly_two_projects(client, staff_user):
    projects = ProjectFactory.create_batch(3)
    client.force_login(staff_user)

    response = run_merge(client, projects, apply="1", keep=str(projects[0].pk))

    assert Project.objects.count() == 3
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Select exactly two projects to merge."
    ]


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_only_staff_reach_the_merge(duplicates, client, user, who):
    keep, duplicate, *_ = duplicates
    if who == "member":
        client.force_login(user)

    response = run_merge(client, [keep, duplicate], apply="1", keep=str(keep.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Project.objects.count() == 2


def test_a_merge_keeps_who_uses_the_project_and_what_the_organization_uses(staff_user):
    city, county = OrganizationFactory(name="Baltimore City"), OrganizationFactory()
    keep, duplicate = ProjectFactory(name="stoopkit"), ProjectFactory(name="Stoop Kit")
    ProjectUse.objects.create(organization=city, project=keep, status="evaluating")
    ProjectUse.objects.create(organization=city, project=duplicate, status="production")
    ProjectUse.objects.create(organization=county, project=duplicate, status="production")

    services.project_merge(keep=keep, duplicate=duplicate, actor=staff_user)

    uses = {(u.organization, u.status) for u in ProjectUse.objects.filter(project=keep)}
    assert uses == {(city, "evaluating"), (county, "production")}

    twin = OrganizationFactory(name="City of Baltimore")
    other = ProjectFactory()
    ProjectUse.objects.create(organization=twin, project=keep, status="stopped")
    ProjectUse.objects.create(organization=twin, project=other, status="production")
    services.organization_merge(keep=city, duplicate=twin, actor=staff_user)
    uses = {(u.project, u.status) for u in ProjectUse.objects.filter(organization=city)}
    assert uses == {(keep, "evaluating"), (other, "production")}
