"""Concurrent votes and placements on PostgreSQL: real threads, one connection each.

Vote counts are exact because each vote is one row and a unique constraint refuses a
second row for the same person. The negative control removes that constraint and runs
the same race: it must then record duplicate votes, which proves the race test can fail.
"""

import threading

from django.core.exceptions import ValidationError
from django.db import connection

from events.models import ScheduledSession, Vote
from events.program import services as program
from tests.events.program_helpers import (
    accepted,
    add_room,
    add_slot,
    attendee_of,
    make_board,
    propose,
)
from tests.races import run_concurrently

VOTERS = 40
SAME_PERSON_THREADS = 8


def checks_first_then_writes(monkeypatch, threads: int):
    """Every thread passes the "already voted?" check before any of them inserts."""
    gate = threading.Barrier(threads, timeout=30)
    check = program._has_voted

    def checked_then_wait(user, proposal):
        answer = check(user, proposal)
        gate.wait()
        return answer

    monkeypatch.setattr(program, "_has_voted", checked_then_wait)


def test_forty_people_voting_at_once_make_exactly_forty_votes(race):
    board = make_board(capacity=VOTERS + 5)
    proposal = propose(board)
    voters = [attendee_of(board.event) for _ in range(VOTERS)]
    errors = run_concurrently(lambda user: program.vote_cast(proposal=proposal, user=user), voters)
    assert errors == []
    assert Vote.objects.filter(proposal=proposal).count() == VOTERS


def test_one_person_voting_from_many_tabs_at_once_counts_once(race, monkeypatch):
    board = make_board()
    proposal = propose(board)
    checks_first_then_writes(monkeypatch, SAME_PERSON_THREADS)
    errors = run_concurrently(
        lambda _: program.vote_cast(proposal=proposal, user=board.attendee),
        list(range(SAME_PERSON_THREADS)),
    )
    assert Vote.objects.filter(proposal=proposal).count() == 1
    assert len(errors) == SAME_PERSON_THREADS - 1
    assert all(isinstance(e, ValidationError) and e.code == "already_voted" for e in errors)


def test_negative_control_without_the_constraint_the_same_race_double_counts(race, monkeypatch):
    board = make_board()
    proposal = propose(board)
    constraint = next(c for c in Vote._meta.constraints if c.name == "one_vote_per_person")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Vote, constraint)
    try:
        checks_first_then_writes(monkeypatch, SAME_PERSON_THREADS)
        run_concurrently(
            lambda _: program.vote_cast(proposal=proposal, user=board.attendee),
            list(range(SAME_PERSON_THREADS)),
        )
        assert Vote.objects.filter(proposal=proposal).count() > 1
    finally:
        Vote.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Vote, constraint)


def test_two_organizers_filling_the_same_cell_at_once_get_one_session(race):
    board = make_board()
    room, slot = add_room(board), add_slot(board)
    proposals = [accepted(board, f"Session number {n}", by=attendee_of(board.event))
                 for n in range(6)]  # fmt: skip
    errors = run_concurrently(
        lambda proposal: program.session_place(
            proposal=proposal, room=room, slot=slot, actor=board.organizer
        ),
        proposals,
    )
    assert ScheduledSession.objects.filter(room=room, slot=slot).count() == 1
    assert len(errors) == len(proposals) - 1
    assert all("taken" in " ".join(e.messages) for e in errors)
