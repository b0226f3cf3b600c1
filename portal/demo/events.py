"""The calendar's demo file (events/demo/events.yaml), loaded through the events' services."""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F

from directory.models import Organization
from events import services
from events.models import Event, Registration, ScheduledSession
from events.program import services as program
from hub.audit import audit_record
from portal.demo.base import DemoError, People, entry, people_without_login
from portal.demo.dates import moment

EVENT_FIELDS = {
    # demo file key: Event field
    "title": "title",
    "kind": "kind",
    "summary": "summary",
    "description": "description",
    "venue": "venue_name",
    "address": "venue_address",
    "online": "online_url",
    "capacity": "capacity",
    "ask_dietary": "ask_dietary",
    "questions": "questions",
}
# When the past event's people registered, and were checked in, counted from its start.
REGISTERED_BEFORE = timedelta(days=10)
CHECKED_IN_AFTER = timedelta(minutes=10)


@dataclass
class EventsResult:
    events: int = 0
    registrations: int = 0
    created: list = field(default_factory=list)
    programme: dict = field(default_factory=dict)


def load_events(data: dict, *, people: People, now: datetime) -> EventsResult:
    """The calendar; an event whose slug exists is left alone (its registrations too)."""
    people.update(people_without_login(data.get("attendees", [])))
    answers = data.get("when_registering", {})
    result = EventsResult()
    slugs = []
    for row in data["events"]:
        starts = moment(row["starts"], now=now)
        slug = row["slug"].format(starts=starts)
        slugs.append(slug)
        if not Event.objects.filter(slug=slug).exists():
            with entry(f"Event {slug!r}"):
                event = _event(row, slug, starts, people, answers, now, result)
            result.created.append(event)
        if "programme" in row:
            with entry(f"Programme of {slug!r}"):
                result.programme = _programme(
                    Event.objects.get(slug=slug), row["programme"], people
                )
    result.events = Event.objects.filter(slug__in=slugs).count()
    return result


def _event(row, slug, starts, people, answers, now, result) -> Event:
    ends = moment(row["ends"], now=now, starts=starts)
    # A past event (no service makes one): it is made, registered for and checked in while
    # still ahead, whole weeks later, then only its times and timestamps move back.
    past = starts <= now
    ahead = timedelta(weeks=math.ceil((now - starts) / timedelta(weeks=1)) + 1 if past else 0)
    event = _staff_create(row, slug, starts + ahead, ends + ahead, people, now)
    for email in row.get("registrants", []) + row.get("attended", []):
        said = answers.get(email, {})
        services.registration_create(
            event=event,
            user=people[email],
            dietary_requirements=said.get("dietary", ""),
            answers={event.questions[0]: said["answer"]}
            if event.questions and "answer" in said
            else {},
            notify=False,
        )
        result.registrations += 1
    organizer = event.organizers.order_by("pk").first()
    for registration in event.registrations.filter(user__email__in=row.get("attended", [])):
        services.registration_check_in(
            event=event, actor=organizer, ticket_code=registration.ticket_code
        )
    if past:
        Event.objects.filter(pk=event.pk).update(
            starts_at=F("starts_at") - ahead, ends_at=F("ends_at") - ahead
        )
        registered = starts - REGISTERED_BEFORE
        event.registrations.update(created_at=registered, confirmed_at=registered)
        event.registrations.filter(status=Registration.Status.CHECKED_IN).update(
            checked_in_at=starts + CHECKED_IN_AFTER
        )
    if "cancelled" in row:
        services.event_cancel(
            event=event, actor=people.staff, reason=row["cancelled"], notify=False
        )
    return event


def _staff_create(row, slug, starts, ends, people, now) -> Event:
    """The event as staff create it in the admin: validated, audited, with its organizers."""
    organization = Organization.objects.filter(slug=row["organization"]).first()
    if organization is None:
        raise DemoError(f"Event {slug!r}: unknown organization {row['organization']!r}.")
    event = Event(
        slug=slug,
        status=row.get("status", Event.Status.PUBLISHED),
        starts_at=starts,
        ends_at=ends,
        organization=organization,
        **{name: row[key] for key, name in EVENT_FIELDS.items() if key in row},
    )
    event.title = event.title.format(starts=starts)
    event.description = event.description.strip()
    for key in ("registration_opens", "registration_closes"):
        if key in row:
            setattr(event, f"{key}_at", moment(row[key], now=now, starts=starts))
    event.full_clean()
    services.event_check_times(event)
    event.save()
    event.organizers.set([people[email] for email in row["organizers"]])
    audit_record(actor=people.staff, action="event.staff_create", target=event)
    return event


def _programme(event: Event, data: dict, people: People) -> dict[str, int]:
    """Rooms, slots, proposals with votes and a published grid, made by the first organizer;
    an event that has rooms already is left alone."""
    if event.rooms.exists():
        return {}
    organizer = event.organizers.order_by("pk").first()
    proposals = data["proposals"]
    # Everyone who takes part holds a seat (and gets no e-mail).
    taking_part = {row["by"] for row in proposals}
    for row in proposals:
        taking_part.update(row.get("co_hosts", []), row.get("votes", []))
    for email in sorted(taking_part):
        services.registration_create(event=event, user=people[email], notify=False)
    event = program.board_set_open(event=event, actor=organizer, is_open=True)
    for room in data["rooms"]:
        program.room_save(
            event=event,
            actor=organizer,
            data={
                "name": room["name"],
                "capacity": room["capacity"],
                "accessibility_notes": room.get("accessibility", ""),
            },
        )
    length = timedelta(minutes=data["slot_minutes"])
    for text in data["slots"]:
        starts = moment(text, now=event.starts_at, starts=event.starts_at)
        program.slot_save(event=event, actor=organizer, starts_at=starts, ends_at=starts + length)
    votes = 0
    for row in proposals:
        proposal = program.proposal_create(
            event=event,
            actor=people[row["by"]],
            title=row["title"],
            description=row["description"].strip(),
            format=row["format"],
            duration_minutes=row["minutes"],
            tags=row.get("tags", ""),
            co_hosts=[people[email] for email in row.get("co_hosts", [])],
        )
        for email in row.get("votes", []):
            program.vote_cast(proposal=proposal, user=people[email])
            votes += 1
    program.schedule_propose_grid(event=event, actor=organizer)
    program.schedule_publish(event=event, actor=organizer, published=True)
    return {
        "proposals": len(proposals),
        "votes": votes,
        "sessions": ScheduledSession.objects.filter(slot__event=event).count(),
    }
