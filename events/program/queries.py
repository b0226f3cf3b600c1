"""Read side of the unconference: who may propose and vote, the board with its votes, hosts,
and the schedule grid. The visibility rules of events and proposals stay in `events.queries`;
these helpers build on them."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import (
    Event,
    Registration,
    ScheduledSession,
    SessionProposal,
    Star,
    TimeSlot,
    Vote,
)
from events.permissions import user_can_organize
from events.queries import PUBLIC_PROPOSAL_STATUSES, board_proposals, event_for_visitor

# --- Who may do what -----------------------------------------------------------------------


def holds_seat(*, user, event: Event) -> bool:
    """A registered attendee: an active registration that holds a seat."""
    if not user.is_authenticated:
        return False
    return event.registrations.filter(user=user, status__in=Registration.SEAT_HOLDING).exists()


def board_closed_reason(event: Event) -> str | None:
    """Why nobody can propose or vote right now, in words; None while the board is open."""
    if not event.has_program:
        return _("This event has no session board.")
    if event.status == Event.Status.CANCELLED:
        return _("This event was cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return _("This event is not published.")
    if not event.proposals_open:
        # Events have no "board opens at" date: the organizers open it by hand. A board
        # that never had a proposal has not been opened yet, as far as anyone can tell.
        if timezone.now() < event.starts_at and not event.proposals.exists():
            return _(
                "The session board is not open yet. The organizers open it before the "
                "event; then everyone with a seat can propose sessions and vote."
            )
        return _("Proposals and voting are closed.")
    if timezone.now() >= event.ends_at:
        return _("This event is over.")
    return None


def can_propose(*, user, event: Event) -> bool:
    return user_can_organize(user=user, event=event) or holds_seat(user=user, event=event)


# --- Hosts ---------------------------------------------------------------------------------


def proposal_hosts(proposal: SessionProposal) -> set[int]:
    """The people who run a session: the proposer and the co-hosts (user ids)."""
    return {proposal.proposer_id, *(user.pk for user in proposal.co_hosts.all())}


def host_clash(proposal: SessionProposal, slot: TimeSlot) -> str | None:
    """The name of a host who already runs another session in `slot`, and which, if any."""
    hosts = proposal_hosts(proposal)
    others = (
        ScheduledSession.objects.filter(slot=slot)
        .exclude(proposal=proposal)
        .select_related("proposal__proposer")
        .prefetch_related("proposal__co_hosts")
    )
    for other in others:
        people = {other.proposal.proposer, *other.proposal.co_hosts.all()}
        for person in people:
            if person.pk in hosts:
                return (
                    f"{person.get_full_name()} already hosts “{other.proposal.title}” in this slot."
                )
    return None


def votes_of(proposal: SessionProposal) -> int:
    return proposal.votes.count()


# --- The board and the schedule ------------------------------------------------------------

PROPOSAL_SORTS = {"votes": ("-vote_count", "-created_at", "-pk"), "new": ("-created_at", "-pk")}


def program_event(slug: str, user) -> Event | None:
    """An event with a session board, if the visitor may see it (drafts: organizers only)."""
    event = event_for_visitor(slug, user)
    if event is None or not event.has_program:
        return None
    return event


def proposals_with_votes(event: Event, *, user=None, proposals: QuerySet | None = None) -> QuerySet:
    """`proposals` (by default the event's `board_proposals`) with `vote_count`, `voted` and
    `starred` (for `user`) annotated, hosts and placement joined: one query for the list, one
    for the co-hosts."""
    proposals = (
        (board_proposals(event) if proposals is None else proposals)
        .select_related("event", "proposer", "merged_into__event")
        .prefetch_related("co_hosts")
        .annotate(vote_count=Count("votes", distinct=True))
    )
    if user is not None and user.is_authenticated:
        proposals = proposals.annotate(
            voted=Exists(Vote.objects.filter(proposal=OuterRef("pk"), user=user)),
            starred=Exists(Star.objects.filter(proposal=OuterRef("pk"), user=user)),
        )
    placement = ScheduledSession.objects.filter(proposal=OuterRef("pk"))
    return proposals.annotate(
        room_name=Subquery(placement.values("room__name")[:1]),
        slot_starts_at=Subquery(placement.values("slot__starts_at")[:1]),
    )


def sorted_proposals(queryset: QuerySet, sort: str) -> QuerySet:
    return queryset.order_by(*PROPOSAL_SORTS.get(sort, PROPOSAL_SORTS["votes"]))


@dataclass
class Grid:
    """Rooms as columns, slots as rows; `rows` is [(slot, [(room, session or None)])]."""

    rooms: list
    slots: list
    rows: list
    sessions: list

    @property
    def is_empty(self) -> bool:
        return not self.sessions


def schedule_grid(event: Event, *, user=None) -> Grid:
    """The grid of an event: four queries (rooms, slots, sessions, co-hosts) however big."""
    # The largest rooms first: the column people look at first holds the biggest sessions.
    rooms = list(event.rooms.order_by(F("capacity").desc(nulls_last=True), "name", "pk"))
    slots = list(event.slots.order_by("starts_at", "pk"))
    sessions = (
        ScheduledSession.objects.filter(
            slot__event=event, proposal__status__in=PUBLIC_PROPOSAL_STATUSES
        )
        .select_related("proposal__proposer", "proposal__event", "room", "slot")
        .prefetch_related("proposal__co_hosts")
        .annotate(vote_count=Count("proposal__votes", distinct=True))
        .order_by("slot__starts_at", "room__name")
    )
    if user is not None and user.is_authenticated:
        sessions = sessions.annotate(
            starred=Exists(Star.objects.filter(proposal=OuterRef("proposal"), user=user)),
            voted=Exists(Vote.objects.filter(proposal=OuterRef("proposal"), user=user)),
        )
    sessions = list(sessions)
    cells = {(s.slot_id, s.room_id): s for s in sessions}
    rows = [(slot, [(room, cells.get((slot.pk, room.pk))) for room in rooms]) for slot in slots]
    return Grid(rooms=rooms, slots=slots, rows=rows, sessions=sessions)


def my_sessions(event: Event, user) -> list:
    """The scheduled sessions `user` starred, in time order."""
    return list(
        ScheduledSession.objects.filter(
            slot__event=event,
            proposal__status__in=PUBLIC_PROPOSAL_STATUSES,
            proposal__stars__user=user,
        )
        .select_related("proposal__proposer", "proposal__event", "room", "slot")
        .prefetch_related("proposal__co_hosts")
        .order_by("slot__starts_at", "room__name")
    )
