"""Staff curation through the real Django admin views: the queue, the actions, the merge."""

from datetime import timedelta

import pytest
from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from directory import services
from directory.models import (
    ListingRevision,
    ListingStatus,
    Membership,
    Organization,
    Project,
    ProjectRole,
    SlugRedirect,
)
from hub.models import AuditEntry
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

ORGANIZATIONS = reverse("admin:directory_organization_changelist")
PROJECTS = reverse("admin:directory_project_changelist")
MEMBERSHIPS = reverse("admin:directory_membership_changelist")
REVISIONS = reverse("admin:directory_listingrevision_changelist")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def run_action(client, url, action, objects, **extra):
    return client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    )


def change_form_data(response) -> dict:
    """What the browser would post back from a change page, unchanged."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, forms.CheckboxInput):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [getattr(item, "pk", item) for item in value]
            elif value is not None:
                data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def listed(response) -> list:
    return list(response.context["cl"].result_list)


# --- The queue ------------------------------------------------------------------------------


def test_the_organization_queue_lists_pending_listings_first(staff_client):
    now = timezone.now()
    old_published = OrganizationFactory(created_at=now - timedelta(days=30))
    old_pending = OrganizationFactory(pending=True, created_at=now - timedelta(days=20))
    new_published = OrganizationFactory(created_at=now - timedelta(days=1))
    new_pending = OrganizationFactory(pending=True, created_at=now - timedelta(days=2))

    response = staff_client.get(ORGANIZATIONS)

    assert response.status_code == 200
    assert listed(response) == [new_pending, old_pending, new_published, old_published]


def test_the_project_queue_lists_pending_first_and_filters_by_license(staff_client):
    published = ProjectFactory(license="MIT")
    pending = ProjectFactory(pending=True, license="GPL-3.0-only")

    assert listed(staff_client.get(PROJECTS)) == [pending, published]
    assert listed(staff_client.get(PROJECTS, {"license": "MIT"})) == [published]
    assert listed(staff_client.get(PROJECTS, {"q": pending.name})) == [pending]


@pytest.mark.parametrize(
    "model",
    ["organization", "project", "membership", "listingrevision", "tag", "slugredirect"],
)
def test_every_directory_admin_list_and_change_page_opens_for_staff(staff_client, model):
    organization = OrganizationFactory(tags=[TagFactory(name="Python")])
    project = ProjectFactory(organizations=[organization])
    membership = MembershipFactory(organization=organization, admin=True)
    revision = services.listing_edit(
        listing=organization, actor=membership.user, data={"city": "Towson"}
    )
    SlugRedirect.objects.create(old_slug="old-name", organization=organization)
    objects = {
        "organization": organization,
        "project": project,
        "membership": membership,
        "listingrevision": revision,
        "tag": organization.tags.get(),
        "slugredirect": SlugRedirect.objects.get(),
    }

    listing_page = staff_client.get(reverse(f"admin:directory_{model}_changelist"))
    change_page = staff_client.get(
        reverse(f"admin:directory_{model}_change", args=[objects[model].pk])
    )

    assert listing_page.status_code == 200
    assert change_page.status_code == 200


def test_a_member_who_is_not_staff_is_sent_to_the_admin_login(client, user):
    organization = OrganizationFactory(pending=True)
    client.force_login(user)

    for url in [
        ORGANIZATIONS,
        reverse("admin:directory_organization_change", args=[organization.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    response = run_action(client, ORGANIZATIONS, "publish_selected", [organization])
    assert response.status_code == 302
    assert Organization.objects.get(pk=organization.pk).status == ListingStatus.PENDING


# --- Moderation actions ---------------------------------------------------------------------


def test_the_publish_action_publishes_audits_and_tells_each_submitter(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    first = OrganizationFactory(pending=True)
    second = OrganizationFactory(pending=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(staff_client, ORGANIZATIONS, "publish_selected", [first, second])

    assert response.status_code == 302
    for organization in (first, second):
        organization.refresh_from_db()
        assert organization.status == ListingStatus.PUBLISHED
        assert organization.published_at is not None
    entries = AuditEntry.objects.filter(action="listing.publish", actor=staff_user)
    assert sorted(entries.values_list("target_id", flat=True)) == sorted([first.pk, second.pk])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [first.created_by.email, second.created_by.email]
    )


def test_the_reject_action_asks_for_a_reason_and_emails_it_to_the_submitter(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    project = ProjectFactory(pending=True)

    form_page = run_action(staff_client, PROJECTS, "reject_selected", [project])
    assert form_page.status_code == 200
    assert "admin/directory/action_reason.html" in [t.name for t in form_page.templates]
    assert project.name in form_page.content.decode()

    no_reason = run_action(staff_client, PROJECTS, "reject_selected", [project], apply="1")
    assert no_reason.status_code == 200
    assert no_reason.context["form"].errors["reason"]
    assert Project.objects.get(pk=project.pk).status == ListingStatus.PENDING

    reason = "The repository is private; make it public and submit again."
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(
            staff_client, PROJECTS, "reject_selected", [project], apply="1", reason=reason
        )

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.rejection_reason) == (ListingStatus.REJECTED, reason)
    entry = AuditEntry.objects.get(action="listing.reject")
    assert (entry.actor, entry.target_id) == (staff_user, project.pk)
    [message] = mail.outbox
    assert message.to == [project.created_by.email]
    assert reason in message.body


def test_archive_feature_and_verify_actions_go_through_the_services(staff_client):
    organization = OrganizationFactory()

    for action in ["feature_selected", "verify_selected", "archive_selected"]:
        assert run_action(staff_client, ORGANIZATIONS, action, [organization]).status_code == 302

    organization.refresh_from_db()
    assert organization.featured and organization.verified
    assert organization.status == ListingStatus.ARCHIVED
    actions = AuditEntry.objects.filter(target_id=organization.pk).values_list("action", "detail")
    assert sorted(actions, key=str) == sorted(
        [
            ("organization.flags", {"featured": True}),
            ("organization.flags", {"verified": True}),
            ("listing.archive", {}),
        ],
        key=str,
    )

    run_action(staff_client, ORGANIZATIONS, "unfeature_selected", [organization])
    assert not Organization.objects.get(pk=organization.pk).featured


# --- Merge ------------------------------------------------------------------------------------


def test_merging_two_organizations_through_the_admin(staff_client, staff_user):
    keep = OrganizationFactory(name="Baltimore Civic Hackers")
    duplicate = OrganizationFactory(name="Civic Hackers of Baltimore", pending=True)
    project = ProjectFactory(organizations=[duplicate])
    member = MembershipFactory(organization=duplicate)
    duplicate_slug = duplicate.slug

    choose = run_action(staff_client, ORGANIZATIONS, "merge_selected", [keep, duplicate])
    assert choose.status_code == 200
    assert "admin/directory/merge_listings.html" in [t.name for t in choose.templates]
    html = choose.content.decode()
    assert keep.name in html and duplicate.name in html
    assert Organization.objects.count() == 2

    response = run_action(
        staff_client,
        ORGANIZATIONS,
        "merge_selected",
        [keep, duplicate],
        apply="1",
        keep=str(keep.pk),
    )

    assert response.status_code == 302
    assert list(Organization.objects.all()) == [keep]
    assert ProjectRole.objects.get(project=project).organization == keep
    assert Membership.objects.get(pk=member.pk).organization == keep
    assert SlugRedirect.objects.get(old_slug=duplicate_slug).organization == keep
    entry = AuditEntry.objects.get(action="organization.merge")
    assert (entry.actor, entry.target_id) == (staff_user, keep.pk)


def test_the_merge_action_needs_exactly_two_organizations(staff_client):
    organizations = [OrganizationFactory() for _ in range(3)]

    response = run_action(
        staff_client, ORGANIZATIONS, "merge_selected", organizations, apply="1", keep="1"
    )

    assert response.status_code == 302
    assert Organization.objects.count() == 3
    assert not AuditEntry.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Select exactly two organizations to merge."]


# --- Change form --------------------------------------------------------------------------------


def test_a_new_slug_in_the_change_form_keeps_the_old_address_redirecting(staff_client, staff_user):
    organization = OrganizationFactory(name="Hopkins APL Open Source")
    ProjectFactory(organizations=[organization])
    MembershipFactory(organization=organization, owner=True)
    url = reverse("admin:directory_organization_change", args=[organization.pk])
    data = change_form_data(staff_client.get(url))
    data.update(slug="apl-open-source", city="Laurel")

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    organization.refresh_from_db()
    assert (organization.slug, organization.city) == ("apl-open-source", "Laurel")
    assert organization.status == ListingStatus.PUBLISHED
    redirect = SlugRedirect.objects.get(old_slug="hopkins-apl-open-source")
    assert redirect.organization == organization
    actions = set(AuditEntry.objects.filter(actor=staff_user).values_list("action", flat=True))
    assert actions == {"listing.slug", "listing.staff_edit"}


def test_the_change_form_refuses_a_slug_that_still_redirects_to_another_listing(staff_client):
    other = OrganizationFactory(name="Old Name")
    services.listing_change_slug(listing=other, actor=None, new_slug="new-name")
    organization = OrganizationFactory()
    url = reverse("admin:directory_organization_change", args=[organization.pk])
    data = change_form_data(staff_client.get(url))
    data["slug"] = "old-name"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "still redirects" in str(response.context["adminform"].form.errors["slug"])
    assert SlugRedirect.objects.get(old_slug="old-name").organization == other


# --- Memberships and edits ------------------------------------------------------------------


def test_the_membership_queue_approves_claims_through_the_service(staff_client, staff_user):
    member = MembershipFactory()
    claim = services.membership_claim(
        user=MembershipFactory().user, organization=member.organization
    )

    assert listed(staff_client.get(MEMBERSHIPS))[0] == claim

    run_action(staff_client, MEMBERSHIPS, "approve_selected", [claim])

    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (Membership.Status.ACTIVE, staff_user)
    assert AuditEntry.objects.filter(action="membership.approve", target_id=claim.pk).exists()


def test_removing_the_last_owner_in_the_admin_is_refused(staff_client):
    owner = MembershipFactory(owner=True)

    response = run_action(staff_client, MEMBERSHIPS, "remove_selected", [owner])

    assert response.status_code == 302
    assert Membership.objects.filter(pk=owner.pk).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("at least one owner" in m for m in messages)


def test_the_revision_page_shows_proposed_against_current_and_approval_applies_it(
    staff_client, staff_user
):
    owner = MembershipFactory(owner=True)
    organization = owner.organization
    revision = services.listing_edit(
        listing=organization, actor=owner.user, data={"description": "Proposed text."}
    )

    page = staff_client.get(reverse("admin:directory_listingrevision_change", args=[revision.pk]))
    html = page.content.decode()
    assert organization.description in html and "Proposed text." in html
    assert listed(staff_client.get(REVISIONS)) == [revision]

    run_action(staff_client, REVISIONS, "approve_selected", [revision])

    revision.refresh_from_db()
    assert revision.status == ListingRevision.Status.APPLIED
    assert Organization.objects.get(pk=organization.pk).description == "Proposed text."
    assert AuditEntry.objects.filter(action="revision.approve", actor=staff_user).exists()


def test_rejecting_an_edit_in_the_admin_keeps_the_listing_as_it_was(staff_client):
    owner = MembershipFactory(owner=True)
    revision = services.listing_edit(
        listing=owner.organization, actor=owner.user, data={"name": "Something Else"}
    )

    response = run_action(
        staff_client, REVISIONS, "reject_selected", [revision], apply="1", reason="Not a rename."
    )

    assert response.status_code == 302
    revision.refresh_from_db()
    assert (revision.status, revision.rejection_reason) == (
        ListingRevision.Status.REJECTED,
        "Not a rename.",
    )
    assert Organization.objects.get(pk=owner.organization_id).name == owner.organization.name


def test_an_organization_added_in_the_admin_waits_in_the_queue_and_is_audited(
    staff_client, staff_user
):
    url = reverse("admin:directory_organization_add")
    data = change_form_data(staff_client.get(url))
    data.update(name="Baltimore Code Collective", slug="code-collective", kind="community")

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    organization = Organization.objects.get(slug="code-collective")
    assert organization.status == ListingStatus.PENDING
    entry = AuditEntry.objects.get(target_id=organization.pk)
    assert (entry.action, entry.actor) == ("listing.staff_create", staff_user)
