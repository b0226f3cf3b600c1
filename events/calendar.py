"""Events as iCalendar (RFC 5545), for "add to calendar" and the subscribable feed."""

from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from events.models import Event
from events.permissions import public_organizer

CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(event: Event) -> str:
    """Stable for the life of the event, whatever its slug or title becomes."""
    host = urlsplit(settings.HUB_SITE_URL).hostname or "localhost"
    return f"event-{event.pk}@{host}"


def event_location(event: Event) -> str:
    """Venue and address; an online event says so, but its link stays for registered people."""
    place = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    if place:
        return place
    return "Online" if event.online_url else ""


def _vevent(event: Event, *, absolute_url, stamp) -> icalendar.Event:
    zone = timezone.get_current_timezone()
    url = absolute_url(event.get_absolute_url())
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.title)
    # The description is Markdown, which reads well enough as plain text in a calendar.
    text = "\n\n".join(part for part in (event.summary, event.description[:4000], url) if part)
    vevent.add("description", text)
    location = event_location(event)
    if location:
        vevent.add("location", location)
    vevent.add("url", url)
    vevent.add("last-modified", event.updated_at)
    cancelled = event.status == Event.Status.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Only an organization the public sees is named (the feeds are public).
    organizer = public_organizer(event)
    if organizer is not None:
        vevent.add("categories", [event.get_kind_display(), organizer.name])
    else:
        vevent.add("categories", [event.get_kind_display()])
    return vevent


def calendar_bytes(events: Iterable[Event], *, absolute_url, name: str = "") -> bytes:
    """A VCALENDAR with one VEVENT per event, times in the hub's zone (VTIMEZONE included).

    `absolute_url` turns a path into a full URL (such as `request.build_absolute_uri`).
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.HUB_NAME}//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(timezone.get_current_timezone()))
    stamp = timezone.now()
    events = list(events)
    for event in events:
        calendar.add_component(_vevent(event, absolute_url=absolute_url, stamp=stamp))
    if events:
        # The zone's rules only for the years the events span keep the file small.
        first = min(event.starts_at for event in events)
        last = max(event.ends_at for event in events)
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    return calendar.to_ical()


def session_uid(session) -> str:
    """Stable per proposal: a session that moves keeps its UID, so calendars update it."""
    host = urlsplit(settings.HUB_SITE_URL).hostname or "localhost"
    return f"session-{session.proposal_id}@{host}"


def schedule_calendar_bytes(event: Event, sessions, *, absolute_url, name: str = "") -> bytes:
    """The event's scheduled sessions: one VEVENT each, the room as LOCATION."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.HUB_NAME}//Schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{event.title}: {name}" if name else event.title)
    zone = timezone.get_current_timezone()
    calendar.add("x-wr-timezone", str(zone))
    stamp = timezone.now()
    venue = event_location(event)
    for session in sessions:
        proposal = session.proposal
        url = absolute_url(proposal.get_absolute_url())
        hosts = [proposal.proposer, *proposal.co_hosts.all()]
        vevent = icalendar.Event()
        vevent.add("uid", session_uid(session))
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", session.slot.starts_at.astimezone(zone))
        vevent.add("dtend", session.slot.ends_at.astimezone(zone))
        vevent.add("summary", proposal.title)
        hosted = "Hosted by " + ", ".join(p.display_name or "an attendee" for p in hosts)
        text = "\n\n".join(part for part in (hosted, proposal.description[:4000], url) if part)
        vevent.add("description", text)
        vevent.add("location", f"{session.room.name}, {venue}" if venue else session.room.name)
        vevent.add("url", url)
        vevent.add("last-modified", max(session.updated_at, proposal.updated_at))
        vevent.add("categories", [proposal.get_format_display()])
        calendar.add_component(vevent)
    calendar.add_missing_timezones(
        first_date=date(event.starts_at.year - 1, 1, 1),
        last_date=date(event.ends_at.year + 2, 1, 1),
    )
    return calendar.to_ical()
