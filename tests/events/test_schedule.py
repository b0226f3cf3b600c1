"""Rooms, slots and the grid: placement rules, the first grid, publication, the public
schedule and its iCal, stars, and the e-mail about changes."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import ScheduleChange, ScheduledSession, TimeSlot
from events.notifications import announce_schedule_changes, send_schedule_changes
from events.program import services as program
from hub.models import AuditEntry
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


def url(name, event, **kwargs):
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


def published_board(sessions=2):
    """A board with two rooms, two slots, `sessions` placed sessions, and a published grid."""
    board = make_board()
    rooms = [add_room(board, "Main Hall", 80), add_room(board, "Porch", 10)]
    slots = [add_slot(board, 0), add_slot(board, 60)]
    proposals = [accepted(board, f"Session number {n}", by=attendee_of(board.event))
                 for n in range(sessions)]  # fmt: skip
    cells = [(room, slot) for slot in slots for room in rooms]
    for proposal, (room, slot) in zip(proposals, cells, strict=False):
        place(board, proposal, room, slot)
    program.schedule_publish(event=board.event, actor=board.organizer, published=True)
    board.event.refresh_from_db()
    return board, rooms, slots, proposals


# --- Slots and rooms -----------------------------------------------------------------------


def test_a_slot_outside_the_event_is_refused():
    board = make_board()
    with pytest.raises(ValidationError, match="outside the event"):
        add_slot(board, offset_minutes=-60)
    with pytest.raises(ValidationError, match="outside the event"):
        add_slot(board, offset_minutes=170)


def test_overlapping_slots_of_one_event_are_refused():
    board = make_board()
    add_slot(board, 0, 50)
    with pytest.raises(ValidationError, match="overlaps"):
        add_slot(board, 30, 50)
    add_slot(board, 50, 50)  # Back to back is fine.
    assert board.event.slots.count() == 2


def test_the_database_refuses_a_slot_that_ends_before_it_starts():
    board = make_board()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeSlot.objects.create(
            event=board.event, starts_at=board.event.starts_at, ends_at=board.event.starts_at
        )


def test_room_names_are_unique_per_event():
    board = make_board()
    add_room(board, "Main Hall")
    with pytest.raises(ValidationError, match="already has a room"):
        add_room(board, "main hall")


def test_a_room_or_slot_with_sessions_cannot_be_deleted():
    board, rooms, slots, _ = published_board(1)
    with pytest.raises(ValidationError, match="remove them"):
        program.room_delete(room=rooms[0], actor=board.organizer)
    with pytest.raises(ValidationError, match="remove them"):
        program.slot_delete(slot=slots[0], actor=board.organizer)
    program.room_delete(room=rooms[1], actor=board.organizer)


# --- Placement -----------------------------------------------------------------------------


def test_one_session_per_room_and_slot():
    board = make_board()
    room, slot = add_room(board), add_slot(board)
    place(board, accepted(board, "First session here"), room, slot)
    with pytest.raises(ValidationError, match="taken"):
        place(board, accepted(board, "Second session here", by=board.organizer), room, slot)


def test_the_database_holds_one_session_per_room_and_slot():
    board = make_board()
    room, slot = add_room(board), add_slot(board)
    first, second = accepted(board, "First session"), accepted(board, "Second session")
    ScheduledSession.objects.create(proposal=first, room=room, slot=slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledSession.objects.create(proposal=second, room=room, slot=slot)


def test_one_host_cannot_be_in_two_rooms_at_once():
    board = make_board()
    slot = add_slot(board)
    main, porch = add_room(board, "Main Hall"), add_room(board, "Porch")
    host = attendee_of(board.event)
    place(board, accepted(board, "Hosted by the host", by=host), main, slot)
    co_hosted = accepted(board, "Co-hosted by the host", co_hosts=[host])
    with pytest.raises(ValidationError, match="already hosts"):
        place(board, co_hosted, porch, slot)
    place(board, co_hosted, porch, add_slot(board, 90))


def test_a_slot_outside_the_event_cannot_take_sessions():
    board = make_board()
    room, slot = add_room(board), add_slot(board)
    # The event moved after the slot was made: the slot now lies outside it.
    board.event.starts_at = slot.ends_at
    board.event.save()
    with pytest.raises(ValidationError, match="outside the event"):
        place(board, accepted(board), room, slot)


def test_only_accepted_proposals_go_on_the_grid():
    board = make_board()
    with pytest.raises(ValidationError, match="accept it first"):
        place(board, propose(board), add_room(board), add_slot(board))


def test_a_room_smaller_than_the_votes_is_a_warning_not_a_refusal():
    board = make_board()
    proposal = accepted(board)
    for _ in range(3):
        program.vote_cast(proposal=proposal, user=attendee_of(board.event))
    result = place(board, proposal, add_room(board, "Closet", 2), add_slot(board))
    assert result.session.pk
    assert any("seats 2" in warning for warning in result.warnings)


def test_only_organizers_place_sessions():
    board = make_board()
    proposal, room, slot = accepted(board), add_room(board), add_slot(board)
    with pytest.raises(PermissionDenied):
        program.session_place(proposal=proposal, room=room, slot=slot, actor=board.attendee)


def test_placing_and_removing_are_audited():
    board = make_board()
    result = place(board, accepted(board), add_room(board), add_slot(board))
    program.session_remove(session=result.session, actor=board.organizer)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"schedule.place", "schedule.remove", "proposal.accept"} <= actions


def test_a_session_on_the_grid_cannot_be_hidden_or_merged_away():
    board = make_board()
    proposal = accepted(board)
    place(board, proposal, add_room(board), add_slot(board))
    with pytest.raises(ValidationError, match="remove it from the grid"):
        program.proposal_moderate(proposal=proposal, actor=board.organizer, action="hide")
    with pytest.raises(ValidationError, match="remove it from the grid"):
        program.proposal_merge(proposal=proposal, into=propose(board, "Other one"),
                               actor=board.organizer)  # fmt: skip


# --- The first grid ------------------------------------------------------------------------


def test_the_first_grid_puts_the_most_voted_in_the_largest_rooms_and_earliest_slots():
    board = make_board()
    small, large = add_room(board, "Porch", 10), add_room(board, "Main Hall", 80)
    early, late = add_slot(board, 0), add_slot(board, 60)
    votes = {"Least voted": 0, "Most voted": 3, "Second": 2, "Third": 1}
    proposals = {}
    for title, count in votes.items():
        proposals[title] = accepted(board, f"{title} session", by=attendee_of(board.event))
        for _ in range(count):
            program.vote_cast(proposal=proposals[title], user=attendee_of(board.event))
    result = program.schedule_propose_grid(event=board.event, actor=board.organizer)
    assert result.placed == 4
    where = {s.proposal.title: (s.slot, s.room) for s in ScheduledSession.objects.all()}
    assert where["Most voted session"] == (early, large)
    assert where["Second session"] == (early, small)
    assert where["Third session"] == (late, large)
    assert where["Least voted session"] == (late, small)


def test_the_first_grid_never_puts_one_host_in_two_rooms_at_once():
    board = make_board()
    add_room(board, "Main Hall", 80), add_room(board, "Porch", 10)
    early, late = add_slot(board, 0), add_slot(board, 60)
    host = attendee_of(board.event)
    first = accepted(board, "Host's first session", by=host)
    second = accepted(board, "Host's second session", by=attendee_of(board.event), co_hosts=[host])
    other = accepted(board, "Someone else's session", by=attendee_of(board.event))
    for proposal, count in ((first, 3), (second, 2), (other, 1)):
        for _ in range(count):
            program.vote_cast(proposal=proposal, user=attendee_of(board.event))
    program.schedule_propose_grid(event=board.event, actor=board.organizer)
    slots = {s.proposal_id: s.slot for s in ScheduledSession.objects.all()}
    assert slots[first.pk] == early
    assert slots[second.pk] == late
    assert slots[other.pk] == early


def test_without_accepted_proposals_the_first_grid_takes_every_visible_one():
    board = make_board()
    add_room(board), add_slot(board, 0), add_slot(board, 60)
    visible = propose(board, "Visible proposal")
    hidden = propose(board, "Hidden proposal", by=board.organizer)
    program.proposal_moderate(proposal=hidden, actor=board.organizer, action="hide")
    result = program.schedule_propose_grid(event=board.event, actor=board.organizer)
    assert result.placed == 1
    visible.refresh_from_db()
    assert visible.status == "accepted"
    assert ScheduledSession.objects.get().proposal == visible


def test_the_first_grid_reports_what_did_not_fit():
    board = make_board()
    add_room(board), add_slot(board)
    for n in range(3):
        accepted(board, f"Session number {n}", by=attendee_of(board.event))
    result = program.schedule_propose_grid(event=board.event, actor=board.organizer)
    assert (result.placed, result.left_over) == (1, 2)


# --- The published schedule ----------------------------------------------------------------


def test_the_schedule_is_public_only_once_published(client):
    board = make_board()
    place(board, accepted(board, "A placed session"), add_room(board), add_slot(board))
    pending = client.get(url("schedule", board.event))
    assert pending.status_code == 200 and "A placed session" not in pending.content.decode()
    assert client.get(url("schedule-ics", board.event)).status_code == 404
    client.force_login(board.organizer)
    preview = client.get(url("schedule", board.event))
    assert preview.status_code == 200 and "not published" in preview.content.decode()
    program.schedule_publish(event=board.event, actor=board.organizer, published=True)
    client.logout()
    page = client.get(url("schedule", board.event)).content.decode()
    assert "A placed session" in page


def test_publishing_an_empty_grid_is_refused():
    board = make_board()
    with pytest.raises(ValidationError, match="at least one session"):
        program.schedule_publish(event=board.event, actor=board.organizer, published=True)


def test_the_schedule_links_each_session_to_its_page_with_hosts(client):
    board, _, _, proposals = published_board(1)
    page = client.get(url("schedule", board.event)).content.decode()
    assert proposals[0].get_absolute_url() in page
    assert proposals[0].proposer.display_name in page
    detail = client.get(proposals[0].get_absolute_url()).content.decode()
    assert "On the schedule" in detail and "Main Hall" in detail


def test_the_schedule_page_costs_the_same_number_of_queries_however_full(client):
    board, rooms, slots, _ = published_board(1)
    client.force_login(board.attendee)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("schedule", board.event)).status_code == 200
        return len(queries)

    few = count()
    for n, (room, slot) in enumerate([(rooms[1], slots[0]), (rooms[0], slots[1])]):
        proposal = accepted(board, f"More session {n}", by=attendee_of(board.event),
                            co_hosts=[attendee_of(board.event)])  # fmt: skip
        place(board, proposal, room, slot)
    assert count() == few


def test_the_schedule_ical_has_one_event_per_session_with_the_room_as_location(client):
    board, _, _, proposals = published_board(2)
    hidden_one = accepted(board, "Never on the public grid")
    response = client.get(url("schedule-ics", board.event))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    vevents = list(calendar.walk("VEVENT"))
    assert sorted(str(v["summary"]) for v in vevents) == sorted(p.title for p in proposals)
    assert {str(v["location"]).split(",")[0] for v in vevents} == {"Main Hall", "Porch"}
    assert hidden_one.title not in response.content.decode()
    uids = {str(v["uid"]) for v in vevents}
    # Moving a session keeps its UID, so calendars update the entry instead of adding one.
    session = ScheduledSession.objects.get(proposal=proposals[0])
    program.session_place(proposal=proposals[0], room=session.room, slot=board.event.slots.last(),
                          actor=board.organizer)  # fmt: skip
    again = icalendar.Calendar.from_ical(client.get(url("schedule-ics", board.event)).content)
    assert {str(v["uid"]) for v in again.walk("VEVENT")} == uids


def test_a_draft_event_has_no_public_schedule(client):
    board, *_ = published_board(1)
    board.event.status = "draft"
    board.event.save()
    assert client.get(url("schedule", board.event)).status_code == 404
    assert client.get(url("schedule-ics", board.event)).status_code == 404


# --- Stars and the personal schedule -------------------------------------------------------


def test_an_attendee_stars_sessions_and_gets_a_personal_schedule_and_ical(client):
    board, _, _, proposals = published_board(2)
    client.force_login(board.attendee)
    star_url = url("star", board.event, pk=proposals[1].pk)
    client.post(star_url, {"action": "star"})
    client.post(star_url, {"action": "star"})  # Twice is once.
    assert proposals[1].stars.count() == 1
    mine = client.get(url("my-schedule", board.event)).content.decode()
    assert proposals[1].title in mine and proposals[0].title not in mine
    calendar = icalendar.Calendar.from_ical(client.get(url("my-schedule-ics", board.event)).content)
    assert [str(v["summary"]) for v in calendar.walk("VEVENT")] == [proposals[1].title]
    client.post(star_url, {"action": "unstar"})
    assert proposals[1].stars.count() == 0


def test_the_personal_schedule_needs_a_sign_in(client):
    board, *_ = published_board(1)
    assert client.get(url("my-schedule", board.event)).status_code == 302
    assert client.get(url("my-schedule-ics", board.event)).status_code == 302


def test_an_unscheduled_proposal_cannot_be_starred():
    board, *_ = published_board(1)
    with pytest.raises(ValidationError, match="not on the schedule"):
        program.star_add(proposal=accepted(board, "Not placed"), user=board.attendee)


# --- Changes after publication -------------------------------------------------------------


def test_people_who_starred_a_moved_session_get_one_e_mail_per_batch():
    board, rooms, slots, proposals = published_board(2)
    fan, other_fan = board.attendee, attendee_of(board.event)
    for proposal in proposals:
        program.star_add(proposal=proposal, user=fan)
    program.star_add(proposal=proposals[0], user=other_fan)
    mail.outbox.clear()
    with transaction.atomic():
        # One batch: both sessions change before anyone is told.
        program.session_place(proposal=proposals[0], room=rooms[0], slot=slots[1],
                              actor=board.organizer)  # fmt: skip
        removed = ScheduledSession.objects.get(proposal=proposals[1])
        program.session_remove(session=removed, actor=board.organizer)
    assert send_schedule_changes(board.event.pk) == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {fan.email, other_fan.email}
    assert "moved from" in by_person[fan.email].body
    assert "taken off the schedule" in by_person[fan.email].body
    assert proposals[1].title not in by_person[other_fan.email].body
    assert send_schedule_changes(board.event.pk) == 0
    assert len(mail.outbox) == 2
    assert not ScheduleChange.objects.filter(notified_at__isnull=True).exists()


def test_the_news_waits_for_a_quiet_grid_and_a_second_run_sends_nothing(
    django_capture_on_commit_callbacks,
):
    board, rooms, slots, proposals = published_board(1)
    program.star_add(proposal=proposals[0], user=board.attendee)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        program.session_place(proposal=proposals[0], room=rooms[1], slot=slots[1],
                              actor=board.organizer)  # fmt: skip
    assert mail.outbox == []
    soon = timezone.now() + timedelta(minutes=5)
    assert announce_schedule_changes(now=soon) == 0
    later = timezone.now() + timedelta(minutes=11)
    assert announce_schedule_changes(now=later) == 1
    assert announce_schedule_changes(now=later) == 0
    assert [m.to for m in mail.outbox] == [[board.attendee.email]]


def test_changes_before_publication_tell_nobody():
    board = make_board()
    room, slot = add_room(board), add_slot(board)
    result = place(board, accepted(board), room, slot)
    program.session_remove(session=result.session, actor=board.organizer)
    assert not ScheduleChange.objects.exists()


# --- The organizer pages -------------------------------------------------------------------

PEOPLE = ["anonymous", "other", "attendee", "organizer", "staff"]


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def login(client, board, who):
    people = {"other": UserFactory(), "attendee": board.attendee,
              "organizer": board.organizer, "staff": StaffFactory()}  # fmt: skip
    if who != "anonymous":
        client.force_login(people[who])


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other", 403), ("attendee", 403), ("organizer", 200), ("staff", 200)],
)
def test_who_may_open_the_schedule_editor(client, who, status):
    board, *_ = published_board(1)
    login(client, board, who)
    assert client.get(url("manage-schedule", board.event)).status_code == status


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_place_remove_publish_and_build_a_grid(client, who):
    board = make_board()
    room, slot = add_room(board), add_slot(board)
    proposal = accepted(board)
    login(client, board, who)
    allowed = who in ("organizer", "staff")
    client.post(url("manage-place", board.event),
                {"proposal": proposal.pk, "room": room.pk, "slot": slot.pk})  # fmt: skip
    assert ScheduledSession.objects.exists() is allowed
    client.post(url("manage-publish", board.event), {"published": "1"})
    board.event.refresh_from_db()
    assert board.event.schedule_published is allowed
    if allowed:
        session = ScheduledSession.objects.get()
        client.post(url("manage-unplace", board.event), {"session": session.pk})
        assert not ScheduledSession.objects.exists()
        client.post(url("manage-auto-grid", board.event))
        assert ScheduledSession.objects.count() == 1
    else:
        response = client.post(url("manage-auto-grid", board.event))
        assert response.status_code in (302, 403)
        assert not ScheduledSession.objects.exists()


def test_the_editor_adds_rooms_and_slots_and_explains_refusals(client):
    board = make_board()
    client.force_login(board.organizer)
    response = client.post(url("manage-room-add", board.event),
                           {"name": "Main Hall", "capacity": "80"})  # fmt: skip
    assert response.status_code == 302
    # The form takes whole minutes: the first full minute inside the event.
    start = timezone.localtime(board.event.starts_at).replace(second=0, microsecond=0)
    start += timedelta(minutes=1)
    too_early = {"starts_at": local_input(start - timedelta(hours=2)),
                 "ends_at": local_input(start - timedelta(hours=1))}  # fmt: skip
    response = client.post(url("manage-slot-add", board.event), too_early)
    assert response.status_code == 400
    assert "outside the event" in response.content.decode()
    fine = {"starts_at": local_input(start), "ends_at": local_input(start + timedelta(minutes=45))}
    response = client.post(url("manage-slot-add", board.event), fine)
    assert response.status_code == 302
    assert board.event.slots.count() == 1 and board.event.rooms.count() == 1
    page = client.get(url("manage-schedule", board.event)).content.decode()
    assert "Main Hall" in page


def test_the_editor_reports_a_host_clash(client):
    board = make_board()
    slot = add_slot(board)
    main, porch = add_room(board, "Main Hall"), add_room(board, "Porch")
    place(board, accepted(board, "The attendee's first"), main, slot)
    second = accepted(board, "The attendee's second")
    client.force_login(board.organizer)
    place_url = url("manage-place", board.event)
    data = {"proposal": second.pk, "room": porch.pk, "slot": slot.pk}
    response = client.post(place_url, data, follow=True)
    assert "already hosts" in response.content.decode()
    response = client.post(place_url, {"proposal": "x", "room": "9" * 30, "slot": slot.pk})
    assert response.status_code == 302
