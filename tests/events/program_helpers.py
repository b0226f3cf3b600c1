"""Building blocks for the programme tests, made through the services."""

from dataclasses import dataclass
from datetime import timedelta

from events import services
from events.models import Event, Room, SessionProposal, TimeSlot
from events.program import services as program
from hub.models import User
from tests.events.factories import EventFactory
from tests.factories import UserFactory


@dataclass
class Board:
    event: Event
    organizer: User
    attendee: User


def make_board(*, capacity=50, proposals_open=True, **extra) -> Board:
    """A published unconference with an organizer, one attendee holding a seat, and the
    board open."""
    organizer = UserFactory()
    event = EventFactory(
        kind=Event.Kind.UNCONFERENCE, capacity=capacity, organizers=[organizer], **extra
    )
    attendee = UserFactory()
    if event.status == Event.Status.PUBLISHED:
        services.registration_create(event=event, user=attendee, notify=False)
    if proposals_open:
        event = program.board_set_open(event=event, actor=organizer, is_open=True)
    return Board(event=event, organizer=organizer, attendee=attendee)


def attendee_of(event: Event) -> User:
    person = UserFactory()
    services.registration_create(event=event, user=person, notify=False)
    return person


def propose(board: Board, title="What might an Open Source Chamber of Commerce look like?", *,
            by=None, co_hosts=(), **extra) -> SessionProposal:  # fmt: skip
    return program.proposal_create(
        event=board.event,
        actor=by or board.attendee,
        title=title,
        description=extra.pop("description", "A session proposed on the spot."),
        co_hosts=list(co_hosts),
        **extra,
    )


def accepted(board: Board, *args, **kwargs) -> SessionProposal:
    proposal = propose(board, *args, **kwargs)
    return program.proposal_moderate(proposal=proposal, actor=board.organizer, action="accept")


def add_room(board: Board, name="Main Hall", capacity=80) -> Room:
    return program.room_save(
        event=board.event, actor=board.organizer, data={"name": name, "capacity": capacity}
    )


def add_slot(board: Board, offset_minutes=30, minutes=50) -> TimeSlot:
    starts = board.event.starts_at + timedelta(minutes=offset_minutes)
    return program.slot_save(
        event=board.event,
        actor=board.organizer,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
    )


def place(board: Board, proposal, room, slot):
    return program.session_place(proposal=proposal, room=room, slot=slot, actor=board.organizer)
