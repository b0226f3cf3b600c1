"""Events as iCalendar (RFC 5545), for "add to calendar" and the subscribable feeds. Times are
given in each event's own zone (its VTIMEZONE included), which calendar apps convert."""

from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from events import zones
from events.models import Event, Registration
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


def _vevent(event: Event, *, absolute_url, stamp, summary: str = "") -> icalendar.Event:
    zone = zones.event_zone(event)
    url = absolute_url(event.get_absolute_url())
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", summary or event.title)
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
    """A VCALENDAR with one VEVENT per event, times in each event's zone (VTIMEZONEs included).

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


def _session_vevent(session, *, absolute_url, stamp) -> icalendar.Event:
    """One scheduled session; the room (and the event's venue) as LOCATION."""
    proposal = session.proposal
    zone = zones.event_zone(proposal.event)
    url = absolute_url(proposal.get_absolute_url())
    hosts = [proposal.proposer, *proposal.co_hosts.all()]
    venue = event_location(proposal.event)
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
    return vevent


def _new_calendar(product: str, name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.HUB_NAME}//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(timezone.get_current_timezone()))
    return calendar


def _add_time_zones(calendar: icalendar.Calendar, first, last) -> None:
    """The zone's rules only for the years the entries span keep the file small."""
    calendar.add_missing_timezones(
        first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
    )


def schedule_calendar_bytes(event: Event, sessions, *, absolute_url, name: str = "") -> bytes:
    """The event's scheduled sessions: one VEVENT each, the room as LOCATION."""
    calendar = _new_calendar("Schedule", f"{event.title}: {name}" if name else event.title)
    stamp = timezone.now()
    for session in sessions:
        session.proposal.event = event
        calendar.add_component(_session_vevent(session, absolute_url=absolute_url, stamp=stamp))
    _add_time_zones(calendar, event.starts_at, event.ends_at)
    return calendar.to_ical()


# A registration without a seat yet is only tentatively in the person's calendar.
TENTATIVE = {
    Registration.Status.WAITLISTED: "On the waitlist",
    Registration.Status.OFFERED: "Seat offered, to confirm",
}


def personal_calendar_bytes(registrations, sessions, *, absolute_url, name: str) -> bytes:
    """A person's own calendar: the events they registered for (waitlist places and open
    offers as TENTATIVE, their state in the title) and the sessions they starred."""
    calendar = _new_calendar("My events", name)
    stamp = timezone.now()
    moments = []
    for registration in registrations:
        event = registration.event
        state = TENTATIVE.get(registration.status)
        vevent = _vevent(
            event,
            absolute_url=absolute_url,
            stamp=stamp,
            summary=f"{event.title} ({state.lower()})" if state else "",
        )
        if state and event.status != Event.Status.CANCELLED:
            vevent.pop("status")
            vevent.add("status", "TENTATIVE")
        calendar.add_component(vevent)
        moments += [event.starts_at, event.ends_at]
    for session in sessions:
        calendar.add_component(_session_vevent(session, absolute_url=absolute_url, stamp=stamp))
        moments += [session.slot.starts_at, session.slot.ends_at]
    if moments:
        _add_time_zones(calendar, min(moments), max(moments))
    return calendar.to_ical()
