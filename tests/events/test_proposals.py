"""The session board: proposing, voting once, taking a vote back, hiding and merging."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Event, SessionProposal, Vote
from events.program import services as program
from hub.models import AuditEntry
from tests.events.factories import EventFactory
from tests.events.program_helpers import attendee_of, make_board, propose
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def sessions_url(event):
    return reverse("events:sessions", kwargs={"slug": event.slug})


def vote_url(proposal):
    return reverse("events:vote", kwargs={"slug": proposal.event.slug, "pk": proposal.pk})


# --- Services ------------------------------------------------------------------------------


def test_a_registered_attendee_proposes_a_session_with_co_hosts():
    board = make_board()
    friend = attendee_of(board.event)
    proposal = propose(board, co_hosts=[friend], tags="economy, community, economy")
    assert proposal.status == SessionProposal.Status.PROPOSED
    assert proposal.proposer == board.attendee
    assert list(proposal.co_hosts.all()) == [friend]
    assert proposal.tag_list == ["economy", "community"]
    assert AuditEntry.objects.filter(action="proposal.create", target_id=proposal.pk).exists()


def test_someone_without_a_seat_cannot_propose():
    board = make_board()
    with pytest.raises(PermissionDenied):
        propose(board, by=UserFactory())


def test_an_organizer_proposes_without_a_registration():
    board = make_board()
    assert propose(board, by=board.organizer).proposer == board.organizer


def test_nobody_proposes_on_a_closed_board():
    board = make_board(proposals_open=False)
    with pytest.raises(ValidationError, match="not open yet"):
        propose(board)


def test_a_registered_attendee_votes_once():
    board = make_board()
    proposal = propose(board)
    voter = attendee_of(board.event)
    program.vote_cast(proposal=proposal, user=voter)
    with pytest.raises(ValidationError, match="already voted"):
        program.vote_cast(proposal=proposal, user=voter)
    assert proposal.votes.count() == 1


def test_the_database_refuses_a_second_vote_of_the_same_person():
    board = make_board()
    proposal = propose(board)
    Vote.objects.create(user=board.attendee, proposal=proposal)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=board.attendee, proposal=proposal)


def test_a_vote_can_be_taken_back_once():
    board = make_board()
    proposal = propose(board)
    program.vote_cast(proposal=proposal, user=board.attendee)
    program.vote_withdraw(proposal=proposal, user=board.attendee)
    assert proposal.votes.count() == 0
    with pytest.raises(ValidationError, match="not voted"):
        program.vote_withdraw(proposal=proposal, user=board.attendee)


def test_voting_needs_a_seat():
    board = make_board()
    proposal = propose(board)
    with pytest.raises(PermissionDenied, match="registered"):
        program.vote_cast(proposal=proposal, user=UserFactory())


def test_voting_on_a_closed_board_is_refused():
    board = make_board()
    proposal = propose(board)
    program.board_set_open(event=board.event, actor=board.organizer, is_open=False)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        program.vote_cast(proposal=proposal, user=board.attendee)


def test_a_hidden_proposal_takes_no_votes():
    board = make_board()
    proposal = propose(board)
    program.proposal_moderate(proposal=proposal, actor=board.organizer, action="hide")
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer"):
        program.vote_cast(proposal=proposal, user=board.attendee)


def test_only_organizers_moderate():
    board = make_board()
    proposal = propose(board)
    with pytest.raises(PermissionDenied):
        program.proposal_moderate(proposal=proposal, actor=board.attendee, action="hide")
    program.proposal_moderate(proposal=proposal, actor=StaffFactory(), action="hide")
    assert AuditEntry.objects.filter(action="proposal.hide", target_id=proposal.pk).exists()


def test_merging_moves_votes_without_counting_anyone_twice():
    board = make_board()
    kept = propose(board, "Open source chamber of commerce")
    duplicate = propose(board, "A chamber of commerce for open source?")
    both, only_duplicate, only_kept = (attendee_of(board.event) for _ in range(3))
    for person in (both, only_kept):
        program.vote_cast(proposal=kept, user=person)
    for person in (both, only_duplicate):
        program.vote_cast(proposal=duplicate, user=person)
    program.proposal_merge(proposal=duplicate, into=kept, actor=board.organizer)
    duplicate.refresh_from_db()
    assert duplicate.status == SessionProposal.Status.MERGED
    assert duplicate.merged_into == kept
    assert set(kept.votes.values_list("user", flat=True)) == {
        both.pk,
        only_duplicate.pk,
        only_kept.pk,
    }
    assert duplicate.votes.count() == 0
    assert AuditEntry.objects.filter(action="proposal.merge", target_id=duplicate.pk).exists()


def test_a_proposal_cannot_be_merged_into_itself_or_another_event():
    board = make_board()
    proposal = propose(board)
    other = make_board()
    foreign = propose(other)
    with pytest.raises(ValidationError, match="itself"):
        program.proposal_merge(proposal=proposal, into=proposal, actor=board.organizer)
    with pytest.raises(ValidationError, match="same event"):
        program.proposal_merge(proposal=proposal, into=foreign, actor=board.organizer)


# --- Pages ---------------------------------------------------------------------------------


def test_the_list_shows_visible_proposals_with_votes_and_hides_the_rest(client):
    board = make_board()
    popular = propose(board, "Popular session on procurement")
    hidden = propose(board, "Spam spam spam")
    duplicate = propose(board, "Duplicate of procurement")
    for _ in range(2):
        program.vote_cast(proposal=popular, user=attendee_of(board.event))
    program.proposal_moderate(proposal=hidden, actor=board.organizer, action="hide")
    program.proposal_merge(proposal=duplicate, into=popular, actor=board.organizer)
    page = client.get(sessions_url(board.event)).content.decode()
    assert "Popular session on procurement" in page
    assert "Spam spam spam" not in page
    assert "Duplicate of procurement" not in page
    assert "<strong>2</strong>" in page


def test_the_list_sorts_by_votes_or_newest(client):
    board = make_board()
    older = propose(board, "Older but popular")
    propose(board, "Newer and quiet")
    program.vote_cast(proposal=older, user=board.attendee)
    by_votes = client.get(sessions_url(board.event)).content.decode()
    newest = client.get(sessions_url(board.event) + "?sort=new").content.decode()
    assert by_votes.index("Older but popular") < by_votes.index("Newer and quiet")
    assert newest.index("Newer and quiet") < newest.index("Older but popular")


def test_the_sessions_list_costs_the_same_number_of_queries_however_long(client):
    board = make_board()
    client.force_login(board.attendee)
    propose(board, "The first session")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(sessions_url(board.event)).status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        proposal = propose(
            board, f"Another session number {n}", co_hosts=[attendee_of(board.event)]
        )
        program.vote_cast(proposal=proposal, user=board.attendee)
    assert count() == few


def test_a_draft_event_has_no_public_board(client):
    organizer = UserFactory()
    event = EventFactory(draft=True, kind=Event.Kind.UNCONFERENCE, organizers=[organizer])
    assert client.get(sessions_url(event)).status_code == 404
    client.force_login(organizer)
    assert client.get(sessions_url(event)).status_code == 200


def test_a_meetup_has_no_session_board(client):
    event = EventFactory()
    assert client.get(sessions_url(event)).status_code == 404


def test_an_attendee_proposes_through_the_form(client):
    board = make_board()
    client.force_login(board.attendee)
    url = reverse("events:propose", kwargs={"slug": board.event.slug})
    response = client.post(url, {"title": "", "format": "talk", "duration_minutes": 30})
    assert response.status_code == 400
    response = client.post(
        url,
        {"title": "Buying software together", "description": "**Why** not?", "format": "talk",
         "duration_minutes": 30, "tags": "procurement", "co_hosts": ""},
    )  # fmt: skip
    proposal = SessionProposal.objects.get(title="Buying software together")
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    detail = client.get(proposal.get_absolute_url()).content.decode()
    assert "<strong>Why</strong>" in detail


def test_the_form_refuses_co_hosts_who_are_not_registered(client):
    board = make_board()
    client.force_login(board.attendee)
    url = reverse("events:propose", kwargs={"slug": board.event.slug})
    stranger = UserFactory()
    response = client.post(
        url, {"title": "Buying software together", "format": "talk", "duration_minutes": 30,
              "co_hosts": stranger.email},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Not registered for this event" in response.content.decode()


def test_the_vote_button_votes_and_takes_back(client):
    board = make_board()
    proposal = propose(board)
    client.force_login(board.attendee)
    client.post(vote_url(proposal), {"action": "cast", "next": sessions_url(board.event)})
    assert proposal.votes.count() == 1
    response = client.post(vote_url(proposal), {"action": "cast"}, follow=True)
    assert "You already voted" in response.content.decode()
    assert proposal.votes.count() == 1
    client.post(vote_url(proposal), {"action": "withdraw"})
    assert proposal.votes.count() == 0


def test_the_vote_button_ignores_a_foreign_next_address(client):
    board = make_board()
    proposal = propose(board)
    client.force_login(board.attendee)
    response = client.post(vote_url(proposal), {"action": "cast", "next": "https://evil.example/"})
    assert response["Location"] == proposal.get_absolute_url()


@pytest.mark.parametrize(
    ("who", "expected_votes", "status"),
    [("anonymous", 0, 302), ("other", 0, 302), ("attendee", 1, 302), ("organizer", 0, 302)],
)
def test_who_may_vote_from_the_page(client, who, expected_votes, status):
    board = make_board()
    proposal = propose(board)
    people = {"other": UserFactory(), "attendee": board.attendee, "organizer": board.organizer}
    if who != "anonymous":
        client.force_login(people[who])
    response = client.post(vote_url(proposal), {"action": "cast"})
    assert response.status_code == status
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    assert proposal.votes.count() == expected_votes


def test_a_hidden_proposal_page_is_gone_for_the_public_but_not_for_organizers(client):
    board = make_board()
    proposal = propose(board)
    program.proposal_moderate(proposal=proposal, actor=board.organizer, action="hide")
    assert client.get(proposal.get_absolute_url()).status_code == 404
    client.force_login(board.attendee)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    client.force_login(board.organizer)
    assert client.get(proposal.get_absolute_url()).status_code == 200


def test_a_merged_proposal_leads_to_the_one_that_was_kept(client):
    board = make_board()
    kept = propose(board, "Open source chamber of commerce")
    duplicate = propose(board, "Chamber of commerce, again")
    program.proposal_merge(proposal=duplicate, into=kept, actor=board.organizer)
    response = client.get(duplicate.get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] == kept.get_absolute_url()
    assert "was merged into this session" in response.content.decode()
    client.force_login(board.organizer)
    page = client.get(duplicate.get_absolute_url()).content.decode()
    assert "merged into" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other", 403), ("attendee", 403), ("organizer", 200), ("staff", 200)],
)
def test_who_may_open_the_moderation_page(client, who, status):
    board = make_board()
    people = {"other": UserFactory(), "attendee": board.attendee, "organizer": board.organizer,
              "staff": StaffFactory()}  # fmt: skip
    if who != "anonymous":
        client.force_login(people[who])
    url = reverse("events:manage-sessions", kwargs={"slug": board.event.slug})
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    ("who", "hidden"),
    [("anonymous", False), ("other", False), ("attendee", False), ("organizer", True),
     ("staff", True)],
)  # fmt: skip
def test_who_may_hide_a_proposal(client, who, hidden):
    board = make_board()
    proposal = propose(board)
    people = {"other": UserFactory(), "attendee": board.attendee, "organizer": board.organizer,
              "staff": StaffFactory()}  # fmt: skip
    if who != "anonymous":
        client.force_login(people[who])
    url = reverse("events:manage-moderate", kwargs={"slug": board.event.slug, "pk": proposal.pk})
    client.post(url, {"action": "hide"})
    proposal.refresh_from_db()
    assert (proposal.status == "hidden") is hidden


def test_organizers_merge_from_the_moderation_page(client):
    board = make_board()
    kept = propose(board, "Open source chamber of commerce")
    duplicate = propose(board, "Chamber of commerce, again")
    client.force_login(board.organizer)
    url = reverse("events:manage-merge", kwargs={"slug": board.event.slug, "pk": duplicate.pk})
    page = client.get(reverse("events:manage-sessions", kwargs={"slug": board.event.slug}))
    assert page.status_code == 200
    client.post(url, {"into": "not-a-number"})
    duplicate.refresh_from_db()
    assert duplicate.status == "proposed"
    client.post(url, {"into": kept.pk})
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept


def test_organizers_open_and_close_the_board(client):
    board = make_board(proposals_open=False)
    client.force_login(board.organizer)
    url = reverse("events:manage-board", kwargs={"slug": board.event.slug})
    client.post(url, {"open": "1"})
    board.event.refresh_from_db()
    assert board.event.proposals_open
    client.force_login(board.attendee)
    assert client.post(url, {"open": "0"}).status_code == 403
