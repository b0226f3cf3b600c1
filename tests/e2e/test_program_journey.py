"""The unconference programme in a real browser: propose, vote, accept, place, publish."""

import pytest
from playwright.sync_api import expect

from events.models import SessionProposal
from tests.e2e.conftest import PHONE
from tests.events.program_helpers import add_room, add_slot, attendee_of, make_board

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "What might an Open Source Chamber of Commerce look like?"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_session_is_proposed_voted_accepted_placed_and_published(new_page, log_in, javascript):
    board = make_board(title="Harbor Unconference")
    voter = attendee_of(board.event)
    room = add_room(board, name="Main Hall")
    add_slot(board)
    sessions_url = f"/events/{board.event.slug}/sessions/"

    proposer = new_page(viewport=PHONE, javascript=javascript)
    log_in(proposer, board.attendee)
    proposer.goto(sessions_url)
    proposer.get_by_role("link", name="Propose a session", exact=True).click()
    proposer.get_by_label("Title").fill(TITLE)
    proposer.get_by_label("Description").fill("Bring your questions about procurement.")
    proposer.get_by_label("Discussion").check()
    proposer.get_by_role("button", name="Propose").click()
    proposal = SessionProposal.objects.get(event=board.event)
    assert proposal.title == TITLE and proposal.proposer == board.attendee

    attendee = new_page(javascript=javascript)
    log_in(attendee, voter)
    attendee.goto(sessions_url)
    card = attendee.locator(".proposal-card", has_text=TITLE)
    expect(card.locator(".vote__count")).to_have_text("0 votes")
    card.get_by_role("button", name=f"Vote for {TITLE}").click()
    card = attendee.locator(".proposal-card", has_text=TITLE)
    expect(card.locator(".vote__count")).to_have_text("1 vote")
    expect(card.get_by_role("button", name=f"Take back your vote for {TITLE}")).to_be_visible()

    organizer = new_page(javascript=javascript)
    log_in(organizer, board.organizer)
    organizer.goto(f"/events/{board.event.slug}/manage/sessions/")
    row = organizer.locator("tr.proposal-row", has_text=TITLE)
    row.get_by_role("button", name=f"Accept “{TITLE}”").click()
    expect(organizer.locator("tr.proposal-row", has_text=TITLE).locator(".badge")).to_have_text(
        "Accepted"
    )

    organizer.get_by_role("navigation", name="Organizer tools").get_by_role(
        "link", name="Schedule"
    ).click()
    organizer.get_by_role("link", name=f"Place a session in {room.name}").click()
    organizer.get_by_label(TITLE).check()
    organizer.get_by_role("button", name="Place the session").click()
    expect(organizer.locator(".grid-editor__cell--taken")).to_contain_text(TITLE)
    organizer.get_by_role("button", name="Publish the schedule").click()
    expect(organizer.locator(".board-facts")).to_contain_text("Schedule: published")

    visitor = new_page(viewport=PHONE, javascript=javascript)
    visitor.goto(board.event.get_absolute_url())
    visitor.get_by_role("link", name="The schedule").click()
    grid = visitor.get_by_role("table", name="Sessions by time (rows) and room (columns)")
    expect(grid.get_by_role("columnheader", name="Main Hall")).to_be_visible()
    expect(grid).to_contain_text(TITLE)
    expect(visitor.get_by_text("not published")).to_have_count(0)
