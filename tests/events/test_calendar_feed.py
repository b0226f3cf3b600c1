"""A person's secret calendar address: registrations and starred sessions, for calendar apps."""

import icalendar
import pytest
from django.urls import reverse

from events import feeds, services
from events.models import CalendarFeed
from events.program import services as program
from tests.events.factories import EventFactory
from tests.events.program_helpers import accepted, add_room, add_slot, make_board, place
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ME_FEED = "/me/calendar/"


def feed_url(feed) -> str:
    return reverse("events:personal-calendar", kwargs={"pk": feed.pk, "token": feed.token})


def entries(response) -> dict[str, str]:
    """SUMMARY → STATUS of every VEVENT (sessions have no STATUS)."""
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(v["summary"]): str(v.get("status", "")) for v in calendar.walk("VEVENT")}


def starred_session(person, title="Maintainers' circle"):
    """A session on a published grid that `person` (registered) starred."""
    board = make_board()
    services.registration_create(event=board.event, user=person, notify=False)
    proposal = accepted(board, title)
    place(board, proposal, add_room(board), add_slot(board))
    program.schedule_publish(event=board.event, actor=board.organizer, published=True)
    program.star_add(proposal=proposal, user=person)
    return board


def test_a_person_creates_an_address_and_a_calendar_app_reads_it_without_signing_in(client):
    person = UserFactory()
    seat = EventFactory(title="Seat Meetup")
    full = EventFactory(title="Full Summit", capacity=1)
    services.registration_create(event=full, user=UserFactory())
    services.registration_create(event=seat, user=person)
    services.registration_create(event=full, user=person)  # the waitlist
    gone = EventFactory(title="Cancelled Registration")
    mine = services.registration_create(event=gone, user=person).registration
    services.registration_cancel(registration=mine, actor=person)
    EventFactory(title="Someone Else's")
    starred_session(person)

    client.force_login(person)
    response = client.post(ME_FEED, {"action": "renew"})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=person)
    page = client.get(reverse("me")).content.decode()
    assert feed.token in page and "webcal://" in page and "Your calendar address" in page

    client.logout()
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    found = entries(response)
    assert found["Seat Meetup"] == "CONFIRMED"
    assert found["Full Summit (on the waitlist)"] == "TENTATIVE"
    assert "Maintainers' circle" in found
    assert not any("Cancelled Registration" in s or "Someone Else" in s for s in found)


def test_a_new_address_stops_the_old_one_and_a_withdrawn_one_is_404(client):
    person = UserFactory()
    client.force_login(person)
    client.post(ME_FEED, {"action": "renew"})
    old = CalendarFeed.objects.get(user=person)
    client.post(ME_FEED, {"action": "renew"})
    new = CalendarFeed.objects.get(user=person)
    assert new.token != old.token
    client.logout()
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    client.force_login(person)
    client.post(ME_FEED, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=person).exists()
    client.logout()
    assert client.get(feed_url(new)).status_code == 404


def test_tokens_are_long_random_and_only_the_exact_one_opens_the_feed(client):
    person, other = UserFactory(), UserFactory()
    feed = feeds.calendar_feed_renew(user=person)
    others = feeds.calendar_feed_renew(user=other)
    assert len(feed.token) >= 43 and feed.token != others.token
    wrong = [
        feed.token[:-1] + ("A" if feed.token[-1] != "A" else "B"),
        feed.token[:20],
        others.token,  # another person's token under this feed's number
    ]
    for token in wrong:
        url = reverse("events:personal-calendar", kwargs={"pk": feed.pk, "token": token})
        assert client.get(url).status_code == 404


def test_a_deactivated_persons_feed_is_404(client):
    person = UserFactory()
    feed = feeds.calendar_feed_renew(user=person)
    person.is_active = False
    person.save()
    assert client.get(feed_url(feed)).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "other", "person", "organizer", "staff"])
def test_the_address_is_the_key_whoever_asks(client, who):
    """The token decides, not the session: anyone with it reads the feed, and being
    signed in (as the organizer of the event, or staff) opens nothing without it."""
    person, organizer = UserFactory(), UserFactory()
    event = EventFactory(title="Our Meetup", organizers=[organizer])
    services.registration_create(event=event, user=person)
    feed = feeds.calendar_feed_renew(user=person)
    people = {"other": UserFactory(), "person": person, "organizer": organizer,
              "staff": StaffFactory()}  # fmt: skip
    if who != "anonymous":
        client.force_login(people[who])
    assert "Our Meetup" in entries(client.get(feed_url(feed)))
    unknown = reverse("events:personal-calendar", kwargs={"pk": feed.pk, "token": "x" * 43})
    assert client.get(unknown).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "other", "person", "staff"])
def test_each_person_manages_only_their_own_address(client, who):
    person = UserFactory()
    feed = feeds.calendar_feed_renew(user=person)
    people = {"other": UserFactory(), "person": person, "staff": StaffFactory()}
    if who != "anonymous":
        client.force_login(people[who])
    response = client.post(ME_FEED, {"action": "revoke"})
    assert response.status_code == 302
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    assert CalendarFeed.objects.filter(pk=feed.pk).exists() is (who != "person")
    if who != "anonymous":
        assert client.get(ME_FEED).status_code == 405


def test_me_offers_to_create_an_address_and_get_creates_nothing(client):
    person = UserFactory()
    client.force_login(person)
    page = client.get(reverse("me")).content.decode()
    assert "Create my calendar address" in page
    assert not CalendarFeed.objects.exists()


def test_the_signed_in_ics_of_my_sessions_still_works_in_a_browser(client):
    person = UserFactory()
    board = starred_session(person)
    url = reverse("events:my-schedule-ics", args=[board.event.slug])
    assert client.get(url).status_code == 302
    client.force_login(person)
    assert "Maintainers' circle" in entries(client.get(url))


def test_the_feed_costs_the_same_queries_however_many_entries(
    client, django_assert_max_num_queries
):
    person = UserFactory()
    feed = feeds.calendar_feed_renew(user=person)
    services.registration_create(event=EventFactory(), user=person)
    starred_session(person, "First")
    with django_assert_max_num_queries(6) as few:
        client.get(feed_url(feed))
    for n in range(4):
        services.registration_create(event=EventFactory(), user=person)
        starred_session(person, f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(feed_url(feed))
    assert len(entries(response)) == 15  # five meetups, five unconferences, five sessions


def test_an_event_in_another_zone_keeps_its_zone_in_the_feed(client, settings):
    person = UserFactory()
    services.registration_create(
        event=EventFactory(title="Berlin Sprint", time_zone="Europe/Berlin"), user=person
    )
    services.registration_create(event=EventFactory(title="Home Meetup"), user=person)
    feed = feeds.calendar_feed_renew(user=person)
    calendar = icalendar.Calendar.from_ical(client.get(feed_url(feed)).content)
    zones = {str(v["summary"]): v["dtstart"].params["TZID"] for v in calendar.walk("VEVENT")}
    assert zones == {"Berlin Sprint": "Europe/Berlin", "Home Meetup": settings.TIME_ZONE}
    assert {str(z["tzid"]) for z in calendar.walk("VTIMEZONE")} == set(zones.values())
