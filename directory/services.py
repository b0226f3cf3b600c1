"""Every state change of the directory: submissions, moderation, memberships, edits, merges."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext as _

from directory.logos import logo_store
from directory.models import (
    ListingRevision,
    ListingStatus,
    Membership,
    Organization,
    Project,
    ProjectRole,
    ProjectUse,
    SlugRedirect,
    Tag,
)
from directory.permissions import (
    listing_can_manage,
    member_can_manage,
    member_can_manage_owners,
)
from directory.queries import PREVIOUS_VALUES, directory_cache_invalidate
from directory.repositories import ListingFromRepository, projects_by_repository, repository_key
from directory.search import search_vector_refresh
from hub.audit import audit_record
from hub.jobs import enqueue_on_commit
from hub.locks import row_lock
from hub.models import AuditEntry, User
from hub.notifications import hub_context
from hub.services import email_queue

ORGANIZATION_FIELDS = [
    "name", "kind", "description", "website", "city", "neighbourhood", "size_band", "innersource",
    "logo",
]  # fmt: skip
PROJECT_FIELDS = [
    "name", "description", "repository_url", "homepage", "license", "seeking_contributors",
    "pitch", "help_wanted", "contact_url", "logo",
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


def _with_logo(data: dict, model, *, logo: File | None = None, remove_logo: bool = False) -> dict:
    """`data` with the logo's stored name: a new upload (checked and re-encoded by
    directory.logos), "" to remove the logo, or no "logo" key to keep it. A "logo" the
    caller put in `data` never reaches the listing: only a stored, re-encoded file does."""
    data = {key: value for key, value in data.items() if key != "logo"}
    if logo is not None:
        data["logo"] = logo_store(logo, model=model)
    elif remove_logo:
        data["logo"] = ""
    return data


def _required_name(data: dict) -> str:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("A listing needs a name.")})
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
def organization_submit(
    *, user: User, data: dict, tags: list[Tag] = (), logo: File | None = None
) -> Organization:
    """A member lists an organization: pending until staff publish it; they own it."""
    organization = Organization(created_by=user, status=ListingStatus.PENDING)
    organization.slug = unique_slug(Organization, _required_name(data))
    data = _with_logo(data, Organization, logo=logo)
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
    logo: File | None = None,
) -> Project:
    """A member lists a project, optionally on behalf of an organization they manage."""
    if organization is not None and not member_can_manage(user=user, organization=organization):
        raise PermissionDenied(_("Only the organization's owners and admins add its projects."))
    project = Project(created_by=user, status=ListingStatus.PENDING)
    project.slug = unique_slug(Project, _required_name(data))
    data = _with_logo(data, Project, logo=logo)
    _save_listing(project, data, PROJECT_FIELDS, tags)
    if organization is not None:
        ProjectRole.objects.create(project=project, organization=organization, role=role)
    audit_record(actor=user, action="project.submit", target=project)
    return project


@transaction.atomic
def project_role_set(
    *, project: Project, organization: Organization, actor: User, role: str
) -> ProjectRole:
    """Name an organization as the project's maintainer, sponsor or contributor (or change
    its role): staff or the project's managers."""
    if not listing_can_manage(user=actor, listing=project):
        raise PermissionDenied(
            _("Only the project's managers and staff change who stands behind it.")
        )
    if role not in ProjectRole.Role.values:
        raise ValidationError({"role": _("Choose maintainer, sponsor or contributor.")})
    project_role, _created = ProjectRole.objects.update_or_create(
        project=project, organization=organization, defaults={"role": role}
    )
    if project.status == ListingStatus.PUBLISHED:
        transaction.on_commit(directory_cache_invalidate)
    audit_record(
        actor=actor,
        action="project.role",
        target=project,
        detail={"organization": organization.slug, "role": role},
    )
    return project_role


# --- Moderation ---------------------------------------------------------------------------


def _notify_submitter(listing, *, subject: Callable[[], str], template: str, context: dict) -> None:
    if listing.created_by is None:
        return
    context = {"listing": listing, "listing_url": _site_link(listing.get_absolute_url), **context}
    _email_people([listing.created_by], subject=subject, template=template, context=context)


@transaction.atomic
def listing_publish(*, listing: Organization | Project, actor: User, notify: bool = True) -> None:
    """Make a listing public; its submitter hears by e-mail (unless `notify=False`: demo
    data, imports)."""
    with row_lock():
        listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    if listing.status == ListingStatus.PUBLISHED:
        return
    listing.status = ListingStatus.PUBLISHED
    listing.rejection_reason = ""
    listing.published_at = listing.published_at or timezone.now()
    listing.save(update_fields=["status", "rejection_reason", "published_at", "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(actor=actor, action="listing.publish", target=listing)
    if notify:
        _notify_submitter(
            listing,
            subject=lambda: _("%(name)s is published") % {"name": listing.name},
            template="directory/email/listing_published.txt",
            context={},
        )


@transaction.atomic
def listing_reject(
    *, listing: Organization | Project, actor: User, reason: str, notify: bool = True
) -> None:
    """Turn a listing down; the reason reaches the submitter by e-mail (unless `notify=False`)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the submitter can fix it.")})
    with row_lock():
        listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    listing.status = ListingStatus.REJECTED
    listing.rejection_reason = reason.strip()
    listing.save(update_fields=["status", "rejection_reason", "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(actor=actor, action="listing.reject", target=listing, detail={"reason": reason})
    if notify:
        _notify_submitter(
            listing,
            subject=lambda: _("%(name)s was not published") % {"name": listing.name},
            template="directory/email/listing_rejected.txt",
            context={"reason": listing.rejection_reason},
        )


@transaction.atomic(durable=True)
def listing_archive(*, listing: Organization | Project, actor: User) -> None:
    with row_lock():
        listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    listing.status = ListingStatus.ARCHIVED
    listing.save(update_fields=["status", "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(actor=actor, action="listing.archive", target=listing)


@transaction.atomic
def organization_set_flags(*, organization: Organization, actor: User, **flags: bool) -> None:
    """Feature or verify (or undo either): staff only."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff feature or verify organizations."))
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
    with row_lock():
        listing = model.objects.select_for_update().get(pk=listing.pk)
    if new_slug == listing.slug:
        return
    field = "organization" if model is Organization else "project"
    taken_by_redirect = SlugRedirect.objects.filter(
        old_slug=new_slug, **{f"{field}__isnull": False}
    ).exclude(**{field: listing})
    if model.objects.filter(slug=new_slug).exists() or taken_by_redirect.exists():
        raise ValidationError({"slug": _("Another listing uses or used this address.")})
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


@transaction.atomic(durable=True)
def organization_merge(*, keep: Organization, duplicate: Organization, actor: User) -> Organization:
    """Fold a duplicate into the organization kept: its projects, members and
    addresses move over, and the duplicate's URL redirects to the one kept."""
    keep, duplicate = _merge_locked(
        keep, duplicate, itself=_("An organization cannot be merged into itself.")
    )
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
    _uses_move(listing="organization", keep=keep, duplicate=duplicate)
    return _merge_finish(keep=keep, duplicate=duplicate, actor=actor)


ROLE_RANK = {Membership.Role.OWNER: 3, Membership.Role.ADMIN: 2, Membership.Role.MEMBER: 1}


def _outranks(membership: Membership, other: Membership) -> bool:
    """Whether a merged-away membership gives the person more than the one kept."""
    if membership.status != Membership.Status.ACTIVE:
        return False
    if other.status != Membership.Status.ACTIVE:
        return True
    return ROLE_RANK[membership.role] > ROLE_RANK[other.role]


def _merge_locked(keep, duplicate, *, itself: str):
    """Both listings of a merge, locked and read afresh (`itself`: the refusal when they are
    one and the same)."""
    if keep.pk == duplicate.pk:
        raise ValidationError(itself)
    with row_lock():
        locked = type(keep).objects.select_for_update().in_bulk([keep.pk, duplicate.pk])
    return locked[keep.pk], locked[duplicate.pk]


def _merge_finish(*, keep, duplicate, actor: User):
    """What both merges end with: the duplicate's tags and whatever names it move to the
    listing kept, it is deleted, and its old addresses (its own slug too) redirect there."""
    model = type(keep)
    field = model._meta.model_name
    keep.tags.add(*duplicate.tags.all())
    _references_move(model, duplicate=duplicate, keep=keep)
    SlugRedirect.objects.filter(**{field: duplicate}).update(**{field: keep})
    duplicate_slug, duplicate_name = duplicate.slug, duplicate.name
    duplicate.delete()
    transaction.on_commit(directory_cache_invalidate)
    SlugRedirect.objects.create(old_slug=duplicate_slug, **{field: keep})
    search_vector_refresh(keep)
    audit_record(
        actor=actor,
        action=f"{field}.merge",
        target=keep,
        detail={"merged": duplicate_name, "merged_slug": duplicate_slug},
    )
    return keep


def _references_move(model, *, duplicate, keep) -> None:
    """Point what other apps hold of a merged listing at the one kept: their foreign keys
    (pledges, events' organizers, logged hours, ...) and many-to-many links (a pledge's
    target projects), where a link the kept listing already has is dropped, not doubled."""
    from django.apps import apps

    for other in apps.get_models():
        if other._meta.app_label == "directory":
            continue
        for field in other._meta.get_fields():
            if not field.concrete or field.related_model is not model:
                continue
            if field.many_to_one:
                other.objects.filter(**{field.name: duplicate}).update(**{field.name: keep})
            elif field.many_to_many:
                links = field.remote_field.through.objects
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                linked_to_keep = links.filter(**{target: keep}).values(source)
                duplicate_links = links.filter(**{target: duplicate})
                duplicate_links.filter(**{f"{source}__in": linked_to_keep}).delete()
                duplicate_links.update(**{target: keep})


@transaction.atomic(durable=True)
def project_merge(*, keep: Project, duplicate: Project, actor: User) -> Project:
    """Fold a duplicate project into the one kept: the organizations behind it (the kept
    project's role wins where both name one), its tags, old addresses and whatever else
    names it (logged hours, pledges' target projects) move over, and the duplicate's URL
    redirects to the one kept. The kept project's own text stays."""
    keep, duplicate = _merge_locked(
        keep, duplicate, itself=_("A project cannot be merged into itself.")
    )
    kept_organizations = set(keep.roles.values_list("organization_id", flat=True))
    duplicate.roles.exclude(organization_id__in=kept_organizations).update(project=keep)
    _uses_move(listing="project", keep=keep, duplicate=duplicate)
    return _merge_finish(keep=keep, duplicate=duplicate, actor=actor)


def _uses_move(*, listing: str, keep, duplicate) -> None:
    """The merged listing's declarations of use move to the one kept ("organization" or
    "project" says which side of them it is); where the kept listing declares the same
    counterpart already, its own declaration stays and the duplicate's goes with it."""
    counterpart = "project" if listing == "organization" else "organization"
    declared = ProjectUse.objects.filter(**{listing: keep}).values(counterpart)
    ProjectUse.objects.filter(**{listing: duplicate}).exclude(
        **{f"{counterpart}__in": declared}
    ).update(**{listing: keep})


# --- Memberships --------------------------------------------------------------------------
#
# Every change of who belongs to an organization, and in which role, locks the organization
# row first: the rule "at least one active owner" reads several memberships, and two changes
# that each see the other owner (two owners demoting each other) must not both go through.


def lock_organization(organization_id: int) -> Organization:
    """The organization row, locked until the transaction ends (LockBusy if it stays busy)."""
    with row_lock():
        return Organization.objects.select_for_update().get(pk=organization_id)


def _first_locked(memberships) -> Membership | None:
    """The first of `memberships`, its row locked. Ordered by id because the model's default
    ordering joins the organization, and FOR UPDATE would then lock that row too."""
    with row_lock():
        return memberships.select_for_update().order_by("pk").first()


def _lock_membership(membership: Membership) -> Membership:
    """The membership as it is now, locked; it may have gone while the page was open."""
    current = _first_locked(Membership.objects.filter(pk=membership.pk))
    if current is None:
        raise ValidationError(_("This membership no longer exists."))
    return current


def _active_owners(organization: Organization):
    return Membership.objects.filter(
        organization=organization, role=Membership.Role.OWNER, status=Membership.Status.ACTIVE
    )


def _is_active_owner(membership: Membership | None) -> bool:
    return (
        membership is not None
        and membership.status == Membership.Status.ACTIVE
        and membership.role == Membership.Role.OWNER
    )


def _ensure_can_manage_owners(*, actor: User, organization: Organization) -> None:
    if not member_can_manage_owners(user=actor, organization=organization):
        raise PermissionDenied(
            _(
                "Only an owner grants or removes the owner role. "
                "Ask an owner of the organization, or hub staff."
            )
        )


def _ensure_another_owner(membership: Membership) -> None:
    if not _active_owners(membership.organization).exclude(pk=membership.pk).exists():
        raise ValidationError(
            _(
                "An organization keeps at least one owner: "
                "transfer the ownership to another member first."
            )
        )


def _valid_role(role: str) -> str:
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose owner, admin or member.")})
    return role


def _site_link(path_of: Callable[[], str]) -> str:
    """The full address of a page, written out when a message is (so in its reader's language)."""
    return lazy(lambda: f"{settings.HUB_SITE_URL}{path_of()}", str)()


def _email_people(
    people,
    *,
    subject: Callable[[], str],
    template: str,
    context: dict,
    exclude: User | None = None,
) -> None:
    """One message per person (nobody sees the others' addresses), sent after commit, each
    written in its reader's language, subject and links included."""
    for person in people:
        if not person.email or (exclude is not None and person.pk == exclude.pk):
            continue
        with translation.override(person.preferred_language):
            body = render_to_string(template, {**hub_context(), "person": person, **context})
            message = EmailMessage(subject=subject(), body=body, to=[person.email])
        email_queue(message=message)


def _claim_reviewers(organization: Organization):
    """Who decides on a claim: the organization's owners, or hub staff when it has none."""
    owners = User.objects.filter(
        memberships__in=_active_owners(organization), is_active=True
    ).distinct()
    if owners.exists():
        return owners, lambda: reverse("directory:organization-members", args=[organization.slug])
    staff = User.objects.filter(is_staff=True, is_active=True)
    return (
        staff,
        lambda: reverse("admin:directory_membership_changelist") + "?status__exact=pending",
    )


@transaction.atomic
def membership_claim(
    *, user: User, organization: Organization, message: str = "", notify: bool = True
) -> Membership:
    """Ask to join (or take over) an organization's listing; its owners (or hub staff,
    when it has no owner) decide. The claimant and the reviewers hear by e-mail (unless
    `notify=False`: demo data, imports).

    Claiming again returns the existing membership; a rejected claim may be renewed.
    """
    organization = lock_organization(organization.pk)
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
    if created and notify:
        context = {"organization": organization, "membership": membership, "claimant": user}
        _email_people(
            [user],
            subject=lambda: _("We received your claim for %(name)s") % {"name": organization.name},
            template="directory/email/claim_received.txt",
            context=context,
        )
        reviewers, path_of = _claim_reviewers(organization)
        _email_people(
            reviewers,
            subject=lambda: _("A claim for %(name)s waits for you") % {"name": organization.name},
            template="directory/email/claim_waiting.txt",
            context={**context, "review_url": _site_link(path_of)},
            exclude=user,
        )
    return membership


@transaction.atomic(durable=True)
def membership_decide(
    *, membership: Membership, actor: User, approve: bool, reason: str = ""
) -> Membership:
    """Approve or reject a pending claim; the claimant hears by e-mail, with the reason.

    A claim approved for an organization without an owner makes the claimant its owner
    (someone has to hold the listing), which only hub staff may grant.
    """
    organization = lock_organization(membership.organization_id)
    membership = _lock_membership(membership)
    if not member_can_manage(user=actor, organization=organization):
        raise PermissionDenied(_("Only staff and the organization's admins decide on members."))
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This membership was already decided; remove it instead."))
    fields = ["status", "decided_by", "decided_at"]
    if approve and (
        membership.role == Membership.Role.OWNER or not _active_owners(organization).exists()
    ):
        _ensure_can_manage_owners(actor=actor, organization=organization)
        membership.role = Membership.Role.OWNER
        fields.append("role")
    membership.status = Membership.Status.ACTIVE if approve else Membership.Status.REJECTED
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=fields)
    reason = reason.strip()
    audit_record(
        actor=actor,
        action="membership.approve" if approve else "membership.reject",
        target=membership,
        detail={"reason": reason} if reason else None,
    )
    _email_people(
        [membership.user],
        subject=lambda: (
            (
                _("Your claim for %(name)s is approved")
                if approve
                else _("Your claim for %(name)s was not approved")
            )
            % {"name": organization.name}
        ),
        template="directory/email/claim_decided.txt",
        context={
            "organization": organization,
            "membership": membership,
            "approved": approve,
            "reason": reason,
            "organization_url": _site_link(organization.get_absolute_url),
        },
    )
    return membership


@transaction.atomic
def membership_add(
    *, organization: Organization, actor: User, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """An organization admin adds a person with an account; active at once.

    Adding someone who already belongs changes their role, under the same rules as
    membership_change_role: only an owner grants or takes away the owner role.
    """
    organization = lock_organization(organization.pk)
    if not member_can_manage(user=actor, organization=organization):
        raise PermissionDenied(_("Only the organization's owners and admins add members."))
    role = _valid_role(role)
    existing = _first_locked(Membership.objects.filter(user=user, organization=organization))
    was_owner = existing is not None and existing.role == Membership.Role.OWNER
    if role == Membership.Role.OWNER or was_owner:
        _ensure_can_manage_owners(actor=actor, organization=organization)
    if _is_active_owner(existing) and role != Membership.Role.OWNER:
        _ensure_another_owner(existing)
    if role != Membership.Role.OWNER and not _active_owners(organization).exists():
        raise ValidationError(
            {
                "role": _("%(name)s has no owner yet: add its first person as owner.")
                % {"name": organization.name}
            }
        )
    membership, _created = Membership.objects.update_or_create(
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
    organization = lock_organization(membership.organization_id)
    membership = _lock_membership(membership)
    if not member_can_manage(user=actor, organization=organization):
        raise PermissionDenied(_("Only the organization's owners and admins change roles."))
    role = _valid_role(role)
    if role == membership.role:
        return membership
    if Membership.Role.OWNER in (role, membership.role):
        _ensure_can_manage_owners(actor=actor, organization=organization)
    if _is_active_owner(membership):
        _ensure_another_owner(membership)
    old_role, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.role",
        target=membership,
        detail={"role": role, "from": old_role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove someone from the organization, or leave it (anyone may leave, except its
    last owner)."""
    organization = lock_organization(membership.organization_id)
    membership = _lock_membership(membership)
    leaving = actor.pk == membership.user_id
    if not leaving and not member_can_manage(user=actor, organization=organization):
        raise PermissionDenied(_("Only the organization's owners and admins remove members."))
    if not leaving and membership.role == Membership.Role.OWNER:
        _ensure_can_manage_owners(actor=actor, organization=organization)
    if _is_active_owner(membership):
        _ensure_another_owner(membership)
    audit_record(
        actor=actor,
        action="membership.leave" if leaving else "membership.remove",
        target=membership,
    )
    membership.delete()


@transaction.atomic(durable=True)
def membership_transfer_ownership(
    *, organization: Organization, actor: User, to_membership: Membership
) -> Membership:
    """An owner hands the organization to one of its active members: they become owner,
    the old owner stays on as admin. Both hear by e-mail."""
    organization = lock_organization(organization.pk)
    current = (
        _first_locked(_active_owners(organization).filter(user=actor))
        if actor.is_authenticated
        else None
    )
    if current is None:
        raise PermissionDenied(
            _("Only an owner of %(name)s transfers its ownership.") % {"name": organization.name}
        )
    new_owner = _first_locked(Membership.objects.filter(pk=to_membership.pk))
    if new_owner is None or new_owner.organization_id != organization.pk:
        raise ValidationError(
            {"to_membership": _("Choose a member of %(name)s.") % {"name": organization.name}}
        )
    if new_owner.pk == current.pk:
        raise ValidationError({"to_membership": _("You own it already: choose someone else.")})
    if new_owner.status != Membership.Status.ACTIVE:
        raise ValidationError(
            {
                "to_membership": _("%(person)s is not an active member yet: approve them first.")
                % {"person": new_owner.user}
            }
        )
    if new_owner.role == Membership.Role.OWNER:
        raise ValidationError(
            {"to_membership": _("%(person)s is an owner already.") % {"person": new_owner.user}}
        )
    new_owner.role = Membership.Role.OWNER
    new_owner.save(update_fields=["role"])
    current.role = Membership.Role.ADMIN
    current.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.transfer",
        target=organization,
        detail={"from_user": actor.pk, "to_user": new_owner.user_id},
    )
    _email_people(
        [actor, new_owner.user],
        subject=lambda: (
            _("%(person)s now owns %(organization)s")
            % {"person": new_owner.user, "organization": organization.name}
        ),
        template="directory/email/ownership_transferred.txt",
        context={
            "organization": organization,
            "previous_owner": actor,
            "new_owner": new_owner.user,
            "members_url": _site_link(
                lambda: reverse("directory:organization-members", args=[organization.slug])
            ),
        },
    )
    return new_owner


# --- Edits --------------------------------------------------------------------------------


def _stored_value(listing, name: str):
    value = getattr(listing, name)
    return (value.name or "") if isinstance(value, FieldFile) else value


def _same_value(current, proposed) -> bool:
    # Browsers send a text area's line ends as CRLF: the same text is no change.
    if isinstance(current, str) and isinstance(proposed, str):
        return current.replace("\r\n", "\n").strip() == proposed.replace("\r\n", "\n").strip()
    return current == proposed


def _changes(listing, data: dict, fields: list[str], tags) -> dict:
    """The revision data of an edit: the fields whose value it changes (tags as sorted ids),
    and under PREVIOUS_VALUES what they were; empty when it changes nothing."""
    current = type(listing).objects.get(pk=listing.pk)
    changed, previous = {}, {}
    for name in fields:
        if name in data and not _same_value(_stored_value(current, name), data[name]):
            changed[name], previous[name] = data[name], _stored_value(current, name)
    if tags is not None:
        current_tags = sorted(current.tags.values_list("pk", flat=True))
        proposed_tags = sorted(tag.pk for tag in tags)
        if proposed_tags != current_tags:
            changed["tags"], previous["tags"] = proposed_tags, current_tags
    return {**changed, PREVIOUS_VALUES: previous} if changed else {}


def _edit_goes_live_at_once(listing) -> bool:
    if listing.status != ListingStatus.PUBLISHED:
        return True  # nobody sees it yet; staff review the whole listing when publishing
    if isinstance(listing, Organization):
        return listing.verified
    return listing.organizations.filter(verified=True).exists()


@transaction.atomic(durable=True)
def listing_edit(
    *,
    listing: Organization | Project,
    actor: User,
    data: dict,
    tags: list[Tag] | None = None,
    logo: File | None = None,
    remove_logo: bool = False,
) -> ListingRevision | None:
    """Change a listing. Published listings of unverified organizations keep showing
    the old text (and logo) until staff approve the edit; verified organizations' edits
    apply at once. `logo` is an uploaded file; `remove_logo` goes back to the monogram.

    Returns the revision waiting for review, or None when the edit applied (or changed
    nothing). A revision holds only the fields the edit changes.
    """
    if not listing_can_manage(user=actor, listing=listing):
        raise PermissionDenied(_("Only the listing's managers and staff change it."))
    data = _with_logo(data, type(listing), logo=logo, remove_logo=remove_logo)
    fields = ORGANIZATION_FIELDS if isinstance(listing, Organization) else PROJECT_FIELDS
    revision_data = _changes(listing, data, fields, tags)
    field = "organization" if isinstance(listing, Organization) else "project"
    if _edit_goes_live_at_once(listing):
        if listing.status == ListingStatus.REJECTED:
            listing.status = ListingStatus.PENDING  # fixed up: back into the review queue
        _save_listing(listing, data, fields, tags)
        if listing.status == ListingStatus.PUBLISHED and revision_data:
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
    if not revision_data:
        return None
    revision = ListingRevision.objects.create(
        data=revision_data, proposed_by=actor, **{field: listing}
    )
    audit_record(actor=actor, action="listing.edit_proposed", target=listing)
    return revision


@transaction.atomic(durable=True)
def revision_approve(*, revision: ListingRevision, actor: User) -> None:
    with row_lock():
        revision = ListingRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != ListingRevision.Status.PENDING:
        return
    listing = revision.listing
    data = {name: value for name, value in revision.data.items() if name != PREVIOUS_VALUES}
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


@transaction.atomic(durable=True)
def revision_reject(*, revision: ListingRevision, actor: User, reason: str) -> None:
    with row_lock():
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


# --- Imports from a forge -----------------------------------------------------------------

IMPORT_REQUESTED = "organization.import_requested"
IMPORT_DONE = "organization.repository_import"


def import_audit_entries(organization: Organization, action: str):
    """The audit rows of an organization's imports: they are the imports' record."""
    return AuditEntry.objects.filter(
        target_type=Organization._meta.label_lower, target_id=organization.pk, action=action
    )


def repository_import_done(*, organization: Organization, run_key: str) -> bool:
    return import_audit_entries(organization, IMPORT_DONE).filter(detail__run_key=run_key).exists()


@transaction.atomic
def repository_import_request(
    *,
    organization: Organization,
    actor: User,
    source: str,
    urls: list[str],
    run_key: str,
    required_file: str = "",
) -> bool:
    """An organization's admin asks to import repositories: the job runs after commit.
    The same form sent twice (same `run_key`) queues one job; False for the second."""
    from directory.tasks import repository_import_task  # the task calls back into services

    if not member_can_manage(user=actor, organization=organization):
        raise PermissionDenied(_("Only the organization's owners and admins import its projects."))
    organization = lock_organization(organization.pk)
    requested = import_audit_entries(organization, IMPORT_REQUESTED)
    if requested.filter(detail__run_key=run_key).exists():
        return False
    audit_record(
        actor=actor,
        action=IMPORT_REQUESTED,
        target=organization,
        detail={
            "run_key": run_key, "source": source, "count": len(urls),
            "required_file": required_file,
        },
    )  # fmt: skip
    enqueue_on_commit(
        repository_import_task, organization.pk, actor.pk, source, urls, run_key, required_file
    )
    return True


@transaction.atomic
def repositories_import(
    *,
    organization: Organization,
    actor: User,
    source: str,
    listings: list[ListingFromRepository],
    skipped: list[dict],
    run_key: str,
) -> dict | None:
    """List the repositories read by an import as projects the organization maintains,
    pending review, except those listed already (by repository address); record the counts
    and e-mail them to the admin who asked. None when this run was recorded before."""
    organization = lock_organization(organization.pk)
    if repository_import_done(organization=organization, run_key=run_key):
        return None
    imported, already_listed, skipped = [], [], list(skipped)
    if not member_can_manage(user=actor, organization=organization):
        reason = _("%(person)s no longer manages %(organization)s") % {
            "person": actor,
            "organization": organization.name,
        }
        skipped += [{"name": listing.name, "reason": reason} for listing in listings]
        listings = []
    listed = projects_by_repository([listing.url for listing in listings])
    for listing in listings:
        key = repository_key(listing.url)
        if key in listed:
            already_listed.append(listing.name)
            continue
        try:
            listed[key] = project_submit(
                user=actor, data=listing.data, tags=listing.tags, organization=organization
            )
        except ValidationError as error:
            skipped.append({"name": listing.name, "reason": " ".join(error.messages)})
        else:
            imported.append(listing.name)
    result = {
        "run_key": run_key, "source": source, "imported": imported,
        "already_listed": already_listed, "skipped": skipped,
    }  # fmt: skip
    audit_record(actor=actor, action=IMPORT_DONE, target=organization, detail=result)
    _email_people(
        [actor],
        subject=lambda: (
            _("Import for %(name)s: %(count)s imported")
            % {"name": organization.name, "count": len(imported)}
        ),
        template="directory/email/repository_import_done.txt",
        context={
            "organization": organization,
            **result,
            "import_url": _site_link(
                lambda: reverse("directory:organization-import", args=[organization.slug])
            ),
        },
    )
    return result
