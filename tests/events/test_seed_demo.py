"""The demo calendar: every kind and state an organizer meets, made through the services,
safe to re-run; and `--scale` adds events and registrations in bulk without overbooking."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from events.models import Event, Registration
from hub.models import User

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "organizers": Event.organizers.through.objects.count(),
        "users": User.objects.count(),
    }


def assert_never_overbooked():
    """Confirmed (and checked-in) people never exceed capacity; the waitlist is 1..k."""
    seats = Q(registrations__status__in=Registration.SEAT_HOLDING)
    waiting = Q(registrations__status=Registration.Status.WAITLISTED)
    rows = Event.objects.annotate(
        taken=Count("registrations", filter=seats),
        waiting=Count("registrations", filter=waiting),
        first=Min("registrations__waitlist_position", filter=waiting),
        last=Max("registrations__waitlist_position", filter=waiting),
        positions=Count("registrations__waitlist_position", filter=waiting, distinct=True),
    ).values("slug", "capacity", "taken", "waiting", "first", "last", "positions")
    for row in rows:
        if row["capacity"] is not None:
            assert row["taken"] <= row["capacity"], row
        if row["waiting"]:
            assert row["capacity"] is not None and row["taken"] == row["capacity"], row
            assert (row["first"], row["last"], row["positions"]) == (
                1,
                row["waiting"],
                row["waiting"],
            ), row


def test_seed_demo_events_are_idempotent():
    output = seed()
    assert "Events:" in output
    assert "Directory:" in output
    first = counts()
    tickets = set(Registration.objects.values_list("ticket_code", flat=True))
    again = {line.split(":")[0]: line for line in seed().splitlines() if ":" in line}
    assert "(0 new)" in again["Directory"] and "(0 new)" in again["Events"]
    assert counts() == first
    assert set(Registration.objects.values_list("ticket_code", flat=True)) == tickets


def test_seed_demo_covers_every_kind_and_state():
    seed()
    now = timezone.now()
    events = Event.objects.all()

    assert set(events.values_list("kind", flat=True)) == set(Event.Kind.values)
    assert set(events.values_list("status", flat=True)) == set(Event.Status.values)

    summit = events.get(kind=Event.Kind.SUMMIT)
    assert "InnerSource" in summit.title
    assert "Baltimore" in summit.venue_address
    assert summit.capacity == 300
    assert timezone.localtime(summit.starts_at).month == 9
    assert (timezone.localdate(summit.ends_at) - timezone.localdate(summit.starts_at)).days == 2
    assert summit.starts_at > now

    unconference = events.get(kind=Event.Kind.UNCONFERENCE)
    assert "Open Cities" in unconference.title
    assert unconference.capacity == 80

    meetups = events.filter(kind=Event.Kind.MEETUP, status="published", starts_at__gt=now)
    titles = " ".join(meetups.values_list("title", flat=True))
    for topic in ("Python", "Civic", "GIS"):
        assert topic in titles

    workshop = events.get(slug__startswith="first-upstream-pull-request-workshop")
    assert workshop.registrations.holding_seats().count() == workshop.capacity
    waitlist = workshop.registrations.filter(status="waitlisted").order_by("waitlist_position")
    assert list(waitlist.values_list("waitlist_position", flat=True)) == [1, 2, 3]
    assert waitlist.first().user.email == "priya.raman@example.org"

    hackathon = events.get(kind=Event.Kind.HACKATHON)
    assert hackathon.registration_opens_at > now
    assert not hackathon.registrations.exists()

    cancelled = events.get(status=Event.Status.CANCELLED)
    assert cancelled.cancelled_at is not None and cancelled.starts_at > now

    past = events.filter(ends_at__lt=now).get()
    assert past.status == Event.Status.PUBLISHED
    assert past.registrations.filter(status="checked_in").exists()

    assert events.filter(status=Event.Status.DRAFT).count() == 1

    online = events.exclude(online_url="").get()
    assert online.is_online and online.venue_name == ""

    maya = User.objects.get(email="maya.okafor@example.org")
    assert maya.organized_events.count() >= 3
    assert not events.filter(organizers__isnull=True).exists()
    assert not events.filter(organization__isnull=True).exists()
    assert not events.exclude(organization__status="published").exists()

    # Registrations went through the services: tickets, positions and the audit trail.
    assert Registration.objects.filter(status="confirmed").count() >= 20
    assert len(set(Registration.objects.values_list("ticket_code", flat=True))) == (
        Registration.objects.count()
    )
    assert_never_overbooked()
    # Every event is valid as the admin would see it.
    for event in events:
        event.full_clean()


def test_seed_demo_scale_adds_events_and_registrations_without_overbooking():
    seed()
    before = counts()
    output = seed("--scale", "1")
    after = counts()

    assert "Scale: 20 events and 1,000 registrations added" in output
    assert after["events"] - before["events"] == 20
    assert after["registrations"] - before["registrations"] == 1000
    scale_events = Event.objects.filter(slug__startswith="scale-event-")
    assert Registration.objects.filter(event__in=scale_events, status="waitlisted").exists()
    assert not Registration.objects.filter(event__status="draft").exists()
    assert_never_overbooked()

    seed("--scale", "1")
    assert counts() == after


def test_seed_demo_gives_the_unconference_a_published_programme():
    """Rooms, slots, proposals with votes and a published grid; a second run adds nothing."""
    from events.models import ScheduledSession, SessionProposal, Vote

    seed()
    event = Event.objects.get(slug__startswith="open-cities-unconference-")
    assert event.proposals_open and event.schedule_published
    titles = set(event.proposals.values_list("title", flat=True))
    assert "What might an Open Source Chamber of Commerce look like?" in titles
    assert len(titles) >= 8
    placed = ScheduledSession.objects.filter(slot__event=event).count()
    votes = Vote.objects.filter(proposal__event=event).count()
    assert placed >= 5 and votes > 0
    seed()
    assert SessionProposal.objects.filter(event=event).count() == len(titles)
    assert Vote.objects.filter(proposal__event=event).count() == votes
    assert ScheduledSession.objects.filter(slot__event=event).count() == placed
