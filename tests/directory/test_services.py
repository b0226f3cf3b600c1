"""The directory's services against the real database: submissions, moderation, addresses,
merges, memberships and edits. Data is built through the services wherever a person would."""

import contextlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

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
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORGANIZATION = {
    "name": "Chesapeake Civic Tech",
    "kind": "community",
    "description": "Volunteers building tools for Baltimore's neighbourhoods.",
    "website": "https://civictech.example.org",
    "city": "Baltimore",
    "neighbourhood": "Station North",
}
PROJECT = {
    "name": "Bmore Open Permits",
    "description": "Building permits as open data.",
    "repository_url": "https://github.com/example/bmore-open-permits",
    "license": "Apache-2.0",
    "seeking_contributors": True,
    "pitch": "We need help with **tests**.",
}


def audit_actions(target) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=target.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )


def submit_organization(user, **changes) -> Organization:
    return services.organization_submit(user=user, data={**ORGANIZATION, **changes})


def published_organization(user, staff_user, **changes) -> Organization:
    organization = submit_organization(user, **changes)
    services.listing_publish(listing=organization, actor=staff_user)
    organization.refresh_from_db()
    return organization


# --- Submissions ------------------------------------------------------------------------


def test_submitting_an_organization_makes_a_pending_listing_owned_by_the_submitter(user):
    python = TagFactory(name="Python")
    organization = services.organization_submit(user=user, data=ORGANIZATION, tags=[python])

    organization.refresh_from_db()
    assert organization.status == ListingStatus.PENDING
    assert organization.slug == "chesapeake-civic-tech"
    assert organization.created_by == user
    assert organization.published_at is None
    assert list(organization.tags.all()) == [python]
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role, membership.status) == (
        user,
        Membership.Role.OWNER,
        Membership.Status.ACTIVE,
    )
    entry = AuditEntry.objects.get(action="organization.submit")
    assert (entry.actor, entry.target_id) == (user, organization.pk)


def test_submitting_a_project_for_an_organization_makes_it_the_maintainer(user):
    organization = submit_organization(user)

    project = services.project_submit(user=user, data=PROJECT, organization=organization)

    assert project.status == ListingStatus.PENDING
    role = ProjectRole.objects.get(project=project)
    assert (role.organization, role.role) == (organization, ProjectRole.Role.MAINTAINER)
    assert audit_actions(project) == ["project.submit"]


def test_only_an_organizations_managers_submit_projects_in_its_name(user, other_user):
    organization = submit_organization(user)

    with pytest.raises(PermissionDenied):
        services.project_submit(user=other_user, data=PROJECT, organization=organization)

    assert not Project.objects.exists()


# --- Moderation ---------------------------------------------------------------------------


def test_publishing_sets_the_date_audits_and_tells_the_submitter_after_commit(
    user, staff_user, django_capture_on_commit_callbacks
):
    organization = submit_organization(user)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.listing_publish(listing=organization, actor=staff_user)
        assert mail.outbox == []  # nothing leaves before the transaction commits

    organization.refresh_from_db()
    assert organization.status == ListingStatus.PUBLISHED
    assert organization.published_at is not None
    # the e-mail job, the directory's cached numbers and the cached pages made stale
    assert len(callbacks) == 3
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "Chesapeake Civic Tech is published" in message.subject
    assert audit_actions(organization) == ["organization.submit", "listing.publish"]


def test_publishing_twice_changes_nothing_and_sends_one_email(
    user, staff_user, django_capture_on_commit_callbacks
):
    organization = submit_organization(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_publish(listing=organization, actor=staff_user)
        services.listing_publish(listing=organization, actor=staff_user)

    assert len(mail.outbox) == 1
    assert audit_actions(organization).count("listing.publish") == 1


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(
    user, staff_user, django_capture_on_commit_callbacks
):
    organization = submit_organization(user)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.listing_reject(listing=organization, actor=staff_user, reason="   ")

    assert "reason" in error.value.message_dict
    organization.refresh_from_db()
    assert organization.status == ListingStatus.PENDING
    assert "listing.reject" not in audit_actions(organization)
    assert mail.outbox == []


def test_the_rejection_reason_reaches_the_submitter_by_email(
    user, staff_user, django_capture_on_commit_callbacks
):
    organization = submit_organization(user)
    reason = "Please add a website we can check."

    with django_capture_on_commit_callbacks(execute=True):
        services.listing_reject(listing=organization, actor=staff_user, reason=f"  {reason} ")

    organization.refresh_from_db()
    assert organization.status == ListingStatus.REJECTED
    assert organization.rejection_reason == reason
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "was not published" in message.subject
    assert reason in message.body
    entry = AuditEntry.objects.get(action="listing.reject")
    assert entry.actor == staff_user
    assert reason in entry.detail["reason"]


def test_archiving_hides_a_listing_and_is_audited(user, staff_user):
    organization = published_organization(user, staff_user)

    services.listing_archive(listing=organization, actor=staff_user)

    assert Organization.objects.get(pk=organization.pk).status == ListingStatus.ARCHIVED
    assert not Organization.objects.published().filter(pk=organization.pk).exists()
    assert audit_actions(organization)[-1] == "listing.archive"


def test_featuring_and_verifying_are_audited_and_nothing_else_can_be_set(user, staff_user):
    organization = submit_organization(user)

    services.organization_set_flags(
        organization=organization, actor=staff_user, featured=True, verified=True
    )
    with pytest.raises(ValueError):
        services.organization_set_flags(organization=organization, actor=staff_user, status="x")

    organization.refresh_from_db()
    assert organization.featured and organization.verified
    entry = AuditEntry.objects.get(action="organization.flags")
    assert entry.detail == {"featured": True, "verified": True}


# --- Addresses ----------------------------------------------------------------------------


def test_a_duplicate_name_gets_a_numbered_slug(user, other_user):
    first = submit_organization(user)
    second = submit_organization(other_user)
    third = submit_organization(other_user)

    assert [first.slug, second.slug, third.slug] == [
        "chesapeake-civic-tech",
        "chesapeake-civic-tech-2",
        "chesapeake-civic-tech-3",
    ]


def test_an_old_slug_kept_by_a_redirect_is_not_given_to_a_new_listing(user, staff_user):
    renamed = submit_organization(user)
    services.listing_change_slug(listing=renamed, actor=staff_user, new_slug="chesapeake-civic")

    newcomer = submit_organization(user)

    assert newcomer.slug == "chesapeake-civic-tech-2"
    redirect = SlugRedirect.objects.get(old_slug="chesapeake-civic-tech")
    assert redirect.organization == renamed


def test_changing_a_slug_leaves_a_redirect_from_the_old_address(user, staff_user):
    project = services.project_submit(user=user, data=PROJECT)

    services.listing_change_slug(listing=project, actor=staff_user, new_slug="open-permits")

    project.refresh_from_db()
    assert project.slug == "open-permits"
    redirect = SlugRedirect.objects.get(old_slug="bmore-open-permits")
    assert (redirect.project, redirect.organization) == (project, None)
    entry = AuditEntry.objects.get(action="listing.slug")
    assert entry.detail == {"from": "bmore-open-permits", "to": "open-permits"}


def test_a_slug_another_listing_uses_is_refused(user, staff_user):
    first = submit_organization(user)
    second = submit_organization(user, name="Inner Harbor Data")

    with pytest.raises(ValidationError):
        services.listing_change_slug(listing=second, actor=staff_user, new_slug=first.slug)

    second.refresh_from_db()
    assert second.slug == "inner-harbor-data"
    assert not SlugRedirect.objects.exists()


# --- Merges -------------------------------------------------------------------------------


def test_merging_moves_projects_and_members_without_duplicates_and_redirects(
    user, other_user, staff_user
):
    both_member = UserFactory()
    keep = published_organization(user, staff_user, name="Johns Hopkins OSPO")
    duplicate = submit_organization(other_user, name="JHU Open Source Program Office")
    services.membership_add(organization=keep, actor=user, user=both_member)
    services.membership_add(organization=duplicate, actor=other_user, user=both_member)
    shared = services.project_submit(user=user, data=PROJECT, organization=keep)
    services.project_submit(user=other_user, data={**PROJECT, "name": "Hopkins GIS"})
    ProjectRole.objects.create(project=shared, organization=duplicate)
    only_duplicates = services.project_submit(
        user=other_user, data={**PROJECT, "name": "Clinic Scheduler"}, organization=duplicate
    )
    services.organization_set_flags(organization=duplicate, actor=staff_user, featured=True)
    gis = TagFactory(name="GIS")
    duplicate.tags.add(gis)
    duplicate_slug = duplicate.slug

    services.organization_merge(keep=keep, duplicate=duplicate, actor=staff_user)

    assert not Organization.objects.filter(pk=duplicate.pk).exists()
    assert sorted(keep.project_roles.values_list("project__name", flat=True)) == [
        "Bmore Open Permits",
        "Clinic Scheduler",
    ]
    assert ProjectRole.objects.filter(project=shared).count() == 1
    assert ProjectRole.objects.get(project=only_duplicates).organization == keep
    members = keep.memberships.values_list("user", flat=True)
    assert sorted(members) == sorted([user.pk, other_user.pk, both_member.pk])
    assert Membership.objects.filter(user=both_member).count() == 1
    assert list(keep.tags.all()) == [gis]
    assert SlugRedirect.objects.get(old_slug=duplicate_slug).organization == keep
    entry = AuditEntry.objects.get(action="organization.merge")
    assert entry.target_id == keep.pk
    assert entry.detail == {
        "merged": "JHU Open Source Program Office",
        "merged_slug": duplicate_slug,
    }


def test_merging_carries_the_duplicates_old_addresses_to_the_one_kept(user, staff_user):
    keep = submit_organization(user, name="Baltimore Hackerspace")
    duplicate = submit_organization(user, name="Harford Hackerspace")
    services.listing_change_slug(listing=duplicate, actor=staff_user, new_slug="hackerspace")

    services.organization_merge(keep=keep, duplicate=duplicate, actor=staff_user)

    assert {r.old_slug: r.organization for r in SlugRedirect.objects.all()} == {
        "harford-hackerspace": keep,
        "hackerspace": keep,
    }


def test_an_organization_cannot_be_merged_into_itself(user, staff_user):
    organization = submit_organization(user)

    with pytest.raises(ValidationError):
        services.organization_merge(keep=organization, duplicate=organization, actor=staff_user)

    assert Organization.objects.filter(pk=organization.pk).exists()


# --- Memberships --------------------------------------------------------------------------


def test_a_claim_is_pending_and_claiming_again_returns_the_same_claim(user, other_user):
    organization = submit_organization(user)

    claim = services.membership_claim(user=other_user, organization=organization, message="Hi")
    again = services.membership_claim(user=other_user, organization=organization)

    assert again.pk == claim.pk
    assert claim.status == Membership.Status.PENDING
    assert not claim.can_manage
    assert audit_actions(claim) == ["membership.claim"]


def test_only_staff_and_the_organizations_admins_decide_on_a_claim(user, other_user, staff_user):
    organization = submit_organization(user)
    plain_member = services.membership_add(
        organization=organization, actor=user, user=UserFactory()
    ).user
    first = services.membership_claim(user=other_user, organization=organization)
    second = services.membership_claim(user=UserFactory(), organization=organization)

    for outsider in (plain_member, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.membership_decide(membership=first, actor=outsider, approve=True)
    first.refresh_from_db()
    assert first.status == Membership.Status.PENDING

    services.membership_decide(membership=first, actor=user, approve=True)
    services.membership_decide(membership=second, actor=staff_user, approve=False)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decided_by) == (Membership.Status.ACTIVE, user)
    assert (second.status, second.decided_by) == (Membership.Status.REJECTED, staff_user)
    assert first.can_manage  # a claim asks to run the listing: it makes an admin
    assert audit_actions(first) == ["membership.claim", "membership.approve"]
    assert audit_actions(second) == ["membership.claim", "membership.reject"]


def test_an_organization_keeps_at_least_one_owner(user, other_user):
    organization = submit_organization(user)
    owner = Membership.objects.get(organization=organization, user=user)

    with pytest.raises(ValidationError):
        services.membership_remove(membership=owner, actor=user)
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=owner, actor=user, role="admin")
    owner.refresh_from_db()
    assert owner.role == Membership.Role.OWNER

    services.membership_add(organization=organization, actor=user, user=other_user, role="owner")
    services.membership_change_role(membership=owner, actor=user, role="member")
    owner.refresh_from_db()
    assert owner.role == Membership.Role.MEMBER


def test_a_member_can_leave_but_cannot_remove_others(user, other_user):
    organization = submit_organization(user)
    leaver = services.membership_add(organization=organization, actor=user, user=other_user)
    stayer = services.membership_add(organization=organization, actor=user, user=UserFactory())

    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=stayer, actor=other_user)
    services.membership_remove(membership=leaver, actor=other_user)

    assert set(organization.memberships.values_list("user", flat=True)) == {
        user.pk,
        stayer.user_id,
    }


def test_rejecting_the_only_owners_membership_leaves_the_owner_in_place(user, staff_user):
    organization = submit_organization(user)
    owner = Membership.objects.get(organization=organization, user=user)

    with contextlib.suppress(ValidationError):
        services.membership_decide(membership=owner, actor=staff_user, approve=False)

    owner.refresh_from_db()
    assert owner.status == Membership.Status.ACTIVE


# --- Edits --------------------------------------------------------------------------------


def test_an_edit_to_a_published_unverified_listing_waits_for_staff(user, staff_user):
    organization = published_organization(user, staff_user)
    gis = TagFactory(name="GIS")

    revision = services.listing_edit(
        listing=organization,
        actor=user,
        data={"description": "Now with maps.", "city": "Towson"},
        tags=[gis],
    )

    live = Organization.objects.get(pk=organization.pk)
    assert live.description == ORGANIZATION["description"]
    assert live.city == "Baltimore"
    assert not live.tags.exists()
    assert revision.status == ListingRevision.Status.PENDING
    assert revision.data == {
        "description": "Now with maps.",
        "city": "Towson",
        "tags": [gis.pk],
        "_previous": {"description": ORGANIZATION["description"], "city": "Baltimore", "tags": []},
    }

    services.revision_approve(revision=revision, actor=staff_user)

    live.refresh_from_db()
    revision.refresh_from_db()
    assert (live.description, live.city) == ("Now with maps.", "Towson")
    assert list(live.tags.all()) == [gis]
    assert (revision.status, revision.decided_by) == (ListingRevision.Status.APPLIED, staff_user)
    assert audit_actions(organization)[-2:] == ["listing.edit_proposed", "revision.approve"]


def test_a_rejected_edit_leaves_the_listing_as_it_was(user, staff_user):
    organization = published_organization(user, staff_user)
    revision = services.listing_edit(listing=organization, actor=user, data={"name": "Spam"})

    services.revision_reject(revision=revision, actor=staff_user, reason="Not your name.")

    revision.refresh_from_db()
    assert Organization.objects.get(pk=organization.pk).name == ORGANIZATION["name"]
    assert (revision.status, revision.rejection_reason) == (
        ListingRevision.Status.REJECTED,
        "Not your name.",
    )


def test_a_verified_organizations_edit_applies_at_once_and_is_recorded(user, staff_user):
    organization = published_organization(user, staff_user)
    services.organization_set_flags(organization=organization, actor=staff_user, verified=True)
    organization.refresh_from_db()

    result = services.listing_edit(
        listing=organization, actor=user, data={"description": "Updated by us."}
    )

    assert result is None
    assert Organization.objects.get(pk=organization.pk).description == "Updated by us."
    revision = ListingRevision.objects.get(organization=organization)
    assert revision.status == ListingRevision.Status.APPLIED
    assert revision.data == {
        "description": "Updated by us.",
        "_previous": {"description": ORGANIZATION["description"]},
    }
    assert audit_actions(organization)[-1] == "listing.edit"


def test_a_project_of_a_verified_organization_edits_at_once(user, staff_user):
    organization = published_organization(user, staff_user)
    services.organization_set_flags(organization=organization, actor=staff_user, verified=True)
    project = services.project_submit(user=user, data=PROJECT, organization=organization)
    services.listing_publish(listing=project, actor=staff_user)
    project.refresh_from_db()

    assert services.listing_edit(listing=project, actor=user, data={"license": "MIT"}) is None

    assert Project.objects.get(pk=project.pk).license == "MIT"


def test_an_applied_edit_cannot_be_marked_rejected(user, staff_user):
    organization = published_organization(user, staff_user)
    services.organization_set_flags(organization=organization, actor=staff_user, verified=True)
    organization.refresh_from_db()
    services.listing_edit(listing=organization, actor=user, data={"city": "Towson"})
    revision = ListingRevision.objects.get(organization=organization)

    with contextlib.suppress(ValidationError):
        services.revision_reject(revision=revision, actor=staff_user, reason="Too late.")

    revision.refresh_from_db()
    assert revision.status == ListingRevision.Status.APPLIED


def test_editing_a_rejected_listing_sends_it_back_for_review(user, staff_user):
    organization = submit_organization(user)
    services.listing_reject(listing=organization, actor=staff_user, reason="No website.")
    organization.refresh_from_db()

    services.listing_edit(
        listing=organization, actor=user, data={"website": "https://better.example.org"}
    )

    organization.refresh_from_db()
    assert organization.status == ListingStatus.PENDING
    assert organization.website == "https://better.example.org"
    assert not ListingRevision.objects.exists()


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("license", "NOT-A-LICENSE"), ("repository_url", "ftp://x"), ("homepage", "not a url")],
)
def test_a_project_with_invalid_data_is_refused_and_nothing_is_saved(user, field, value):
    with pytest.raises(ValidationError) as error:
        services.project_submit(user=user, data={**PROJECT, field: value})

    assert field in error.value.message_dict
    assert not Project.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_organization_with_an_unknown_kind_is_refused_and_nothing_is_saved(user):
    with pytest.raises(ValidationError) as error:
        submit_organization(user, kind="secret-society")

    assert "kind" in error.value.message_dict
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()


def test_an_invalid_edit_is_refused_before_any_revision_is_kept(user, staff_user):
    organization = published_organization(user, staff_user)
    pending = submit_organization(user, name="Second Org")

    with pytest.raises(ValidationError):
        services.listing_edit(listing=organization, actor=user, data={"website": "nope"})
    with pytest.raises(ValidationError):
        services.listing_edit(listing=pending, actor=user, data={"website": "nope"})

    assert not ListingRevision.objects.exists()
    assert Organization.objects.get(pk=organization.pk).website == ORGANIZATION["website"]
    assert Organization.objects.get(pk=pending.pk).website == ORGANIZATION["website"]


def test_a_repository_url_on_a_real_ftp_host_is_refused(user):
    with pytest.raises(ValidationError):
        services.project_submit(
            user=user, data={**PROJECT, "repository_url": "ftp://ftp.example.org/src"}
        )


def test_factories_make_published_listings_and_active_members_unless_told_otherwise():
    membership = MembershipFactory()
    project = ProjectFactory(organizations=[membership.organization])

    assert (membership.status, membership.role) == (
        Membership.Status.ACTIVE,
        Membership.Role.MEMBER,
    )
    assert membership.organization.status == ListingStatus.PUBLISHED
    assert project.status == ListingStatus.PUBLISHED and project.published_at is not None
    assert list(project.organizations.all()) == [membership.organization]
    pending = ProjectFactory(pending=True)
    assert (pending.status, pending.published_at) == (ListingStatus.PENDING, None)
    assert OrganizationFactory(pending=True).status == ListingStatus.PENDING
