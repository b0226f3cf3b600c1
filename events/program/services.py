"""State changes of an unconference (or a summit): proposals, votes, stars, moderation,
rooms, slots and the grid. The reads they rely on live in `events.program.queries`.

The same shape as `events.services`: check who may act, lock what is scarce, validate,
save, write an audit row, and enqueue e-mail only after commit. The scarce things here are
the cells of the grid (a room in a slot) and people's time (one session at a time), so every
change of the grid first locks the event row: two organizers placing sessions at once queue
up instead of both taking the same cell or putting one host in two rooms.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import (
    Event,
    Room,
    ScheduleChange,
    ScheduledSession,
    SessionProposal,
    Star,
    TimeSlot,
    Vote,
)
from events.permissions import user_can_organize
from events.program.queries import (
    board_closed_reason,
    can_propose,
    holds_seat,
    host_clash,
    proposal_hosts,
    votes_of,
)
from events.services import lock_event
from hub.audit import audit_record
from hub.locks import row_lock
from hub.models import User

P = SessionProposal.Status


# --- Who may do what -----------------------------------------------------------------------


def _require_organizer(actor, event: Event, refusal: str) -> None:
    """`refusal`: the sentence that says who may ("Only the event's organizers …")."""
    if not user_can_organize(user=actor, event=event):
        raise PermissionDenied(refusal)


def _require_open_board(event: Event) -> None:
    reason = board_closed_reason(event)
    if reason:
        raise ValidationError(reason, code="board_closed")


# --- Proposals -----------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    event: Event,
    actor: User,
    title: str,
    description: str = "",
    format: str = SessionProposal.Format.DISCUSSION,  # noqa: A002 - the field's name
    duration_minutes: int = 45,
    tags: str = "",
    co_hosts: list[User] | None = None,
) -> SessionProposal:
    """A new proposal by `actor`, who must hold a seat or organize, while the board is open."""
    _require_open_board(event)
    if not actor.is_authenticated or not can_propose(user=actor, event=event):
        raise PermissionDenied(_("Register for the event (with a seat) to propose a session."))
    co_hosts = [person for person in (co_hosts or []) if person.pk != actor.pk]
    proposal = SessionProposal(
        event=event,
        proposer=actor,
        title=" ".join(title.split()),
        description=description.strip(),
        format=format,
        duration_minutes=duration_minutes,
        tags=", ".join(dict.fromkeys(t.strip() for t in tags.split(",") if t.strip()))[:200],
    )
    proposal.full_clean(exclude=["event", "proposer", "merged_into"])
    proposal.save()
    proposal.co_hosts.set(co_hosts)
    audit_record(actor=actor, action="proposal.create", target=proposal)
    return proposal


# --- Votes ---------------------------------------------------------------------------------


def _voteable(proposal: SessionProposal, user) -> None:
    event = proposal.event
    _require_open_board(event)
    if not proposal.is_visible:
        raise ValidationError(_("This proposal is no longer on the board."), code="not_visible")
    if not holds_seat(user=user, event=event):
        raise PermissionDenied(_("Only registered attendees (with a seat) vote."))


def _has_voted(user, proposal: SessionProposal) -> bool:
    return Vote.objects.filter(user=user, proposal=proposal).exists()


def vote_cast(*, proposal: SessionProposal, user: User) -> Vote:
    """One vote per person and proposal: a second one is refused with a clear message.

    The unique constraint is what holds under concurrency: two requests of the same person
    may both pass the check below, and the second insert then fails inside its savepoint.
    """
    _voteable(proposal, user)
    already = ValidationError(_("You already voted for this session."), code="already_voted")
    if _has_voted(user, proposal):
        raise already
    try:
        with transaction.atomic():
            return Vote.objects.create(user=user, proposal=proposal)
    except IntegrityError as error:
        raise already from error


def vote_withdraw(*, proposal: SessionProposal, user: User) -> None:
    """Take one's vote back while the board is open."""
    _require_open_board(proposal.event)
    deleted, _by_model = Vote.objects.filter(user=user, proposal=proposal).delete()
    if not deleted:
        raise ValidationError(_("You have not voted for this session."), code="not_voted")


# --- Stars ---------------------------------------------------------------------------------


def star_add(*, proposal: SessionProposal, user: User) -> bool:
    """Star a scheduled session of a published grid; True if it was not starred yet."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to star sessions."))
    published = Event.objects.filter(pk=proposal.event_id, schedule_published=True).exists()
    if not (proposal.is_visible and published):
        raise ValidationError(_("Only sessions of a published schedule can be starred."))
    if not ScheduledSession.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("This session is not on the schedule."))
    try:
        with transaction.atomic():
            _star, created = Star.objects.get_or_create(user=user, proposal=proposal)
    except IntegrityError:
        created = False
    return created


def star_remove(*, proposal: SessionProposal, user: User) -> bool:
    deleted, _by_model = Star.objects.filter(user=user, proposal=proposal).delete()
    return bool(deleted)


# --- Moderation ----------------------------------------------------------------------------

MODERATION = {
    # action: (statuses it applies to, the new status, audit action)
    "accept": ((P.PROPOSED,), P.ACCEPTED, "proposal.accept"),
    "unaccept": ((P.ACCEPTED,), P.PROPOSED, "proposal.unaccept"),
    "hide": ((P.PROPOSED, P.ACCEPTED), P.HIDDEN, "proposal.hide"),
    "restore": ((P.HIDDEN,), P.PROPOSED, "proposal.restore"),
}


def _lock_proposal(pk: int) -> SessionProposal:
    with row_lock():
        return SessionProposal.objects.select_for_update().select_related("event").get(pk=pk)


@transaction.atomic(durable=True)
def proposal_moderate(*, proposal: SessionProposal, actor: User, action: str) -> SessionProposal:
    """Accept, unaccept, hide or restore a proposal. A session on the grid stays put:
    it has to be removed from the grid first, so nobody's schedule changes by accident."""
    if action not in MODERATION:
        raise ValidationError(_("Unknown action “%(action)s”.") % {"action": action})
    event = lock_event(proposal.event_id)
    _require_organizer(actor, event, _("Only the event's organizers moderate proposals."))
    proposal = _lock_proposal(proposal.pk)
    allowed, new_status, audit_action = MODERATION[action]
    if proposal.status == new_status:
        return proposal
    if proposal.status not in allowed:
        status = proposal.get_status_display().lower()
        refusals = {
            "accept": _("A %(status)s proposal cannot be accepted."),
            "unaccept": _("A %(status)s proposal cannot be unaccepted."),
            "hide": _("A merged proposal cannot be hidden."),
            "restore": _("A %(status)s proposal cannot be restored."),
        }
        raise ValidationError(refusals[action] % {"status": status})
    if new_status in (P.PROPOSED, P.HIDDEN) and _is_placed(proposal):
        raise ValidationError(_("This session is on the grid: remove it from the grid first."))
    proposal.status = new_status
    proposal.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=audit_action, target=proposal)
    return proposal


def _is_placed(proposal: SessionProposal) -> bool:
    return ScheduledSession.objects.filter(proposal=proposal).exists()


@transaction.atomic(durable=True)
def proposal_merge(
    *, proposal: SessionProposal, into: SessionProposal, actor: User
) -> SessionProposal:
    """Merge a duplicate into the proposal that stays. Votes and stars move over, each person
    counted once: someone who voted for both keeps one vote on the kept proposal."""
    event = lock_event(proposal.event_id)
    _require_organizer(actor, event, _("Only the event's organizers merge proposals."))
    if into.event_id != proposal.event_id:
        raise ValidationError(_("Both proposals must belong to the same event."))
    if into.pk == proposal.pk:
        raise ValidationError(_("A proposal cannot be merged into itself."))
    # Locked in a fixed order so two merges of the same pair cannot deadlock.
    with row_lock():
        locked = {
            p.pk: p
            for p in SessionProposal.objects.select_for_update()
            .filter(pk__in=[proposal.pk, into.pk])
            .order_by("pk")
        }
    proposal, into = locked[proposal.pk], locked[into.pk]
    if not proposal.is_visible or not into.is_visible:
        raise ValidationError(
            _("Only proposals on the board (not hidden or merged) can be merged.")
        )
    if _is_placed(proposal):
        raise ValidationError(_("The duplicate is on the grid: remove it from the grid first."))
    for model in (Vote, Star):
        kept_people = model.objects.filter(proposal=into).values("user")
        model.objects.filter(proposal=proposal, user__in=kept_people).delete()
        model.objects.filter(proposal=proposal).update(proposal=into)
    # Earlier duplicates of the duplicate now point at the proposal that stays.
    SessionProposal.objects.filter(merged_into=proposal).update(merged_into=into)
    proposal.status = P.MERGED
    proposal.merged_into = into
    proposal.save(update_fields=["status", "merged_into", "updated_at"])
    audit_record(actor=actor, action="proposal.merge", target=proposal, detail={"into": into.pk})
    return proposal


@transaction.atomic
def board_set_open(*, event: Event, actor: User, is_open: bool) -> Event:
    event = lock_event(event.pk)
    _require_organizer(actor, event, _("Only the event's organizers open or close the board."))
    if event.proposals_open != is_open:
        event.proposals_open = is_open
        event.save(update_fields=["proposals_open", "updated_at"])
        audit_record(actor=actor, action="board.open" if is_open else "board.close", target=event)
    return event


# --- Rooms and slots -----------------------------------------------------------------------

ROOM_FIELDS = ("name", "capacity", "accessibility_notes")


@transaction.atomic
def room_save(*, event: Event, actor: User, data: dict, room: Room | None = None) -> Room:
    """Create a room (`room=None`) or change one."""
    event = lock_event(event.pk)
    _require_organizer(actor, event, _("Only the event's organizers edit rooms."))
    room = room or Room(event=event)
    if room.event_id != event.pk:
        raise ValidationError(_("This room belongs to another event."))
    for name in ROOM_FIELDS:
        if name in data:
            setattr(room, name, data[name])
    room.name = " ".join((room.name or "").split())
    room.full_clean(exclude=["event"], validate_unique=False, validate_constraints=False)
    if event.rooms.filter(name__iexact=room.name).exclude(pk=room.pk).exists():
        raise ValidationError({"name": _("This event already has a room with this name.")})
    created = room.pk is None
    room.save()
    audit_record(actor=actor, action="room.create" if created else "room.update", target=room)
    return room


@transaction.atomic(durable=True)
def room_delete(*, room: Room, actor: User) -> None:
    _grid_part_delete(
        room,
        actor,
        noun="room",
        refusal=_("Only the event's organizers delete rooms."),
        in_use=_("Sessions are placed in this room: remove them from the grid first."),
    )


def slot_check(*, event: Event, starts_at: datetime, ends_at: datetime, slot_pk=None) -> None:
    """Refuse a slot that ends before it starts, lies outside the event, or overlaps
    another slot of the event (one grid row is one stretch of time)."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A slot must end after it starts.")})
    if starts_at < event.starts_at or ends_at > event.ends_at:
        start = timezone.localtime(event.starts_at)
        end = timezone.localtime(event.ends_at)
        raise ValidationError(
            _("The slot lies outside the event, which runs from %(start)s to %(end)s.")
            % {
                "start": date_format(start, "SHORT_DATETIME_FORMAT"),
                "end": date_format(end, "SHORT_DATETIME_FORMAT"),
            },
            code="outside_event",
        )
    overlapping = (
        event.slots.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(pk=slot_pk).first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("The slot overlaps the slot %(slot)s.") % {"slot": overlapping}, code="overlap"
        )


@transaction.atomic
def slot_save(
    *,
    event: Event,
    actor: User,
    starts_at: datetime,
    ends_at: datetime,
    slot: TimeSlot | None = None,
) -> TimeSlot:
    """Create or change a time slot. The event lock makes the overlap check hold under
    concurrency: two organizers adding overlapping slots at once get one refusal."""
    event = lock_event(event.pk)
    _require_organizer(actor, event, _("Only the event's organizers edit time slots."))
    slot = slot or TimeSlot(event=event)
    if slot.event_id != event.pk:
        raise ValidationError(_("This slot belongs to another event."))
    slot_check(event=event, starts_at=starts_at, ends_at=ends_at, slot_pk=slot.pk)
    created = slot.pk is None
    moved = not created and (slot.starts_at, slot.ends_at) != (starts_at, ends_at)
    before = (
        {s.pk: _where(s) for s in slot.sessions.select_related("room", "slot")} if moved else {}
    )
    slot.starts_at, slot.ends_at = starts_at, ends_at
    slot.save()
    for session in slot.sessions.select_related("room", "slot", "proposal") if moved else []:
        _record_change(event, session.proposal, ScheduleChange.Kind.MOVED, before[session.pk],
                       _where(session))  # fmt: skip
    audit_record(actor=actor, action="slot.create" if created else "slot.update", target=slot)
    return slot


@transaction.atomic(durable=True)
def slot_delete(*, slot: TimeSlot, actor: User) -> None:
    _grid_part_delete(
        slot,
        actor,
        noun="slot",
        refusal=_("Only the event's organizers delete time slots."),
        in_use=_("Sessions are placed in this slot: remove them from the grid first."),
    )


def _grid_part_delete(
    part: Room | TimeSlot, actor: User, *, noun: str, refusal: str, in_use: str
) -> None:
    """A room or a slot goes only while no session is placed in it (under the event's lock)."""
    event = lock_event(part.event_id)
    _require_organizer(actor, event, refusal)
    if part.sessions.exists():
        raise ValidationError(in_use)
    audit_record(actor=actor, action=f"{noun}.delete", target=part)
    part.delete()


# --- The grid ------------------------------------------------------------------------------


def _where(session: ScheduledSession) -> str:
    return f"{session.room.name}, {session.slot}"


def _record_change(event: Event, proposal, kind: str, before: str, after: str = "") -> None:
    """After publication, a moved, removed or re-placed session is news for the people who
    starred it. A session put (back) on the grid is a move with no `before`.

    Nobody is told here: `events.notifications.announce_schedule_changes` (periodic) sends
    each person one e-mail per batch, once the organizers have stopped editing for a while.
    """
    if not event.schedule_published:
        return
    ScheduleChange.objects.create(
        event=event, proposal=proposal, kind=kind, before=before, after=after
    )


@dataclass
class PlaceResult:
    session: ScheduledSession
    moved_from: str = ""
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def session_place(
    *, proposal: SessionProposal, room: Room, slot: TimeSlot, actor: User
) -> PlaceResult:
    """Put an accepted proposal into a cell of the grid, or move it there.

    Refused: a taken cell, a host who runs another session in the slot, a slot outside the
    event. A room smaller than the session's votes is a warning only: not every voter comes.
    """
    event = lock_event(proposal.event_id)
    _require_organizer(actor, event, _("Only the event's organizers build the schedule."))
    proposal = _lock_proposal(proposal.pk)
    if room.event_id != event.pk or slot.event_id != event.pk:
        raise ValidationError(_("The room and the slot must belong to this event."))
    if proposal.status != P.ACCEPTED:
        raise ValidationError(_("Only accepted proposals go on the grid: accept it first."))
    if slot.starts_at < event.starts_at or slot.ends_at > event.ends_at:
        raise ValidationError(_("This slot lies outside the event."), code="outside_event")
    taken = ScheduledSession.objects.filter(room=room, slot=slot).exclude(proposal=proposal)
    taken = taken.select_related("proposal").first()
    if taken is not None:
        raise ValidationError(
            _("%(room)s is taken in this slot by “%(title)s”.")
            % {"room": room.name, "title": taken.proposal.title},
            code="taken",
        )
    clash = host_clash(proposal, slot)
    if clash:
        raise ValidationError(clash, code="host_clash")
    session = ScheduledSession.objects.filter(proposal=proposal).select_related("room", "slot")
    session = session.first()
    moved_from = ""
    if session is None:
        session = ScheduledSession.objects.create(proposal=proposal, room=room, slot=slot)
        _record_change(event, proposal, ScheduleChange.Kind.MOVED, "", _where(session))
        audit_record(
            actor=actor, action="schedule.place", target=proposal,
            detail={"room": room.pk, "slot": slot.pk},
        )  # fmt: skip
    elif (session.room_id, session.slot_id) != (room.pk, slot.pk):
        moved_from = _where(session)
        session.room, session.slot = room, slot
        session.save(update_fields=["room", "slot", "updated_at"])
        _record_change(event, proposal, ScheduleChange.Kind.MOVED, moved_from, _where(session))
        audit_record(
            actor=actor, action="schedule.move", target=proposal,
            detail={"from": moved_from, "room": room.pk, "slot": slot.pk},
        )  # fmt: skip
    warnings = []
    votes = votes_of(proposal)
    if room.capacity is not None and votes > room.capacity:
        warnings.append(
            ngettext(
                "%(room)s seats %(capacity)s, but “%(title)s” has %(votes)s vote.",
                "%(room)s seats %(capacity)s, but “%(title)s” has %(votes)s votes.",
                votes,
            )
            % {
                "room": room.name,
                "capacity": room.capacity,
                "title": proposal.title,
                "votes": votes,
            }
        )
    if proposal.duration_minutes > slot.minutes:
        warnings.append(
            _("“%(title)s” needs %(needed)s minutes; the slot has %(minutes)s.")
            % {
                "title": proposal.title,
                "needed": proposal.duration_minutes,
                "minutes": slot.minutes,
            }
        )
    return PlaceResult(session=session, moved_from=moved_from, warnings=warnings)


@transaction.atomic
def session_remove(*, session: ScheduledSession, actor: User) -> None:
    """Take a session off the grid; after publication the people who starred it are told."""
    event = lock_event(session.slot.event_id)
    _require_organizer(actor, event, _("Only the event's organizers build the schedule."))
    with row_lock():
        session = (
            ScheduledSession.objects.select_for_update()
            .select_related("room", "slot", "proposal")
            .filter(pk=session.pk)
            .first()
        )
    if session is None:
        return
    _record_change(event, session.proposal, ScheduleChange.Kind.REMOVED, _where(session))
    audit_record(
        actor=actor, action="schedule.remove", target=session.proposal,
        detail={"from": _where(session)},
    )  # fmt: skip
    session.delete()


@dataclass(frozen=True)
class GridResult:
    placed: int
    left_over: int


@transaction.atomic
def schedule_propose_grid(*, event: Event, actor: User) -> GridResult:
    """A first grid for the organizers to adjust: the most voted sessions go into the largest
    rooms and the earliest slots, never putting one host in two rooms at once.

    Candidates are the accepted proposals not yet on the grid; when nothing is accepted yet,
    every proposal on the board (which is then accepted as it is placed).
    """
    event = lock_event(event.pk)
    _require_organizer(actor, event, _("Only the event's organizers build the schedule."))
    proposals = event.proposals.filter(scheduled__isnull=True)
    accepted = proposals.filter(status=P.ACCEPTED)
    nothing_accepted = not event.proposals.filter(status=P.ACCEPTED).exists()
    candidates = list(
        (proposals.filter(status__in=SessionProposal.VISIBLE) if nothing_accepted else accepted)
        .annotate(vote_count=Count("votes", distinct=True))
        .select_related("proposer")
        .prefetch_related("co_hosts")
        .order_by("-vote_count", "created_at", "pk")
    )
    rooms = sorted(event.rooms.all(), key=lambda r: (-(r.capacity or 10**9), r.name.lower(), r.pk))
    slots = list(
        event.slots.filter(starts_at__gte=event.starts_at, ends_at__lte=event.ends_at).order_by(
            "starts_at"
        )
    )
    taken = set(ScheduledSession.objects.filter(slot__event=event).values_list("room", "slot"))
    busy: dict[int, set[int]] = {slot.pk: set() for slot in slots}
    existing = ScheduledSession.objects.filter(slot__event=event).select_related("proposal")
    for session in existing.prefetch_related("proposal__co_hosts"):
        busy.setdefault(session.slot_id, set()).update(proposal_hosts(session.proposal))
    cells = [(slot, room) for slot in slots for room in rooms]
    placed = 0
    for proposal in candidates:
        hosts = proposal_hosts(proposal)
        for slot, room in cells:
            if (room.pk, slot.pk) in taken or hosts & busy[slot.pk]:
                continue
            if proposal.status != P.ACCEPTED:
                proposal.status = P.ACCEPTED
                proposal.save(update_fields=["status", "updated_at"])
                audit_record(actor=actor, action="proposal.accept", target=proposal)
            ScheduledSession.objects.create(proposal=proposal, room=room, slot=slot)
            audit_record(
                actor=actor, action="schedule.place", target=proposal,
                detail={"room": room.pk, "slot": slot.pk, "auto": True},
            )  # fmt: skip
            taken.add((room.pk, slot.pk))
            busy[slot.pk] |= hosts
            placed += 1
            break
    return GridResult(placed=placed, left_over=len(candidates) - placed)


@transaction.atomic
def schedule_publish(*, event: Event, actor: User, published: bool) -> Event:
    """Make the grid public (or take it back). Changes after publication are announced."""
    event = lock_event(event.pk)
    _require_organizer(actor, event, _("Only the event's organizers publish the schedule."))
    if published and not ScheduledSession.objects.filter(slot__event=event).exists():
        raise ValidationError(_("Place at least one session on the grid before publishing."))
    if event.schedule_published != published:
        event.schedule_published = published
        event.save(update_fields=["schedule_published", "updated_at"])
        audit_record(
            actor=actor,
            action="schedule.publish" if published else "schedule.unpublish",
            target=event,
        )
    return event
