"""What people who starred sessions are told, in one e-mail per batch of changes; and what
an unpublished schedule and a board not open yet say."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import ScheduledSession
from events.notifications import (
    SCHEDULE_NEWS_LONGEST_WAIT,
    SCHEDULE_NEWS_QUIET,
    announce_schedule_changes,
)
from events.program import services as program
from events.tasks import announce_schedule_changes_task
from tests.events.program_helpers import (
    accepted,
    add_room,
    add_slot,
    attendee_of,
    make_board,
    place,
)
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def published_grid(sessions=3):
    """Two rooms, two slots, `sessions` sessions placed and starred by one fan; published."""
    board = make_board()
    rooms = [add_room(board, "Main Hall", 80), add_room(board, "Porch", 10)]
    slots = [add_slot(board, 0), add_slot(board, 60)]
    cells = [(room, slot) for slot in slots for room in rooms]
    proposals = []
    for n in range(sessions):
        proposal = accepted(board, f"Session {n}", by=attendee_of(board.event))
        place(board, proposal, *cells[n])
        proposals.append(proposal)
    program.schedule_publish(event=board.event, actor=board.organizer, published=True)
    fan = attendee_of(board.event)
    for proposal in proposals:
        program.star_add(proposal=proposal, user=fan)
    mail.outbox.clear()
    return board, rooms, slots, proposals, fan


def after_a_quiet_while() -> int:
    return announce_schedule_changes(now=timezone.now() + SCHEDULE_NEWS_QUIET)


def where(proposal) -> str:
    session = ScheduledSession.objects.select_related("room", "slot").get(proposal=proposal)
    return f"{session.room.name}, {session.slot}"


def test_a_moved_session_says_from_where_to_where():
    board, rooms, slots, proposals, fan = published_grid(1)
    before = where(proposals[0])
    place(board, proposals[0], rooms[1], slots[1])
    assert after_a_quiet_while() == 1
    [message] = mail.outbox
    assert message.to == [fan.email]
    assert f"“Session 0” moved from {before} to {where(proposals[0])}." in message.body
    assert message.subject.endswith("“Session 0” moved")


def test_a_removed_session_says_where_it_was():
    board, _, _, proposals, _ = published_grid(1)
    before = where(proposals[0])
    program.session_remove(
        session=ScheduledSession.objects.get(proposal=proposals[0]), actor=board.organizer
    )
    assert after_a_quiet_while() == 1
    [message] = mail.outbox
    assert f"“Session 0” was taken off the schedule (it was in {before})." in message.body


def test_a_session_back_on_the_schedule_says_where():
    board, rooms, slots, proposals, _ = published_grid(1)
    program.session_remove(
        session=ScheduledSession.objects.get(proposal=proposals[0]), actor=board.organizer
    )
    assert after_a_quiet_while() == 1
    mail.outbox.clear()
    place(board, proposals[0], rooms[1], slots[1])
    assert after_a_quiet_while() == 1
    [message] = mail.outbox
    assert f"“Session 0” is back on the schedule: {where(proposals[0])}." in message.body
    assert message.subject.endswith("“Session 0” is back on the schedule")


def test_removing_sessions_click_by_click_is_one_notice_per_person(client):
    board, _, _, proposals, fan = published_grid(3)
    other_fan = attendee_of(board.event)
    program.star_add(proposal=proposals[0], user=other_fan)
    mail.outbox.clear()
    client.force_login(board.organizer)
    for proposal in proposals:
        session = ScheduledSession.objects.get(proposal=proposal)
        response = client.post(
            reverse("events:manage-unplace", args=[board.event.slug]), {"session": session.pk}
        )
        assert response.status_code == 302
        assert mail.outbox == []  # Nobody is told while the organizer is still at it.
    assert announce_schedule_changes(now=timezone.now() + timedelta(minutes=5)) == 0
    assert after_a_quiet_while() == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person[fan.email].subject.endswith("3 sessions you starred changed")
    assert by_person[fan.email].body.count("was taken off the schedule") == 3
    assert by_person[other_fan.email].body.count("was taken off the schedule") == 1
    assert after_a_quiet_while() == 0
    assert len(mail.outbox) == 2


def test_a_session_moved_and_moved_back_in_one_batch_is_no_news():
    board, rooms, slots, proposals, _ = published_grid(1)
    session = ScheduledSession.objects.get(proposal=proposals[0])
    room, slot = session.room, session.slot
    place(board, proposals[0], rooms[1], slots[1])
    place(board, proposals[0], room, slot)
    assert after_a_quiet_while() == 0
    assert mail.outbox == []


def test_an_organizer_who_keeps_editing_does_not_hold_the_news_back_past_an_hour():
    board, rooms, slots, proposals, _ = published_grid(2)
    place(board, proposals[0], rooms[1], slots[1])
    first_change = timezone.now()
    # Another change every few minutes: the grid is never quiet for ten.
    place(board, proposals[1], rooms[0], slots[1])
    assert announce_schedule_changes(now=first_change + timedelta(minutes=5)) == 0
    assert announce_schedule_changes(now=first_change + SCHEDULE_NEWS_LONGEST_WAIT) == 1


def test_the_announcement_runs_from_the_beat_schedule(settings):
    board, rooms, slots, proposals, fan = published_grid(1)
    place(board, proposals[0], rooms[1], slots[1])
    assert announce_schedule_changes_task() == 0  # Not quiet for long enough yet.
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "events.tasks.announce_schedule_changes_task" in tasks


def test_a_run_that_dies_half_way_is_finished_by_the_next_without_doubles(mail_over_smtp):
    board, rooms, slots, proposals, fan = published_grid(1)
    fans = [fan, *(attendee_of(board.event) for _ in range(3))]
    for person in fans[1:]:
        program.star_add(proposal=proposals[0], user=person)
    place(board, proposals[0], rooms[1], slots[1])
    mail_over_smtp.handler.fail_after = 2  # the server gives up after two messages
    with pytest.raises(SMTPException):
        after_a_quiet_while()
    mail_over_smtp.handler.fail_after = None
    assert after_a_quiet_while() == 2
    assert sorted(m["To"] for m in mail_over_smtp.messages) == sorted(p.email for p in fans)
    assert after_a_quiet_while() == 0


def test_people_who_switched_these_e_mails_off_are_not_told(client):
    board, rooms, slots, proposals, fan = published_grid(1)
    client.force_login(fan)
    client.post(reverse("notification-preferences"), {"schedule_change": ""})
    place(board, proposals[0], rooms[1], slots[1])
    after_a_quiet_while()
    assert mail.outbox == []


# --- An unpublished schedule, a board not open yet -----------------------------------------

PEOPLE = ["anonymous", "other", "attendee", "organizer", "staff"]


def sign_in(client, board, who):
    people = {"other": UserFactory(), "attendee": board.attendee,
              "organizer": board.organizer, "staff": StaffFactory()}  # fmt: skip
    if who != "anonymous":
        client.force_login(people[who])


@pytest.mark.parametrize("who", PEOPLE)
def test_an_unpublished_schedule_says_so_and_organizers_see_the_preview(client, who):
    board = make_board()
    place(board, accepted(board, "Placed, not public"), add_room(board), add_slot(board))
    sign_in(client, board, who)
    response = client.get(reverse("events:schedule", args=[board.event.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    if who in ("organizer", "staff"):
        assert "Placed, not public" in page and "not published" in page
    else:
        assert "The schedule is not published yet" in page
        assert "Placed, not public" not in page
    if who != "anonymous":
        mine = client.get(reverse("events:my-schedule", args=[board.event.slug]))
        assert mine.status_code == 200
        if who not in ("organizer", "staff"):
            assert "The schedule is not published yet" in mine.content.decode()


def test_the_schedule_of_a_draft_event_stays_404_for_the_public(client):
    board = make_board()
    board.event.status = "draft"
    board.event.save()
    assert client.get(reverse("events:schedule", args=[board.event.slug])).status_code == 404


def test_a_board_not_opened_yet_says_so_and_tells_organizers_how(client):
    board = make_board(proposals_open=False)
    url = reverse("events:sessions", args=[board.event.slug])
    page = client.get(url).content.decode()
    assert "The session board is not open yet" in page
    assert "Moderate proposals" not in page
    client.force_login(board.organizer)
    page = client.get(url).content.decode()
    assert "open the board on the" in page


def test_a_board_closed_after_proposals_says_closed(client):
    board = make_board()
    accepted(board, "Proposed while open")
    program.board_set_open(event=board.event, actor=board.organizer, is_open=False)
    page = client.get(reverse("events:sessions", args=[board.event.slug])).content.decode()
    assert "Proposals and voting are closed." in page
    assert "not open yet" not in page
