"""iCalendar output, checked by parsing it back with the icalendar library."""

from datetime import UTC, timedelta

import icalendar
import pytest
from django.utils import timezone

from events.models import Event
from tests.directory.factories import OrganizationFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_one_event_as_a_valid_vevent(client, settings):
    settings.HUB_SITE_URL = "https://hub.example.org"
    organization = OrganizationFactory(name="Harbor Labs")
    event = EventFactory(
        title="InnerSource Summit",
        summary="Three days of InnerSource.",
        organization=organization,
        venue_name="The Foundery",
        venue_address="101 W Dickman St, Baltimore, MD 21230",
    )
    calendar = parse(client.get(f"/events/{event.slug}/calendar.ics"))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    [vevent] = vevents(calendar)
    assert str(vevent["UID"]) == f"event-{event.pk}@hub.example.org"
    assert vevent["DTSTAMP"].dt.tzinfo is not None
    # iCalendar times have whole seconds.
    assert vevent["DTSTART"].dt == event.starts_at.replace(microsecond=0)
    assert vevent["DTEND"].dt == event.ends_at.replace(microsecond=0)
    assert str(vevent["SUMMARY"]) == "InnerSource Summit"
    assert "Three days of InnerSource." in str(vevent["DESCRIPTION"])
    assert str(vevent["LOCATION"]) == "The Foundery, 101 W Dickman St, Baltimore, MD 21230"
    assert str(vevent["URL"]) == f"http://testserver/events/{event.slug}/"
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_times_carry_the_hubs_time_zone_with_its_definition(client, settings):
    event = EventFactory()
    calendar = parse(client.get(f"/events/{event.slug}/calendar.ics"))
    [vevent] = vevents(calendar)
    assert vevent["DTSTART"].params["TZID"] == settings.TIME_ZONE
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [settings.TIME_ZONE]
    assert vevent["DTSTART"].dt.astimezone(UTC) == event.starts_at.replace(microsecond=0)


def test_the_uid_stays_when_the_title_and_slug_change(client):
    event = EventFactory()
    first = vevents(parse(client.get(f"/events/{event.slug}/calendar.ics")))[0]["UID"]
    Event.objects.filter(pk=event.pk).update(title="Renamed", slug="renamed")
    again = vevents(parse(client.get("/events/renamed/calendar.ics")))[0]["UID"]
    assert first == again


def test_the_online_link_never_goes_into_the_calendar(client):
    event = EventFactory(venue_name="", venue_address="", online_url="https://meet.example.org/x")
    response = client.get(f"/events/{event.slug}/calendar.ics")
    [vevent] = vevents(parse(response))
    assert str(vevent["LOCATION"]) == "Online"
    assert b"meet.example.org" not in response.content


def test_a_cancelled_event_is_status_cancelled(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    [vevent] = vevents(parse(client.get(f"/events/{event.slug}/calendar.ics")))
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_a_draft_has_no_calendar(client, staff_user):
    event = EventFactory(draft=True)
    assert client.get(f"/events/{event.slug}/calendar.ics").status_code == 404
    client.force_login(staff_user)
    assert client.get(f"/events/{event.slug}/calendar.ics").status_code == 404


def test_the_feed_holds_published_cancelled_and_recent_events_but_no_drafts(client):
    now = timezone.now()
    published = EventFactory(title="Published")
    cancelled = EventFactory(title="Called Off", status=Event.Status.CANCELLED)
    recent = EventFactory(
        title="Last Week",
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=2),
    )
    EventFactory(title="Draft", draft=True)
    EventFactory(
        title="Long Ago",
        starts_at=now - timedelta(days=400),
        ends_at=now - timedelta(days=400) + timedelta(hours=2),
    )
    calendar = parse(client.get("/events/calendar.ics"))
    by_title = {str(v["SUMMARY"]): v for v in vevents(calendar)}
    assert set(by_title) == {"Published", "Called Off", "Last Week"}
    assert str(by_title["Called Off"]["STATUS"]) == "CANCELLED"
    assert str(by_title["Published"]["STATUS"]) == "CONFIRMED"
    uids = {str(v["UID"]) for v in by_title.values()}
    assert len(uids) == 3
    for event in (published, cancelled, recent):
        assert str(by_title[event.title]["URL"]).endswith(f"/events/{event.slug}/")
        assert "DTSTAMP" in by_title[event.title]


def test_an_empty_feed_is_still_a_valid_calendar(client):
    calendar = parse(client.get("/events/calendar.ics"))
    assert calendar["VERSION"] == "2.0"
    assert vevents(calendar) == []


def test_the_feed_costs_one_query_however_many_events(client, django_assert_num_queries):
    for n in range(5):
        EventFactory(title=f"Meetup {n}", organization=OrganizationFactory())
    with django_assert_num_queries(1):
        client.get("/events/calendar.ics")


def test_text_with_commas_semicolons_and_newlines_survives(client):
    event = EventFactory(
        title="Tests; commas, and\nnewlines", summary="A, B; C", description="Line 1\nLine 2"
    )
    [vevent] = vevents(parse(client.get(f"/events/{event.slug}/calendar.ics")))
    assert str(vevent["SUMMARY"]) == "Tests; commas, and\nnewlines"
    assert str(vevent["DESCRIPTION"]).startswith("A, B; C\n\nLine 1\nLine 2")


@pytest.mark.parametrize("path", ["/events/calendar.ics", "/events/x/calendar.ics"])
def test_calendar_urls_answer_405_to_post(client, path):
    EventFactory(slug="x")
    assert client.post(path).status_code == 405
