"""The programme over the API: proposals with votes, proposing, voting, the schedule."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from events.program import services as program
from tests.events.program_helpers import (
    accepted,
    add_room,
    add_slot,
    attendee_of,
    make_board,
    place,
    propose,
)
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def sessions_url(event):
    return reverse("api-event-sessions", kwargs={"slug": event.slug})


def vote_url(proposal):
    return reverse("api-session-vote", kwargs={"slug": proposal.event.slug, "pk": proposal.pk})


def schedule_url(event):
    return reverse("api-event-schedule", kwargs={"slug": event.slug})


def login(api, board, who):
    people = {"other": UserFactory(), "attendee": board.attendee,
              "organizer": board.organizer, "staff": StaffFactory()}  # fmt: skip
    if who != "anonymous":
        api.force_authenticate(people[who])


def test_the_list_has_visible_proposals_with_votes_most_voted_first(api):
    board = make_board()
    quiet = propose(board, "A quiet session")
    loud = propose(board, "A loud session")
    hidden = propose(board, "Hidden session")
    program.vote_cast(proposal=loud, user=board.attendee)
    program.proposal_moderate(proposal=hidden, actor=board.organizer, action="hide")
    data = api.get(sessions_url(board.event)).json()
    assert [(row["title"], row["votes"]) for row in data] == [
        (loud.title, 1),
        (quiet.title, 0),
    ]
    assert data[0]["hosts"] == [board.attendee.display_name]
    assert "email" not in str(data)


def test_a_draft_or_unknown_event_is_a_404(api):
    board = make_board()
    board.event.status = "draft"
    board.event.save()
    assert api.get(sessions_url(board.event)).status_code == 404
    response = api.get(reverse("api-event-sessions", kwargs={"slug": "nope"}))
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("other", 403), ("attendee", 201), ("organizer", 201), ("staff", 201)],
)
def test_who_may_propose(api, who, status):
    board = make_board()
    login(api, board, who)
    response = api.post(
        sessions_url(board.event),
        {"title": "Open data the neighbours use", "format": "talk", "duration_minutes": 30},
        format="json",
    )
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["votes"] == 0


def test_bad_proposals_get_per_field_errors(api):
    board = make_board()
    login(api, board, "attendee")
    response = api.post(
        sessions_url(board.event),
        {"title": "x", "format": "opera", "duration_minutes": 1000, "co_hosts": ["a@b.example"]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"title", "format", "duration_minutes", "co_hosts"}


def test_proposing_on_a_closed_board_is_a_400(api):
    board = make_board(proposals_open=False)
    login(api, board, "attendee")
    response = api.post(sessions_url(board.event), {"title": "Too late now"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "board_closed"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("other", 403), ("attendee", 201), ("organizer", 403), ("staff", 403)],
)
def test_who_may_vote(api, who, status):
    board = make_board()
    proposal = propose(board)
    login(api, board, who)
    response = api.post(vote_url(proposal))
    assert response.status_code == status
    if status == 201:
        assert response.json() == {"proposal": proposal.pk, "votes": 1, "voted": True}


def test_voting_twice_is_a_400_and_taking_back_works_once(api):
    board = make_board()
    proposal = propose(board)
    login(api, board, "attendee")
    assert api.post(vote_url(proposal)).status_code == 201
    second = api.post(vote_url(proposal))
    assert second.status_code == 400 and second.json()["code"] == "already_voted"
    assert api.delete(vote_url(proposal)).json() == {
        "proposal": proposal.pk,
        "votes": 0,
        "voted": False,
    }
    assert api.delete(vote_url(proposal)).status_code == 400


def test_voting_on_a_closed_board_or_a_hidden_or_unknown_proposal(api):
    board = make_board()
    proposal = propose(board)
    hidden = propose(board, "Hidden session")
    program.proposal_moderate(proposal=hidden, actor=board.organizer, action="hide")
    login(api, board, "attendee")
    assert api.post(vote_url(hidden)).status_code == 404
    unknown = reverse("api-session-vote", kwargs={"slug": board.event.slug, "pk": 99999})
    assert api.post(unknown).status_code == 404
    program.board_set_open(event=board.event, actor=board.organizer, is_open=False)
    response = api.post(vote_url(proposal))
    assert response.status_code == 400 and "closed" in response.json()["detail"]


def test_the_schedule_is_served_only_once_published(api):
    board = make_board()
    proposal = accepted(board, "On the grid")
    place(board, proposal, add_room(board, "Main Hall", 80), add_slot(board))
    hidden = accepted(board, "Accepted but not placed", by=attendee_of(board.event))
    assert api.get(schedule_url(board.event)).status_code == 404
    program.schedule_publish(event=board.event, actor=board.organizer, published=True)
    data = api.get(schedule_url(board.event)).json()
    assert [s["title"] for s in data["sessions"]] == ["On the grid"]
    assert data["sessions"][0]["room"] == "Main Hall"
    assert data["rooms"][0]["name"] == "Main Hall"
    assert hidden.title not in str(data)
