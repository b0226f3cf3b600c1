"""Every state change of the directory: submissions, moderation, memberships, edits, merges."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from directory.models import (
    ListingRevision,
    ListingStatus,
    Membership,
    Organization,
    Project,
    ProjectRole,
    SlugRedirect,
    Tag,
)
from directory.permissions import listing_can_manage, member_can_manage
from directory.queries import directory_cache_invalidate
from directory.search import search_vector_refresh
from hub.audit import audit_record
from hub.models import User
from hub.services import email_queue

ORGANIZATION_FIELDS = [
    "name", "kind", "description", "website", "city", "neighbourhood", "size_band", "innersource",
]  # fmt: skip
PROJECT_FIELDS = [
    "name", "description", "repository_url", "homepage", "license", "seeking_contributors",
    "pitch", "help_wanted", "contact_url",
]  # fmt: skip


def unique_slug(model, name: str, *, exclude_pk=None) -> str:
    """A slug from `name` that no listing of `model` uses now or used before."""
    base = slugify(name)[:170] or "listing"
    field = "organization" if model is Organization else "project"
    slug, n = base, 1
    while (
        model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists()
        or SlugRedirect.objects.filter(old_slug=slug, **{f"{field}__isnull": False}).exists()
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _required_name(data: dict) -> str:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "A listing needs a name."})
    return name


def _set_fields(listing, data: dict, fields: list[str]) -> None:
    for field in fields:
        if field in data:
            setattr(listing, field, data[field])


def _save_listing(listing, data: dict, fields: list[str], tags) -> None:
    _set_fields(listing, data, fields)
    listing.full_clean(exclude=["slug", "search_vector"])
    listing.save()
    if tags is not None:
        listing.tags.set(tags)
    search_vector_refresh(listing)


# --- Submissions ------------------------------------------------------------------------


@transaction.atomic
def organization_submit(*, user: User, data: dict, tags: list[Tag] = ()) -> Organization:
    """A member lists an organization: pending until staff publish it; they own it."""
    organization = Organization(created_by=user, status=ListingStatus.PENDING)
    organization.slug = unique_slug(Organization, _required_name(data))
    _save_listing(organization, data, ORGANIZATION_FIELDS, tags)
    Membership.objects.create(
        user=user,
        organization=organization,
        role=Membership.Role.OWNER,
        status=Membership.Status.ACTIVE,
        decided_at=timezone.now(),
    )
    audit_record(actor=user, action="organization.submit", target=organization)
    return organization


@transaction.atomic
def project_submit(
    *,
    user: User,
    data: dict,
    tags: list[Tag] = (),
    organization: Organization | None = None,
    role: str = ProjectRole.Role.MAINTAINER,
) -> Project:
    """A member lists a project, optionally on behalf of an organization they manage."""
    if organization is not None and not member_can_manage(user=user, organization=organization):
        raise PermissionDenied("Only the organization's owners and admins add its projects.")
    project = Project(created_by=user, status=ListingStatus.PENDING)
    project.slug = unique_slug(Project, _required_name(data))
    _save_listing(project, data, PROJECT_FIELDS, tags)
    if organization is not None:
        ProjectRole.objects.create(project=project, organization=organization, role=role)
    audit_record(actor=user, action="project.submit", target=project)
    return project


# --- Moderation ---------------------------------------------------------------------------


def _notify_submitter(listing, *, subject: str, template: str, context: dict) -> None:
    if listing.created_by is None:
        return
    body = render_to_string(template, {"listing": listing, **context})
    email_queue(message=EmailMessage(subject=subject, body=body, to=[listing.created_by.email]))


@transaction.atomic
def listing_publish(*, listing: Organization | Project, actor: User) -> None:
    listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    if listing.status == ListingStatus.PUBLISHED:
        return
    listing.status = ListingStatus.PUBLISHED
    listing.rejection_reason = ""
    listing.published_at = listing.published_at or timezone.now()
    listing.save(update_fields=["status", "rejection_reason", "published_at", "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(actor=actor, action="listing.publish", target=listing)
    _notify_submitter(
        listing,
        subject=f"{listing.name} is published",
        template="directory/email/listing_published.txt",
        context={},
    )


@transaction.atomic
def listing_reject(*, listing: Organization | Project, actor: User, reason: str) -> None:
    """Turn a listing down; the reason reaches the submitter by e-mail."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why, so the submitter can fix it."})
    listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    listing.status = ListingStatus.REJECTED
    listing.rejection_reason = reason.strip()
    listing.save(update_fields=["status", "rejection_reason", "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(actor=actor, action="listing.reject", target=listing, detail={"reason": reason})
    _notify_submitter(
        listing,
        subject=f"{listing.name} was not published",
        template="directory/email/listing_rejected.txt",
        context={"reason": listing.rejection_reason},
    )


@transaction.atomic
def listing_archive(*, listing: Organization | Project, actor: User) -> None:
    listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    listing.status = ListingStatus.ARCHIVED
    listing.save(update_fields=["status", "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(actor=actor, action="listing.archive", target=listing)


@transaction.atomic
def organization_set_flags(*, organization: Organization, actor: User, **flags: bool) -> None:
    """Feature or verify (or undo either): staff only."""
    if not actor.is_staff:
        raise PermissionDenied("Only staff feature or verify organizations.")
    allowed = {"featured", "verified"}
    if not set(flags) <= allowed:
        raise ValueError(f"Only {sorted(allowed)} can be set.")
    for name, value in flags.items():
        setattr(organization, name, value)
    organization.save(update_fields=[*flags, "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(actor=actor, action="organization.flags", target=organization, detail=flags)


@transaction.atomic
def listing_change_slug(*, listing: Organization | Project, actor: User, new_slug: str) -> None:
    """Give a listing a new address; the old one keeps redirecting."""
    model = type(listing)
    listing = model.objects.select_for_update().get(pk=listing.pk)
    if new_slug == listing.slug:
        return
    field = "organization" if model is Organization else "project"
    taken_by_redirect = SlugRedirect.objects.filter(
        old_slug=new_slug, **{f"{field}__isnull": False}
    ).exclude(**{field: listing})
    if model.objects.filter(slug=new_slug).exists() or taken_by_redirect.exists():
        raise ValidationError({"slug": "Another listing uses or used this address."})
    # Moving back to one of its own old addresses: that redirect is no longer needed.
    SlugRedirect.objects.filter(old_slug=new_slug, **{field: listing}).delete()
    SlugRedirect.objects.create(old_slug=listing.slug, **{field: listing})
    old_slug, listing.slug = listing.slug, new_slug
    listing.save(update_fields=["slug", "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(
        actor=actor,
        action="listing.slug",
        target=listing,
        detail={"from": old_slug, "to": new_slug},
    )


@transaction.atomic
def organization_merge(*, keep: Organization, duplicate: Organization, actor: User) -> Organization:
    """Fold a duplicate into the organization kept: its projects, members and
    addresses move over, and the duplicate's URL redirects to the one kept."""
    if keep.pk == duplicate.pk:
        raise ValidationError("An organization cannot be merged into itself.")
    locked = Organization.objects.select_for_update().in_bulk([keep.pk, duplicate.pk])
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    kept_projects = set(keep.project_roles.values_list("project_id", flat=True))
    for role in duplicate.project_roles.all():
        if role.project_id not in kept_projects:
            role.organization = keep
            role.save(update_fields=["organization"])
    kept_members = {m.user_id: m for m in keep.memberships.all()}
    for membership in duplicate.memberships.all():
        kept = kept_members.get(membership.user_id)
        if kept is None:
            membership.organization = keep
            membership.save(update_fields=["organization"])
        elif _outranks(membership, kept):
            kept.role, kept.status = membership.role, membership.status
            kept.save(update_fields=["role", "status"])
    keep.tags.add(*duplicate.tags.all())
    for model, field_name in _foreign_keys_to_organizations():
        model.objects.filter(**{field_name: duplicate}).update(**{field_name: keep})
    SlugRedirect.objects.filter(organization=duplicate).update(organization=keep)
    duplicate_slug, duplicate_name = duplicate.slug, duplicate.name
    duplicate.delete()
    transaction.on_commit(directory_cache_invalidate)
    SlugRedirect.objects.create(old_slug=duplicate_slug, organization=keep)
    search_vector_refresh(keep)
    audit_record(
        actor=actor,
        action="organization.merge",
        target=keep,
        detail={"merged": duplicate_name, "merged_slug": duplicate_slug},
    )
    return keep


ROLE_RANK = {Membership.Role.OWNER: 3, Membership.Role.ADMIN: 2, Membership.Role.MEMBER: 1}


def _outranks(membership: Membership, other: Membership) -> bool:
    """Whether a merged-away membership gives the person more than the one kept."""
    if membership.status != Membership.Status.ACTIVE:
        return False
    if other.status != Membership.Status.ACTIVE:
        return True
    return ROLE_RANK[membership.role] > ROLE_RANK[other.role]


def _foreign_keys_to_organizations() -> list[tuple[type, str]]:
    """(model, field name) of other apps' foreign keys to Organization, which a merge
    moves to the organization kept (pledges, events' organizers, ...)."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        if model._meta.app_label != "directory"
        for field in model._meta.get_fields()
        if field.concrete and field.many_to_one and field.related_model is Organization
    ]


# --- Memberships --------------------------------------------------------------------------


@transaction.atomic
def membership_claim(*, user: User, organization: Organization, message: str = "") -> Membership:
    """Ask to join (or take over) an organization's listing; staff approve.

    Claiming again returns the existing membership; a rejected claim may be renewed.
    """
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization=organization,
        defaults={"message": message, "role": Membership.Role.ADMIN},
    )
    if not created and membership.status == Membership.Status.REJECTED:
        membership.status = Membership.Status.PENDING
        membership.message = message
        membership.decided_by, membership.decided_at = None, None
        membership.save(update_fields=["status", "message", "decided_by", "decided_at"])
        created = True
    if created:
        audit_record(actor=user, action="membership.claim", target=membership)
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, actor: User, approve: bool) -> Membership:
    if not member_can_manage(user=actor, organization=membership.organization):
        raise PermissionDenied("Only staff and the organization's admins decide on members.")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.PENDING:
        raise ValidationError("This membership was already decided; remove it instead.")
    membership.status = Membership.Status.ACTIVE if approve else Membership.Status.REJECTED
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="membership.approve" if approve else "membership.reject",
        target=membership,
    )
    return membership


@transaction.atomic
def membership_add(
    *, organization: Organization, actor: User, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """An organization admin adds a person with an account; active at once."""
    if not member_can_manage(user=actor, organization=organization):
        raise PermissionDenied("Only the organization's owners and admins add members.")
    membership, _ = Membership.objects.update_or_create(
        user=user,
        organization=organization,
        defaults={
            "role": role,
            "status": Membership.Status.ACTIVE,
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    audit_record(actor=actor, action="membership.add", target=membership, detail={"role": role})
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    organization = membership.organization
    if not member_can_manage(user=actor, organization=organization):
        raise PermissionDenied("Only the organization's owners and admins change roles.")
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(actor=actor, action="membership.role", target=membership, detail={"role": role})
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    if actor != membership.user and not member_can_manage(
        user=actor, organization=membership.organization
    ):
        raise PermissionDenied("Only the organization's owners and admins remove members.")
    if membership.role == Membership.Role.OWNER:
        _ensure_another_owner(membership)
    audit_record(actor=actor, action="membership.remove", target=membership)
    membership.delete()


def _ensure_another_owner(membership: Membership) -> None:
    others = Membership.objects.filter(
        organization=membership.organization,
        role=Membership.Role.OWNER,
        status=Membership.Status.ACTIVE,
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError("An organization keeps at least one owner.")


# --- Edits --------------------------------------------------------------------------------


def _edit_goes_live_at_once(listing) -> bool:
    if listing.status != ListingStatus.PUBLISHED:
        return True  # nobody sees it yet; staff review the whole listing when publishing
    if isinstance(listing, Organization):
        return listing.verified
    return listing.organizations.filter(verified=True).exists()


@transaction.atomic
def listing_edit(
    *, listing: Organization | Project, actor: User, data: dict, tags: list[Tag] | None = None
) -> ListingRevision | None:
    """Change a listing. Published listings of unverified organizations keep showing
    the old text until staff approve the edit; verified organizations' edits apply at once.

    Returns the revision waiting for review, or None when the edit applied.
    """
    if not listing_can_manage(user=actor, listing=listing):
        raise PermissionDenied("Only the listing's managers and staff change it.")
    fields = ORGANIZATION_FIELDS if isinstance(listing, Organization) else PROJECT_FIELDS
    revision_data = {key: data[key] for key in fields if key in data}
    if tags is not None:
        revision_data["tags"] = [tag.pk for tag in tags]
    field = "organization" if isinstance(listing, Organization) else "project"
    if _edit_goes_live_at_once(listing):
        if listing.status == ListingStatus.REJECTED:
            listing.status = ListingStatus.PENDING  # fixed up: back into the review queue
        _save_listing(listing, data, fields, tags)
        if listing.status == ListingStatus.PUBLISHED:
            transaction.on_commit(directory_cache_invalidate)
            ListingRevision.objects.create(
                data=revision_data,
                status=ListingRevision.Status.APPLIED,
                proposed_by=actor,
                decided_at=timezone.now(),
                **{field: listing},
            )
        audit_record(actor=actor, action="listing.edit", target=listing)
        return None
    # Validate now, so the person sees mistakes at once rather than after review.
    preview = type(listing).objects.get(pk=listing.pk)
    _set_fields(preview, data, fields)
    preview.full_clean(exclude=["slug", "search_vector"])
    revision = ListingRevision.objects.create(
        data=revision_data, proposed_by=actor, **{field: listing}
    )
    audit_record(actor=actor, action="listing.edit_proposed", target=listing)
    return revision


@transaction.atomic
def revision_approve(*, revision: ListingRevision, actor: User) -> None:
    revision = ListingRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != ListingRevision.Status.PENDING:
        return
    listing = revision.listing
    data = dict(revision.data)
    tag_ids = data.pop("tags", None)
    tags = list(Tag.objects.filter(pk__in=tag_ids)) if tag_ids is not None else None
    fields = ORGANIZATION_FIELDS if isinstance(listing, Organization) else PROJECT_FIELDS
    _save_listing(listing, data, fields, tags)
    revision.status = ListingRevision.Status.APPLIED
    revision.decided_by = actor
    revision.decided_at = timezone.now()
    revision.save(update_fields=["status", "decided_by", "decided_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(actor=actor, action="revision.approve", target=listing)


@transaction.atomic
def revision_reject(*, revision: ListingRevision, actor: User, reason: str) -> None:
    revision = ListingRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != ListingRevision.Status.PENDING:
        return
    revision.status = ListingRevision.Status.REJECTED
    revision.decided_by = actor
    revision.decided_at = timezone.now()
    revision.rejection_reason = reason
    revision.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    audit_record(
        actor=actor, action="revision.reject", target=revision.listing, detail={"reason": reason}
    )
