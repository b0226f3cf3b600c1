"""How organizers make events: create a draft, submit it (verified organizations publish at
once, others wait for staff), withdraw it, and duplicate an event; staff's review decisions.

Every change runs in one transaction with an audit row; staff's decision reaches the
organizers by e-mail from the outbox, once per decision.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from directory.models import Membership, Organization
from events import zones
from events.models import Event
from events.permissions import (
    publishes_at_once,
    user_can_create_event_for,
    user_can_duplicate,
    user_can_organize,
)
from events.services import EDITABLE_FIELDS, event_check_times, lock_event
from events.tasks import send_review_decision_task
from hub.audit import audit_record
from hub.jobs import enqueue_on_commit
from hub.models import AuditEntry, User

# Paths under /events/ that are pages, not events.
RESERVED_SLUGS = {"new"}
# What a copy takes from the original, besides its organization, organizers and times.
COPIED_FIELDS = [
    "kind", "summary", "description", "time_zone", "venue_name", "venue_address", "online_url",
    "capacity", "offer_hours", "ask_accessibility", "ask_dietary", "questions",
]  # fmt: skip
MOVED_FIELDS = ["starts_at", "ends_at", "registration_opens_at", "registration_closes_at"]


def unique_event_slug(title: str, starts_at: datetime | None) -> str:
    """A new event's address: its title, then with its date, then numbered."""
    base = slugify(title)[:150] or "event"
    candidates = [base]
    if starts_at is not None:
        candidates.append(f"{base}-{starts_at:%Y-%m-%d}")
    taken = (
        set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    n = 2
    while f"{candidates[-1]}-{n}" in taken:
        n += 1
    return f"{candidates[-1]}-{n}"


def co_organizers_from(emails: list[str], *, organization: Organization | None) -> list[User]:
    """The people these addresses belong to, each an active member of `organization` (any
    active account when the hub itself organizes); a field error names the others."""
    wanted = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    people = User.objects.filter(email__in=wanted, is_active=True)
    if organization is not None:
        people = people.filter(
            memberships__organization=organization,
            memberships__status=Membership.Status.ACTIVE,
        )
    found = {person.email: person for person in people}
    missing = [email for email in wanted if email not in found]
    if missing:
        addresses = ", ".join(missing)
        if organization:
            refusal = _(
                "Not members of %(organization)s: %(addresses)s. Co-organizers must be "
                "members of %(organization)s here; ask them to join first."
            ) % {"organization": organization.name, "addresses": addresses}
        else:
            refusal = _(
                "Not people with an account: %(addresses)s. Co-organizers must be "
                "people with an account here; ask them to join first."
            ) % {"addresses": addresses}
        raise ValidationError({"co_organizers": refusal})
    return [found[email] for email in wanted]


def _local_start(event: Event) -> datetime:
    return timezone.localtime(event.starts_at, zones.event_zone(event))


def _check_event(event: Event) -> None:
    event.full_clean(exclude=["slug"], validate_unique=False, validate_constraints=False)
    event_check_times(event)


@transaction.atomic(durable=True)
def event_create(
    *,
    actor: User,
    organization: Organization | None,
    data: dict,
    co_organizer_emails: list[str] = (),
) -> Event:
    """A new event, as a draft only its organizers see: `actor` and the co-organizers."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not set here: {', '.join(sorted(unknown))}")
    if not user_can_create_event_for(user=actor, organization=organization):
        raise PermissionDenied(
            _("Only owners and admins of a published organization create its events.")
        )
    event = Event(organization=organization, status=Event.Status.DRAFT, **data)
    _check_event(event)
    event.time_zone = zones.canonical_name(event.time_zone) if event.time_zone else ""
    co_organizers = co_organizers_from(co_organizer_emails, organization=organization)
    event.slug = unique_event_slug(event.title, _local_start(event))
    event.save()
    event.organizers.set([actor, *(p for p in co_organizers if p != actor)])
    audit_record(
        actor=actor,
        action="event.create",
        target=event,
        detail={"co_organizers": [person.email for person in co_organizers]},
    )
    return event


def _locked_for_organizer(event: Event, actor: User, refusal: str) -> Event:
    event = lock_event(event.pk)
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied(refusal)
    return event


@transaction.atomic(durable=True)
def event_submit(*, event: Event, actor: User) -> Event:
    """Publish a draft at once when its organization is verified (or staff publish it);
    otherwise it waits for staff's review. Submitting twice changes nothing."""
    event = _locked_for_organizer(event, actor, _("Only the event's organizers publish it."))
    if event.status != Event.Status.DRAFT:
        return event
    _check_event(event)
    if publishes_at_once(user=actor, event=event):
        event.status = Event.Status.PUBLISHED
        action = "event.publish"
    else:
        event.status = Event.Status.REVIEW
        action = "event.submit"
    event.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=action, target=event)
    return event


@transaction.atomic(durable=True)
def event_withdraw(*, event: Event, actor: User) -> Event:
    """Take an event waiting for review back to a draft (to change it, or not run it)."""
    event = _locked_for_organizer(event, actor, _("Only the event's organizers withdraw it."))
    if event.status == Event.Status.DRAFT:
        return event
    if event.status != Event.Status.REVIEW:
        raise ValidationError(_("Only an event waiting for review can be withdrawn."))
    event.status = Event.Status.DRAFT
    event.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="event.withdraw", target=event)
    return event


def _locked_for_review(event: Event, actor: User) -> Event:
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff review events."))
    event = lock_event(event.pk)
    if event.status != Event.Status.REVIEW:
        raise ValidationError(_("“%(title)s” is not waiting for review.") % {"title": event.title})
    return event


@transaction.atomic(durable=True)
def event_review_approve(*, event: Event, actor: User) -> Event:
    """Staff publish an event waiting for review; its organizers are told."""
    event = _locked_for_review(event, actor)
    event.status = Event.Status.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    decision = audit_record(actor=actor, action="event.review_approve", target=event)
    enqueue_on_commit(send_review_decision_task, event.pk, decision.pk)
    return event


@transaction.atomic(durable=True)
def event_review_send_back(*, event: Event, actor: User, reason: str) -> Event:
    """Staff send an event back to its organizers as a draft, saying why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the organizers can fix it.")})
    event = _locked_for_review(event, actor)
    event.status = Event.Status.DRAFT
    event.save(update_fields=["status", "updated_at"])
    decision = audit_record(
        actor=actor, action="event.review_send_back", target=event, detail={"reason": reason}
    )
    enqueue_on_commit(send_review_decision_task, event.pk, decision.pk)
    return event


def moved_times(event: Event, starts_at: datetime) -> dict:
    """The event's times moved so that it starts at `starts_at`, by the same wall-clock
    offset in its time zone: a meetup from 6 to 8 PM stays 6 to 8 PM across a change to or
    from daylight saving time."""
    zone = zones.event_zone(event)
    offset = timezone.localtime(starts_at, zone).replace(tzinfo=None) - timezone.localtime(
        event.starts_at, zone
    ).replace(tzinfo=None)
    moved = {}
    for name in MOVED_FIELDS:
        value = getattr(event, name)
        if value is None:
            moved[name] = None
            continue
        wall_clock = timezone.localtime(value, zone).replace(tzinfo=None) + offset
        moved[name] = timezone.make_aware(wall_clock, zone)
    moved["starts_at"] = starts_at
    return moved


@transaction.atomic(durable=True)
def event_duplicate(*, event: Event, actor: User, title: str, starts_at: datetime) -> Event:
    """A copy of `event` as a new draft starting at `starts_at`, its end and registration
    window moved by the same offset; organizers and questions are copied, registrations,
    sessions and the schedule are not."""
    if not user_can_duplicate(user=actor, event=event):
        raise PermissionDenied(_("Only owners and admins of the organization copy its events."))
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("A copy needs a title.")})
    copy = Event(
        title=title,
        organization=event.organization,
        status=Event.Status.DRAFT,
        **{name: getattr(event, name) for name in COPIED_FIELDS},
        **moved_times(event, starts_at),
    )
    _check_event(copy)
    copy.slug = unique_event_slug(title, _local_start(copy))
    copy.save()
    copy.organizers.set([actor, *event.organizers.exclude(pk=actor.pk)])
    audit_record(actor=actor, action="event.duplicate", target=copy, detail={"from": event.slug})
    return copy


def send_back_reason(event: Event) -> str:
    """Why staff last sent `event` back, while it is a draft again since then; else ""."""
    if event.status != Event.Status.DRAFT:
        return ""
    last = (
        AuditEntry.objects.filter(
            target_type=Event._meta.label_lower,
            target_id=event.pk,
            action__in=["event.submit", "event.review_send_back"],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is None or last.action != "event.review_send_back":
        return ""
    return last.detail.get("reason", "")
