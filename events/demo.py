"""Demo data for `seed_demo`: the events of a fictional Baltimore and Mid-Atlantic hub.

Every event, venue and attendee is made up; the neighbourhoods are real. Dates are
relative to today, so the demo always has something coming up. `seed_events` writes a
small, hand-written calendar (idempotent: events are matched by slug, and only a new event
gets registrations); `seed_events_scale` adds generated events and registrations in bulk
for benchmarks.
"""

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from directory.models import Organization
from events import services
from events.models import Event, Registration
from hub.models import User

BATCH_SIZE = 1000
K = Event.Kind
MAYA = "maya.okafor@example.org"
LUIS = "luis.ferreira@example.org"
PRIYA = "priya.raman@example.org"
SAM = "sam.whitfield@example.org"
ADA = "ada.nguyen@example.org"

# Extra fictional attendees, so the full workshop has a real queue. They cannot sign in.
ATTENDEES = [
    ("tomas.brennan@example.org", "Tomás Brennan"),
    ("keisha.dorsey@example.org", "Keisha Dorsey"),
    ("wen.li@example.org", "Wen Li"),
    ("grace.mensah@example.org", "Grace Mensah"),
    ("daniel.kowalski@example.org", "Daniel Kowalski"),
    ("amara.bello@example.org", "Amara Bello"),
]

# --- Dates ----------------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """`day` at `hour`:`minute` in the hub's time zone."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (Monday is 0) of a month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _next_months(today: date, count: int):
    year, month = today.year, today.month
    for _ in range(count):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _upcoming_monthly(today: date, weekday: int, n: int, count: int = 2) -> list[date]:
    """The next `count` n-th weekdays of the month, from tomorrow on."""
    days = [_nth_weekday(year, month, weekday, n) for year, month in _next_months(today, count + 1)]
    return [day for day in days if day > today][:count]


def _next_september_17(today: date) -> date:
    """The summit's first day: September 17, at least two weeks away."""
    day = date(today.year, 9, 17)
    return day if day - today >= timedelta(days=14) else date(today.year + 1, 9, 17)


# --- The calendar --------------------------------------------------------------------------


def _event(slug, title, kind, summary, description, *, organization, organizers, **extra):
    return {
        "slug": slug,
        "title": title,
        "kind": kind,
        "summary": summary,
        "description": description.strip(),
        "organization": organization,
        "organizers": organizers,
        "status": Event.Status.PUBLISHED,
        **extra,
    }


MEETUPS = [
    # (slug prefix, title, organization, weekday, n-th, hour, venue, address, summary, text)
    (
        "harborside-python-night",
        "Harborside Python Night",
        "harborside-pythonistas",
        1,
        2,
        18,
        "The Cross Street Loft",
        "1040 S Charles St, Federal Hill, Baltimore, MD 21230",
        "Two talks, lightning talks and a project night for Python people in Federal Hill.",
        """
Python people of every level, from first scripts to production services. Two talks,
then lightning talks (sign up at the door), then a project night where maintainers of
local projects pitch what help they need.

Pizza from around the corner; vegetarian and vegan options on the table.
""",
    ),
    (
        "station-north-civic-hack-night",
        "Station North Civic Hack Night",
        "station-north-civic-hack-night",
        2,
        1,
        18,
        "Greenmount Print Shop Annex",
        "1700 Greenmount Ave, Station North, Baltimore, MD 21202",
        "Neighbours with a problem, people who can code, and a room with pizza.",
        """
Bring a problem from your block, your school or your agency. We split into small
tables: **stoopkit** translations, **docket** alerts for the city council, and whatever
walks in the door. No experience needed; laptops to borrow.
""",
    ),
    (
        "canton-gis-meetup",
        "Canton Maps and GIS Meetup",
        "patapsco-spatial-lab",
        3,
        3,
        18,
        "Boatyard Room at Tindeco Wharf Commons",
        "2809 Boston St, Canton, Baltimore, MD 21224",
        "Open maps of the harbour, the alleys and the Bay, with the people who make them.",
        """
A monthly evening of maps: a short talk, then show-and-tell. This season we are
drawing the flood-prone alleys of Canton and Highlandtown for **baymap**, and we
need people who can walk, photograph and tag.
""",
    ),
]


def calendar(today: date) -> list[dict]:
    """The hand-written events, dated from `today` (in the hub's time zone)."""
    summit = _next_september_17(today)
    unconference = today + timedelta(days=(5 - today.weekday()) % 7 + 35)  # a Saturday
    workshop = today + timedelta(days=(5 - today.weekday()) % 7 + 14)  # a Saturday
    hackathon = today + timedelta(days=(5 - today.weekday()) % 7 + 70)  # a weekend
    office_hours = today + timedelta(days=(3 - today.weekday()) % 7 + 7)  # a Thursday
    cancelled = today + timedelta(days=(1 - today.weekday()) % 7 + 21)  # a Tuesday
    past = today - timedelta(days=(today.weekday() - 3) % 7 + 21)  # a Thursday
    draft = today + timedelta(days=(5 - today.weekday()) % 7 + 49)
    events = [
        _event(
            f"innersource-fall-summit-baltimore-{summit.year}",
            f"InnerSource Fall Summit Baltimore {summit.year}",
            K.SUMMIT,
            "Three days on bringing open source practice inside companies, agencies and "
            "hospitals, and on what that means for the region.",
            """
The InnerSource community comes to Baltimore for three days of talks, workshops and
hallway conversations on the Inner Harbor.

InnerSource is the application of open source methods behind the firewall: shared
code, open review, trusted committers. It is also the bridge that brings the region's
banks, hospitals, utilities and agencies into open source itself.

- **Day 1:** keynotes and the state of InnerSource in the Mid-Atlantic
- **Day 2:** tracks on metrics, governance and the trusted committer role
- **Day 3:** an open space and a contribution day with the region's maintainers

Hosted by the Mid-Atlantic InnerSource Circle with the Open Stoop Foundation.
""",
            organization="mid-atlantic-innersource-circle",
            organizers=[MAYA, LUIS],
            starts_at=_at(summit, 9),
            ends_at=_at(summit + timedelta(days=2), 17),
            venue_name="Pier Five Conference Hall",
            venue_address="711 Eastern Ave, Harbor East, Baltimore, MD 21202",
            capacity=300,
            registration_closes_at=_at(summit - timedelta(days=3), 23, 59),
            ask_dietary=True,
            questions=["Which track interests you most?"],
            registrants=[PRIYA, SAM, ADA, "tomas.brennan@example.org", "wen.li@example.org"],
        ),
        _event(
            f"open-cities-unconference-{unconference:%Y-%m}",
            "Open Cities Unconference",
            K.UNCONFERENCE,
            "A day with no agenda until the morning: the people in the room propose the "
            "sessions, and the room votes.",
            """
What would an open source chamber of commerce for Baltimore look like? How do
eighteen thousand municipalities stop buying the same software eighteen thousand
times? Come with a question; leave with people to work on it.

Sessions are proposed ahead of time and on the day, then voted onto the grid: see the
session proposals and the schedule on this page.
""",
            organization="open-stoop-foundation",
            organizers=[MAYA, SAM],
            starts_at=_at(unconference, 9, 30),
            ends_at=_at(unconference, 17),
            venue_name="Charles Street Commons Hall",
            venue_address="1800 N Charles St, Station North, Baltimore, MD 21201",
            capacity=80,
            ask_dietary=True,
            questions=["What would you like to talk about?"],
            registrants=[LUIS, PRIYA, ADA, "keisha.dorsey@example.org"],
        ),
        _event(
            f"first-upstream-pull-request-workshop-{workshop:%Y-%m-%d}",
            "Workshop: Your First Upstream Pull Request",
            K.WORKSHOP,
            "Three hours, one real pull request to a project a Baltimore neighbour maintains.",
            """
Fork, branch, fix, test, open the pull request, answer the review. Mentors from the
Rowhouse Code Collective sit with every table. Bring a laptop with git installed; we
help with the rest.

Seats are few so that every table has a mentor. **This workshop is full**: join the
waitlist and you move up as soon as someone cancels.
""",
            organization="rowhouse-code-collective",
            organizers=[MAYA],
            starts_at=_at(workshop, 10),
            ends_at=_at(workshop, 13),
            venue_name="Mill No. 3 Classroom",
            venue_address="3300 Clipper Mill Rd, Hampden, Baltimore, MD 21211",
            capacity=6,
            # The first six take the seats; the rest queue in this order.
            registrants=[
                LUIS,
                ADA,
                "grace.mensah@example.org",
                "daniel.kowalski@example.org",
                "amara.bello@example.org",
                "wen.li@example.org",
                PRIYA,
                SAM,
                "keisha.dorsey@example.org",
            ],  # fmt: skip
        ),
        _event(
            f"chesapeake-open-data-hackathon-{hackathon.year}",
            "Chesapeake Open Data Hackathon",
            K.HACKATHON,
            "A weekend of building with the Bay's open data: buoys, budgets and bus feeds.",
            """
Forty-eight hours, a warehouse on the water, and the region's open datasets. Teams
form on Friday evening; demos are Sunday afternoon, judged by the people who publish
the data.

Registration opens in a couple of weeks, once the datasets and mentors are confirmed.
""",
            organization="chesapeake-open-data-alliance",
            organizers=[LUIS],
            starts_at=_at(hackathon - timedelta(days=1), 18),
            ends_at=_at(hackathon + timedelta(days=1), 17),
            venue_name="Tide Shed Warehouse",
            venue_address="1500 E Fort Ave, Locust Point, Baltimore, MD 21230",
            capacity=120,
            registration_opens_at=_at(today + timedelta(days=14), 10),
            ask_dietary=True,
        ),
        _event(
            f"innersource-office-hours-online-{office_hours:%Y-%m-%d}",
            "InnerSource Office Hours (online)",
            K.MEETUP,
            "An hour online with practitioners: bring your InnerSource question.",
            """
Starting an InnerSource program, or stuck halfway? Practitioners from the Mid-Atlantic
InnerSource Circle answer questions for an hour. The link to the call is sent to
everyone who registers.
""",
            organization="mid-atlantic-innersource-circle",
            organizers=[MAYA],
            starts_at=_at(office_hours, 12),
            ends_at=_at(office_hours, 13),
            online_url="https://meet.example.org/innersource-office-hours",
            capacity=None,
            registrants=[PRIYA, "grace.mensah@example.org"],
        ),
        _event(
            f"rust-async-reading-night-{cancelled:%Y-%m-%d}",
            "Rust on the Waterfront: Async Reading Night",
            K.MEETUP,
            "We read the async chapter together. Cancelled: the room is flooded.",
            """
A reading night on async Rust, chapter by chapter, with the **crabpot** maintainers.

*Cancelled:* the room on Thames Street is being repaired after a storm. We will
announce a new date here.
""",
            organization="rust-on-the-waterfront",
            organizers=[LUIS],
            starts_at=_at(cancelled, 18, 30),
            ends_at=_at(cancelled, 21),
            venue_name="Thames Street Reading Room",
            venue_address="1600 Thames St, Fells Point, Baltimore, MD 21231",
            capacity=30,
            cancel=True,
        ),
        _event(
            f"harborside-lightning-talks-{past:%Y-%m-%d}",
            "Harborside Pythonistas: Lightning Talks",
            K.MEETUP,
            "Twelve five-minute talks, from packaging to pierogi delivery routes.",
            """
Twelve lightning talks by first-time speakers. Slides are linked from the group's
page; thanks to everyone who came.
""",
            organization="harborside-pythonistas",
            organizers=[MAYA],
            starts_at=_at(past, 18),
            ends_at=_at(past, 20, 30),
            venue_name="The Cross Street Loft",
            venue_address="1040 S Charles St, Federal Hill, Baltimore, MD 21230",
            capacity=60,
            attended=[LUIS, PRIYA, SAM, ADA, "wen.li@example.org"],
        ),
        _event(
            f"accessibility-audit-day-{draft:%Y-%m}",
            "Accessibility Audit Day",
            K.WORKSHOP,
            "A day of testing the city's public websites with the people who depend on them.",
            """
Draft: the venue and the list of sites are not confirmed yet.
""",
            organization="accessible-web-baltimore",
            organizers=[MAYA],
            starts_at=_at(draft, 10),
            ends_at=_at(draft, 16),
            venue_name="Charles Village Community Room",
            venue_address="3100 St Paul St, Charles Village, Baltimore, MD 21218",
            capacity=25,
            status=Event.Status.DRAFT,
        ),
        _event(
            f"open-data-clinic-{draft:%Y-%m}",
            "Open Data Clinic",
            K.WORKSHOP,
            "Bring a public dataset you cannot open, leave with a notebook that can.",
            """
Submitted by a new member organization: it waits for the hub's staff to publish it.
""",
            organization="patapsco-county-open-data-office",
            organizers=[MAYA],
            starts_at=_at(draft, 18),
            ends_at=_at(draft, 20),
            venue_name="Pratt Library Central, Room 210",
            venue_address="400 Cathedral St, Baltimore, MD 21201",
            capacity=30,
            status=Event.Status.REVIEW,
        ),
    ]
    registrants = {
        "harborside-python-night": [PRIYA, ADA, "tomas.brennan@example.org"],
        "station-north-civic-hack-night": [SAM, LUIS, "keisha.dorsey@example.org"],
        "canton-gis-meetup": [ADA, "amara.bello@example.org"],
    }
    for prefix, title, organization, weekday, n, hour, venue, address, summary, text in MEETUPS:
        for day in _upcoming_monthly(today, weekday, n):
            events.append(
                _event(
                    f"{prefix}-{day:%Y-%m}",
                    f"{title} ({day:%B})",
                    K.MEETUP,
                    summary,
                    text,
                    organization=organization,
                    organizers=[MAYA] if prefix.startswith("harborside") else [SAM],
                    starts_at=_at(day, hour, 30),
                    ends_at=_at(day, hour + 3),
                    venue_name=venue,
                    venue_address=address,
                    capacity=50,
                    registrants=registrants[prefix],
                )
            )
    return events


# --- Writing ---------------------------------------------------------------------------------


@dataclass
class EventSeedResult:
    events: int = 0
    registrations: int = 0
    created: list = field(default_factory=list)


def seed_attendees() -> dict[str, User]:
    """The extra fictional attendees (no password: they cannot sign in)."""
    people = {}
    for email, display_name in ATTENDEES:
        person, created = User.objects.get_or_create(
            email=email, defaults={"display_name": display_name}
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        people[email] = person
    return people


def seed_events(people: Iterable[User], organizations: Iterable[Organization]) -> EventSeedResult:
    """The hand-written calendar, with registrations made through the services.

    Idempotent: an event whose slug exists is left alone, and only new events get
    registrations, so re-running adds nothing.
    """
    by_email = {person.email: person for person in people} | seed_attendees()
    by_slug = {organization.slug: organization for organization in organizations}
    staff = next((person for person in by_email.values() if person.is_staff), None)
    today = timezone.localdate()
    result = EventSeedResult()
    rows = calendar(today)
    existing = set(
        Event.objects.filter(slug__in=[r["slug"] for r in rows]).values_list("slug", flat=True)
    )
    # Demo people are fictional: seeding sends them no tickets or notices (notify=False).
    for row in rows:
        if row["slug"] in existing:
            continue
        row = dict(row)
        organizers = [by_email[email] for email in row.pop("organizers") if email in by_email]
        registrants = [by_email[e] for e in row.pop("registrants", []) if e in by_email]
        attended = [by_email[e] for e in row.pop("attended", []) if e in by_email]
        cancel = row.pop("cancel", False)
        row["organization"] = by_slug.get(row["organization"])
        event = Event.objects.create(**row)
        event.organizers.set(organizers)
        for person in registrants:
            services.registration_create(
                event=event,
                user=person,
                dietary_requirements="Vegetarian" if person.email == PRIYA else "",
                answers=_answers(event, person),
                notify=False,
            )
            result.registrations += 1
        # Past events cannot take registrations any more: their attendance is history.
        Registration.objects.bulk_create(
            [
                Registration(
                    event=event,
                    user=person,
                    status=Registration.Status.CHECKED_IN,
                    created_at=event.starts_at - timedelta(days=10),
                    confirmed_at=event.starts_at - timedelta(days=10),
                    checked_in_at=event.starts_at + timedelta(minutes=10),
                    checked_in_by=organizers[0] if organizers else None,
                )
                for person in attended
            ]
        )
        result.registrations += len(attended)
        if cancel and staff is not None:
            services.event_cancel(
                event=event, actor=staff, reason="The room is flooded.", notify=False
            )
        elif cancel:
            event.status, event.cancelled_at = Event.Status.CANCELLED, timezone.now()
            event.save(update_fields=["status", "cancelled_at", "updated_at"])
        result.created.append(event)
    result.events = Event.objects.filter(slug__in=[r["slug"] for r in rows]).count()
    return result


def _answers(event: Event, person: User) -> dict:
    if not event.questions:
        return {}
    replies = {
        LUIS: "Trusted committers, and how to pay them",
        PRIYA: "Metrics that do not turn into targets",
        ADA: "Procurement: how cities can share what they buy",
    }
    reply = replies.get(person.email)
    return {event.questions[0]: reply} if reply else {}


# --- Scale ----------------------------------------------------------------------------------

SCALE_TOPICS = [
    "Python", "Django", "Rust", "Kubernetes", "GIS", "open data", "accessibility",
    "InnerSource", "security", "PostgreSQL", "civic tech", "machine learning",
]  # fmt: skip
SCALE_FORMATS = {
    K.MEETUP: ["Night", "Meetup", "Project Night", "Lightning Talks"],
    K.WORKSHOP: ["Workshop", "Hands-on Lab", "Bootcamp"],
    K.HACKATHON: ["Hackathon", "Hack Weekend"],
    K.UNCONFERENCE: ["Unconference", "Open Space"],
    K.SUMMIT: ["Summit", "Day"],
}
SCALE_KIND_WEIGHTS = [
    (K.MEETUP, 60), (K.WORKSHOP, 20), (K.HACKATHON, 8), (K.UNCONFERENCE, 7), (K.SUMMIT, 5),
]  # fmt: skip
SCALE_PLACES = [
    ("Federal Hill", "Cross Street"), ("Fells Point", "Thames Street"), ("Hampden", "The Avenue"),
    ("Station North", "North Avenue"), ("Canton", "Boston Street"), ("Remington", "Howard Street"),
    ("Mount Vernon", "Charles Street"), ("Harbor East", "Eastern Avenue"),
]  # fmt: skip
SCALE_CAPACITIES = [20, 30, 40, 60, 80, 120, 200, None]


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def generate_events(rng: random.Random, count: int, now: datetime) -> list[Event]:
    """`count` events (not saved), from `rng` alone: most upcoming, some past."""
    events = []
    for index in range(1, count + 1):
        kind = _weighted(rng, SCALE_KIND_WEIGHTS)
        topic = rng.choice(SCALE_TOPICS)
        neighbourhood, street = rng.choice(SCALE_PLACES)
        title = f"{neighbourhood} {topic} {rng.choice(SCALE_FORMATS[kind])}"
        days = rng.randint(-60, 240)
        starts_at = (now + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        hours = {K.SUMMIT: 30, K.HACKATHON: 44, K.UNCONFERENCE: 8, K.WORKSHOP: 3}.get(kind, 3)
        roll = rng.random()
        status = (
            Event.Status.DRAFT
            if roll < 0.03
            else Event.Status.CANCELLED
            if roll < 0.06
            else Event.Status.PUBLISHED
        )
        events.append(
            Event(
                title=title,
                slug=f"scale-event-{index}",
                kind=kind,
                summary=f"A {kind} on {topic} in {neighbourhood}, Baltimore.",
                description=f"Talks and hands-on time on **{topic}**, on {street}.",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                venue_name=f"{street} Community Room",
                venue_address=f"{rng.randint(100, 3999)} {street}, {neighbourhood}, Baltimore, MD",
                capacity=rng.choice(SCALE_CAPACITIES),
                status=status,
                cancelled_at=now if status == Event.Status.CANCELLED else None,
                created_at=now - timedelta(days=rng.randint(1, 120)),
            )
        )
    return events


def _scale_attendees(count: int) -> list[int]:
    """Ids of `count` fictional attendees (created once, in bulk; they cannot sign in)."""
    emails = [f"scale-attendee-{index}@example.org" for index in range(1, count + 1)]
    existing = set()
    for start in range(0, count, BATCH_SIZE):
        existing.update(
            User.objects.filter(email__in=emails[start : start + BATCH_SIZE]).values_list(
                "email", flat=True
            )
        )
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(email=email, display_name=f"Attendee {index}", password=unusable)
            for index, email in enumerate(emails, start=1)
            if email not in existing
        ],
        batch_size=BATCH_SIZE,
    )
    ids = {}
    for start in range(0, count, BATCH_SIZE):
        ids.update(
            User.objects.filter(email__in=emails[start : start + BATCH_SIZE]).values_list(
                "email", "id"
            )
        )
    return [ids[email] for email in emails]


def _registrations_for(
    rng: random.Random, event: Event, user_ids: list[int], wanted: int, now: datetime
) -> list[Registration]:
    """`wanted` registrations: seats up to capacity in order, then waitlist 1..k."""
    rows = []
    position = 0
    for order, user_id in enumerate(rng.sample(user_ids, min(wanted, len(user_ids)))):
        created_at = min(event.created_at + timedelta(minutes=order * 7), now)
        registration = Registration(event_id=event.pk, user_id=user_id, created_at=created_at)
        if event.capacity is None or order < event.capacity:
            past = event.starts_at < now
            registration.status = (
                Registration.Status.CHECKED_IN
                if past and rng.random() < 0.8
                else Registration.Status.CONFIRMED
            )
            registration.confirmed_at = created_at
            if registration.status == Registration.Status.CHECKED_IN:
                registration.checked_in_at = event.starts_at
        else:
            position += 1
            registration.status = Registration.Status.WAITLISTED
            registration.waitlist_position = position
        rows.append(registration)
    return rows


def seed_events_scale(*, scale: int, seed: int, write=print) -> dict[str, int]:
    """About scale x 20 events and scale x 1,000 registrations, deterministic for `seed`.

    Seats are never overbooked: an event's registrations are confirmed up to its capacity
    and the rest wait in order (positions 1..k). Events whose slug exists are skipped, and
    so are their registrations, so re-running with the same arguments adds nothing.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    now = timezone.now()
    counts = {}

    def timed(label: str, started: float, count: int) -> None:
        write(f"  {label}: {count:,} in {time.monotonic() - started:.2f} s")

    started = time.monotonic()
    events = generate_events(rng, scale * 20, now)
    existing = set(
        Event.objects.filter(slug__in=[event.slug for event in events]).values_list(
            "slug", flat=True
        )
    )
    new = [event for event in events if event.slug not in existing]
    Event.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if new and new[0].pk is None:
        ids = dict(
            Event.objects.filter(slug__in=[event.slug for event in new]).values_list("slug", "id")
        )
        for event in new:
            event.pk = ids[event.slug]
    counts["events"] = len(new)
    timed("events", started, len(new))

    started = time.monotonic()
    user_ids = _scale_attendees(scale * 100 + 100)
    counts["attendees"] = len(user_ids)
    timed("attendees", started, len(user_ids))

    started = time.monotonic()
    open_events = [event for event in new if event.status != Event.Status.DRAFT]
    total = scale * 1000
    weights = [rng.uniform(0.3, 1.7) for _ in open_events]
    weight_sum = sum(weights)
    registrations = []
    # Cumulative rounding: the shares add up to exactly `total`.
    share, given = 0.0, 0
    for event, weight in zip(open_events, weights, strict=True):
        share += total * weight / weight_sum
        wanted, given = round(share) - given, round(share)
        registrations.extend(_registrations_for(rng, event, user_ids, wanted, now))
    Registration.objects.bulk_create(registrations, batch_size=BATCH_SIZE)
    counts["registrations"] = len(registrations)
    timed("registrations", started, len(registrations))
    return counts
