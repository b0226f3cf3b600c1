"""The organizer's grid: one compact link per free cell, to a page that places a session
there; it works with the keyboard and without JavaScript (plain links and forms)."""

import re

import pytest
from django.urls import reverse

from events.models import ScheduledSession
from tests.events.program_helpers import accepted, add_room, add_slot, make_board, place
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, event):
    return reverse(f"events:{name}", kwargs={"slug": event.slug})


def grid_of(html: str) -> str:
    return re.search(r'<table class="data-table grid-editor".*?</table>', html, re.S).group(0)


def test_each_free_cell_has_one_link_and_no_form(client):
    board = make_board()
    rooms = [add_room(board, "Main Hall"), add_room(board, "Porch", 10)]
    slots = [add_slot(board, offset_minutes=30), add_slot(board, offset_minutes=90)]
    place(board, accepted(board, "Taken already"), rooms[0], slots[0])
    accepted(board, "Waiting for a cell")
    client.force_login(board.organizer)
    grid = grid_of(client.get(url("manage-schedule", board.event)).content.decode())
    links = re.findall(r'<a class="grid-editor__add" href="([^"]+)"', grid)
    assert len(links) == 3  # four cells, one taken
    assert "<select" not in grid
    assert grid.count('action="/events/') == 1  # only the taken cell's "Remove"
    assert f"?room={rooms[1].pk}&amp;slot={slots[1].pk}" in grid
    assert 'Place<span class="visually-hidden"> a session in Porch at' in grid


def test_the_place_page_offers_the_sessions_and_places_the_one_chosen(client):
    board = make_board()
    room, slot, other_slot = add_room(board), add_slot(board), add_slot(board, offset_minutes=90)
    waiting = accepted(board, "Waiting for a cell")
    elsewhere = accepted(board, "Somewhere else")
    place(board, elsewhere, room, other_slot)
    client.force_login(board.organizer)
    page_url = f"{url('manage-place', board.event)}?room={room.pk}&slot={slot.pk}"
    html = client.get(page_url).content.decode()
    assert 'type="radio" name="proposal"' in html
    assert "Waiting for a cell" in html and "Move here from another cell" in html
    response = client.post(
        url("manage-place", board.event), {"room": room.pk, "slot": slot.pk, "proposal": waiting.pk}
    )
    assert response.status_code == 302
    assert ScheduledSession.objects.get(proposal=waiting).slot == slot


def test_placing_without_a_choice_goes_back_to_the_cell_with_a_message(client):
    board = make_board()
    room, slot = add_room(board), add_slot(board)
    accepted(board)
    client.force_login(board.organizer)
    response = client.post(
        url("manage-place", board.event), {"room": room.pk, "slot": slot.pk}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"?room={room.pk}&slot={slot.pk}")
    assert "Choose a session to place." in response.content.decode()
    assert not ScheduledSession.objects.exists()


def test_an_unknown_cell_goes_back_to_the_grid(client):
    board = make_board()
    client.force_login(board.organizer)
    response = client.get(f"{url('manage-place', board.event)}?room=999999&slot=x")
    assert response.status_code == 302
    assert response["Location"] == url("manage-schedule", board.event)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other", 403), ("attendee", 403), ("organizer", 200), ("staff", 200)],
)
def test_who_may_open_the_place_page(client, who, status):
    board = make_board()
    room, slot = add_room(board), add_slot(board)
    accepted(board)
    people = {"other": UserFactory(), "attendee": board.attendee,
              "organizer": board.organizer, "staff": StaffFactory()}  # fmt: skip
    if who != "anonymous":
        client.force_login(people[who])
    response = client.get(f"{url('manage-place', board.event)}?room={room.pk}&slot={slot.pk}")
    assert response.status_code == status
    if who == "anonymous":
        assert reverse("account_login") in response["Location"]
