"""Every state change of the chamber: practice notes and their moderation, endorsements."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chamber.models import Endorsement, Position, PracticeNote
from chamber.permissions import (
    position_is_public,
    user_can_edit_practice,
    user_can_endorse_for,
    user_can_withdraw,
    user_can_write_practice_for,
)
from chamber.tasks import send_practice_decision_task
from directory.models import ListingStatus, Organization, Tag
from hub.audit import audit_record
from hub.jobs import enqueue_on_commit
from hub.locks import row_lock
from hub.models import User

PRACTICE_FIELDS = ["title", "summary", "text"]
MAX_PRACTICE_TAGS = 8


def _unique_practice_slug(title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:170] or "practice"
    slug, n = base, 1
    while PracticeNote.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _checked_tags(tags) -> list[Tag]:
    tags = list(tags)
    if len(tags) > MAX_PRACTICE_TAGS:
        raise ValidationError(
            {"tags": _("Choose at most %(limit)s tags.") % {"limit": MAX_PRACTICE_TAGS}}
        )
    return tags


def _save_practice(note: PracticeNote, data: dict, tags) -> None:
    for field in PRACTICE_FIELDS:
        if field in data:
            setattr(note, field, (data[field] or "").strip())
    if not note.title:
        raise ValidationError({"title": _("A note needs a title.")})
    if not note.slug:
        note.slug = _unique_practice_slug(note.title)
    note.full_clean(exclude=["slug"])
    note.save()
    if tags is not None:
        note.tags.set(tags)


def _lock_practice(note: PracticeNote) -> PracticeNote:
    with row_lock():
        return (
            PracticeNote.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=note.pk)
        )


@transaction.atomic
def practice_submit(
    *, author: User, organization: Organization, data: dict, tags=()
) -> PracticeNote:
    """A member writes a note on behalf of their organization: pending until staff publish it."""
    if not user_can_write_practice_for(user=author, organization=organization):
        raise PermissionDenied(
            _("Only active members of a published organization write notes on its behalf.")
        )
    tags = _checked_tags(tags)
    note = PracticeNote(author=author, organization=organization, status=ListingStatus.PENDING)
    _save_practice(note, data, tags)
    audit_record(actor=author, action="practice.submit", target=note)
    return note


@transaction.atomic
def practice_edit(
    *,
    note: PracticeNote,
    actor: User,
    data: dict,
    tags=None,
    organization: Organization | None = None,
) -> PracticeNote:
    """The author changes their note. A note that was published (or turned down) goes back
    to staff's review: the public sees it again once staff publish the new text."""
    note = _lock_practice(note)
    if not user_can_edit_practice(user=actor, note=note):
        raise PermissionDenied(
            _("Only the note's author, while a member of its organization, edits it.")
        )
    if organization is not None and organization.pk != note.organization_id:
        if not user_can_write_practice_for(user=actor, organization=organization):
            raise PermissionDenied(
                _("Only active members of a published organization write notes on its behalf.")
            )
        note.organization = organization
    tags = _checked_tags(tags) if tags is not None else None
    back_to_review = note.status in (ListingStatus.PUBLISHED, ListingStatus.REJECTED)
    if back_to_review:
        note.status = ListingStatus.PENDING
        note.rejection_reason = ""
    _save_practice(note, data, tags)
    audit_record(
        actor=actor,
        action="practice.edit",
        target=note,
        detail={"back_to_review": back_to_review},
    )
    return note


def _staff_only(actor: User, refusal: str) -> None:
    if not actor.is_staff:
        raise PermissionDenied(refusal)


@transaction.atomic
def practice_publish(*, note: PracticeNote, actor: User, notify: bool = True) -> PracticeNote:
    """Staff make a note public; its author hears by e-mail, once (unless `notify=False`:
    demo data). Publishing a published note changes nothing."""
    _staff_only(actor, _("Only staff publish practice notes."))
    note = _lock_practice(note)
    if note.status == ListingStatus.PUBLISHED:
        return note
    note.status = ListingStatus.PUBLISHED
    note.rejection_reason = ""
    # A note published again after an edit keeps its first date.
    note.published_at = note.published_at or timezone.now()
    note.save(update_fields=["status", "rejection_reason", "published_at", "updated_at"])
    decision = audit_record(actor=actor, action="practice.publish", target=note)
    if notify and note.author_id:
        enqueue_on_commit(send_practice_decision_task, note.pk, decision.pk)
    return note


@transaction.atomic
def practice_reject(
    *, note: PracticeNote, actor: User, reason: str, notify: bool = True
) -> PracticeNote:
    """Staff turn a note down; the reason reaches its author by e-mail, once."""
    _staff_only(actor, _("Only staff reject practice notes."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the author can fix it.")})
    note = _lock_practice(note)
    note.status = ListingStatus.REJECTED
    note.rejection_reason = reason
    note.save(update_fields=["status", "rejection_reason", "updated_at"])
    decision = audit_record(
        actor=actor, action="practice.reject", target=note, detail={"reason": reason}
    )
    if notify and note.author_id:
        enqueue_on_commit(send_practice_decision_task, note.pk, decision.pk)
    return note


@transaction.atomic
def practice_archive(*, note: PracticeNote, actor: User) -> PracticeNote:
    """Staff take a note off the public pages for good (no e-mail)."""
    _staff_only(actor, _("Only staff archive practice notes."))
    note = _lock_practice(note)
    note.status = ListingStatus.ARCHIVED
    note.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="practice.archive", target=note)
    return note


# --- Positions --------------------------------------------------------------------------------


@transaction.atomic
def position_save(*, position: Position, actor: User, changed: list[str] = ()) -> Position:
    """Staff write or change a position (the admin's form, the demo data)."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff write positions."))
    created = position.pk is None
    if created:
        position.created_by = actor
    position.full_clean()
    position.save()
    audit_record(
        actor=actor,
        action="position.create" if created else "position.edit",
        target=position,
        detail={"fields": list(changed)},
    )
    return position


# --- Endorsements -----------------------------------------------------------------------------


def _endorsement_of(position: Position, organization: Organization) -> Endorsement | None:
    return Endorsement.objects.filter(position=position, organization=organization).first()


@transaction.atomic
def endorsement_create(
    *, position: Position, organization: Organization, actor: User
) -> tuple[Endorsement, bool]:
    """An owner or admin endorses `position` on behalf of `organization`. Endorsing again
    (or two admins clicking at once) returns the one endorsement there is; True when it
    was made now."""
    if not user_can_endorse_for(user=actor, organization=organization):
        raise PermissionDenied(
            _("Only the owners and admins of a published organization endorse on its behalf.")
        )
    if not position_is_public(position):
        raise ValidationError(_("This position is not published."), code="not_published")
    if not position.open_for_endorsement:
        raise ValidationError(
            _("This position is closed: it takes no new endorsements."), code="closed"
        )
    existing = _endorsement_of(position, organization)
    if existing is not None:
        return existing, False
    try:
        # A savepoint: when another click made the endorsement first, the unique constraint
        # refuses this one and the transaction goes on with theirs.
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                position=position, organization=organization, endorsed_by=actor
            )
    except IntegrityError:
        return Endorsement.objects.get(position=position, organization=organization), False
    audit_record(
        actor=actor,
        action="position.endorse",
        target=position,
        detail={"organization": organization.slug},
    )
    return endorsement, True


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, actor: User) -> None:
    """The organization takes its name off the position (also once it is closed)."""
    if not user_can_withdraw(user=actor, endorsement=endorsement):
        raise PermissionDenied(
            _("Only the organization's owners and admins withdraw its endorsement.")
        )
    deleted, _per_model = Endorsement.objects.filter(pk=endorsement.pk).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="position.withdraw",
            target=endorsement.position,
            detail={"organization": endorsement.organization.slug},
        )
