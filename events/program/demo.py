"""Demo programme for `seed_demo`: rooms, slots, proposals, votes and a published grid for
the Open Cities Unconference, all made through the services (idempotent: an event that
already has rooms is left alone)."""

from datetime import timedelta

from django.utils import timezone

from events import services as event_services
from events.demo import ADA, LUIS, MAYA, PRIYA, SAM
from events.models import Event, ScheduledSession
from events.program import services
from hub.models import User

ROOMS = [
    ("Main Hall", 80, "Step-free entrance from Charles Street; hearing loop."),
    ("Print Room", 30, "Ground floor, step-free."),
    ("Garden Porch", 15, "Outdoors under cover; two steps, a ramp on request."),
]
# (start hour, minute, length in minutes) on the day of the event.
SLOTS = [(10, 0, 50), (11, 0, 50), (13, 30, 50), (14, 30, 50), (15, 30, 50)]
PROPOSALS = [
    # (proposer, title, format, minutes, tags, co-hosts, voters, description)
    (
        SAM,
        "What might an Open Source Chamber of Commerce look like?",
        "discussion",
        50,
        "community, economy",
        [MAYA],
        [
            LUIS,
            PRIYA,
            ADA,
            "keisha.dorsey@example.org",
            "tomas.brennan@example.org",
            "wen.li@example.org",
            "grace.mensah@example.org",
        ],
        """
The region's open source companies, projects and labs are spread over a thousand nooks
and crannies. What would a chamber of commerce for them do? Who would be a member, and
what would membership mean? Could organizations pledge a share of their people's hours
to open source projects, and show how much was given?

Bring your doubts as much as your ideas.
""",
    ),
    (
        ADA,
        "Eighteen thousand cities, one procurement: buying software together",
        "discussion",
        50,
        "procurement, government",
        [],
        [
            SAM,
            LUIS,
            "keisha.dorsey@example.org",
            "daniel.kowalski@example.org",
            "amara.bello@example.org",
        ],
        "Every municipality buys the same software alone. What would it take for Baltimore, "
        "Annapolis and Wilmington to buy, fund and maintain one open source tool together?",
    ),
    (
        LUIS,
        "Trusted committers: who pays them?",
        "talk",
        30,
        "innersource, maintainers",
        [],
        [PRIYA, ADA, "wen.li@example.org", "tomas.brennan@example.org"],
        "Ten minutes on how three local employers fund the people who review InnerSource "
        "contributions, then questions.",
    ),
    (
        PRIYA,
        "Metrics that do not turn into targets",
        "workshop",
        50,
        "metrics, community health",
        [],
        [LUIS, "grace.mensah@example.org", "amara.bello@example.org"],
        "Bring a dashboard you are proud of (or ashamed of). We take it apart together.",
    ),
    (
        "keisha.dorsey@example.org",
        "Ransomware and open source in city halls",
        "discussion",
        50,
        "security, government",
        [],
        [ADA, SAM, "daniel.kowalski@example.org"],
        "What small municipalities can do this year, with the software they already run.",
    ),
    (
        "wen.li@example.org",
        "Birds of a feather: Python in the public sector",
        "bof",
        45,
        "python, government",
        [],
        ["tomas.brennan@example.org", PRIYA],
        "No slides. People who write Python for an agency, a hospital or a school system.",
    ),
    (
        "tomas.brennan@example.org",
        "Your first upstream pull request, live",
        "workshop",
        50,
        "contributing, beginners",
        [LUIS],
        ["amara.bello@example.org"],
        "A maintainer reviews a first pull request on the projector, comments and all.",
    ),
    (
        "grace.mensah@example.org",
        "Open data the neighbours actually use",
        "talk",
        30,
        "open data, civic tech",
        [],
        [],
        "Lessons from three years of publishing alley flooding reports for Canton.",
    ),
]


def _unconference() -> Event | None:
    return (
        Event.objects.filter(slug__startswith="open-cities-unconference-", status="published")
        .order_by("-starts_at")
        .first()
    )


def seed_program(people_by_email: dict[str, User]) -> dict[str, int]:
    """Rooms, slots, proposals with votes and a published grid for the unconference."""
    event = _unconference()
    if event is None or event.rooms.exists():
        return {"proposals": 0, "votes": 0, "sessions": 0}
    organizer = people_by_email.get(MAYA) or event.organizers.first()
    if organizer is None:
        return {"proposals": 0, "votes": 0, "sessions": 0}
    people = dict(people_by_email)
    people |= {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    # Everyone who takes part holds a seat (the demo people get no e-mail).
    for email in {e for row in PROPOSALS for e in [row[0], *row[5], *row[6]]}:
        person = people.get(email)
        if person is not None:
            event_services.registration_create(event=event, user=person, notify=False)
    event = services.board_set_open(event=event, actor=organizer, is_open=True)
    for name, capacity, notes in ROOMS:
        services.room_save(
            event=event,
            actor=organizer,
            data={"name": name, "capacity": capacity, "accessibility_notes": notes},
        )
    day = timezone.localtime(event.starts_at)
    for hour, minute, minutes in SLOTS:
        starts = day.replace(hour=hour, minute=minute, second=0, microsecond=0)
        services.slot_save(
            event=event,
            actor=organizer,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
        )
    votes = 0
    for proposer, title, fmt, minutes, tags, co_hosts, voters, text in PROPOSALS:
        if proposer not in people:
            continue
        proposal = services.proposal_create(
            event=event,
            actor=people[proposer],
            title=title,
            description=text.strip(),
            format=fmt,
            duration_minutes=minutes,
            tags=tags,
            co_hosts=[people[e] for e in co_hosts if e in people],
        )
        for email in voters:
            if email in people:
                services.vote_cast(proposal=proposal, user=people[email])
                votes += 1
    services.schedule_propose_grid(event=event, actor=organizer)
    services.schedule_publish(event=event, actor=organizer, published=True)
    return {
        "proposals": len(PROPOSALS),
        "votes": votes,
        "sessions": ScheduledSession.objects.filter(slot__event=event).count(),
    }
