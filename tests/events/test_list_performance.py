"""/events/ and the events API count seats with a correlated subquery: only the events of
the page are counted, and the counts stay right whatever the registrations' statuses."""

import pytest
from django.test import Client

from events.filters import EventFilter
from events.models import Event, Registration
from events.queries import event_list, public_events
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_registrations(event, **counts):
    position = 0
    for status, n in counts.items():
        for _ in range(n):
            waitlisted = status == Registration.Status.WAITLISTED
            position += waitlisted
            Registration.objects.create(
                event=event,
                user=UserFactory(),
                status=status,
                waitlist_position=position if waitlisted else None,
            )


@pytest.fixture
def events():
    busy = EventFactory(title="Busy", capacity=5)
    add_registrations(busy, confirmed=2, checked_in=1, waitlisted=2, cancelled=3)
    full = EventFactory(title="Full", capacity=2)
    add_registrations(full, confirmed=2, waitlisted=1)
    empty = EventFactory(title="Empty", capacity=4)
    add_registrations(empty, cancelled=2)
    return {"busy": busy, "full": full, "empty": empty}


def test_seats_taken_counts_only_seat_holding_registrations(events):
    taken = {
        event.title: event.seats_taken
        for event in event_list(EventFilter.for_page({}, public_events()))
    }
    assert taken == {"Busy": 3, "Full": 2, "Empty": 0}


def test_the_list_query_does_not_group_every_registration(events):
    queryset = event_list(EventFilter.for_page({}, public_events()))
    assert queryset.query.group_by is None  # no GROUP BY over events × registrations
    sql = str(queryset.query).upper()
    assert 'JOIN "EVENTS_REGISTRATION"' not in sql  # counted in a correlated subquery


def test_the_page_and_the_api_show_the_same_seats(client: Client, events):
    html = client.get("/events/").content.decode()
    assert "2 seats left" in html  # Busy: 5 - 3
    assert "4 seats left" in html  # Empty
    assert "Waitlist open" in html  # Full
    body = client.get("/api/v1/events/").json()
    taken = {row["title"]: (row["seats_taken"], row["seats_left"]) for row in body["results"]}
    assert taken == {"Busy": (3, 2), "Full": (2, 0), "Empty": (0, 4)}
    one = client.get(f"/api/v1/events/{events['busy'].slug}/").json()
    assert (one["seats_taken"], one["seats_left"]) == (3, 2)


def test_drafts_stay_out_and_paging_keeps_the_counts(client: Client):
    EventFactory(title="Secret Draft", draft=True)
    for n in range(23):
        event = EventFactory(title=f"Meetup number {n:02d}", capacity=10)
        add_registrations(event, confirmed=n % 3)
    first = client.get("/events/").content.decode()
    second = client.get("/events/?page=2").content.decode()
    assert "Secret Draft" not in first + second
    assert first.count("seats left") + second.count("seats left") == 23
    assert Event.objects.count() == 24
