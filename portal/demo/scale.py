"""Generated rows for benchmarks (`seed_demo --scale N`): factory_boy factories, bulk inserts.

Deterministic for a seed (factory.random is reseeded, sequences restart), and safe to re-run:
rows whose slug or e-mail exists are skipped, and so is everything hanging off them. The
rules hold by construction, as the services would keep them: seats never overbooked and the
waitlist 1..k, logs only by members, inside the pledge, never in the future, never past 24
hours a person a day, never reviewed by their author.
"""

import time
from datetime import datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal

import factory
import factory.fuzzy
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from factory.random import randgen, reseed_random

from directory.models import ListingStatus, Membership, Organization, Project, ProjectRole, Tag
from directory.search import SEARCH_CONFIG
from events.models import Event, Registration
from hub.models import User
from pledges.leaderboards import leaderboards_invalidate
from pledges.models import Contribution, Period, Pledge
from pledges.services import HOURS_PER_DAY

BATCH_SIZE = 2000
K = Organization.Kind
UNUSABLE_PASSWORD = make_password(None)

PLACES = [
    ("Baltimore", "Fells Point"), ("Baltimore", "Hampden"), ("Baltimore", "Station North"),
    ("Baltimore", "Remington"), ("Baltimore", "Mount Vernon"), ("Baltimore", "Canton"),
    ("Baltimore", "Federal Hill"), ("Baltimore", "Harbor East"), ("Baltimore", "Highlandtown"),
    ("Baltimore", "Charles Village"), ("Baltimore", "Waverly"), ("Baltimore", "Pigtown"),
    ("Towson", ""), ("Columbia", "Town Center"), ("Annapolis", "Eastport"),
    ("Wilmington", "Riverfront"), ("Washington, DC", "Navy Yard"), ("Frederick", ""),
]  # fmt: skip
NAME_FIRST = [
    "Harbor", "Chesapeake", "Patapsco", "Severn", "Gunpowder", "Druid", "Clipper", "Tidewater",
    "Rowhouse", "Marble", "Formstone", "Oriole", "Lighthouse", "Heron", "Terrapin", "Beacon",
]  # fmt: skip
NAME_SECOND = ["Data", "Code", "Systems", "Cloud", "Civic", "Signal", "Ledger", "Grid", "Commons"]
NAME_END = {
    K.COMPANY: ["Software", "Labs", "Technologies", "Works", "Analytics", "Cooperative"],
    K.LAB: ["Research Lab", "Computing Lab", "Studio", "Research Group"],
    K.UNIVERSITY: ["College", "Institute", "Graduate School", "Polytechnic"],
    K.NONPROFIT: ["Foundation", "Alliance", "Collective", "Trust", "Project"],
    K.GOVERNMENT: ["Digital Service", "Open Data Office", "Technology Office", "Library Lab"],
    K.COMMUNITY: ["Meetup", "User Group", "Hack Night", "Circle", "Guild"],
}
KIND_WEIGHTS = {K.COMPANY: 40, K.LAB: 10, K.UNIVERSITY: 5, K.NONPROFIT: 20, K.GOVERNMENT: 8,
                K.COMMUNITY: 17}  # fmt: skip
WORK = [
    "maintains open source tools for city services",
    "publishes its data pipelines and the code behind them",
    "runs an InnerSource program across its engineering teams",
    "contributes upstream to the libraries it depends on",
    "teaches newcomers to make their first pull request",
    "builds accessible software for public websites",
]
PROJECT_FIRST = ["tide", "bay", "stoop", "harbor", "row", "crab", "pier", "civic", "geo", "grid"]
PROJECT_SECOND = ["kit", "map", "sync", "flow", "ledger", "forms", "guard", "watch", "desk", "dock"]
LICENSE_WEIGHTS = {"MIT": 30, "Apache-2.0": 25, "GPL-3.0-only": 8, "AGPL-3.0-only": 8,
                   "MPL-2.0": 6, "BSD-3-Clause": 10, "ISC": 3}  # fmt: skip
HELP_LABELS = {value: label.lower() for value, label in Project.HelpWanted.choices}
TOPICS = ["Python", "Rust", "Kubernetes", "GIS", "open data", "accessibility", "InnerSource"]
EVENT_KIND_WEIGHTS = {Event.Kind.MEETUP: 60, Event.Kind.WORKSHOP: 20, Event.Kind.HACKATHON: 8,
                      Event.Kind.UNCONFERENCE: 7, Event.Kind.SUMMIT: 5}  # fmt: skip
EVENT_HOURS = {Event.Kind.SUMMIT: 30, Event.Kind.HACKATHON: 44, Event.Kind.UNCONFERENCE: 8}
CAPACITIES = [20, 30, 40, 60, 80, 120, 200, None]
PLEDGE_TEAM = 10  # people per generated pledge: an owner, an admin, members
LOGS_PER_PLEDGE = 200
PENDING_DAYS = 14
DESCRIPTIONS = [
    "Reviewed pull requests and triaged new issues.",
    "Fixed a bug in the importer and added a regression test.",
    "Wrote the missing section of the installation guide.",
]


def weighted(weights: dict):
    return randgen.choices(list(weights), weights=list(weights.values()))[0]


def some_time_ago(days: int) -> datetime:
    return timezone.now() - timedelta(minutes=randgen.randint(60, 60 * 24 * days))


# --- Factories ------------------------------------------------------------------------------


class PublishedListingFactory(factory.django.DjangoModelFactory):
    """A listing staff published when it was made, some time in the last 900 days."""

    class Meta:
        abstract = True

    status = ListingStatus.PUBLISHED
    created_at = factory.LazyFunction(lambda: some_time_ago(900))
    published_at = factory.SelfAttribute("created_at")


class OrganizationFactory(PublishedListingFactory):
    class Meta:
        model = Organization

    class Params:
        place = factory.LazyFunction(lambda: randgen.choice(PLACES))

    kind = factory.LazyFunction(lambda: weighted(KIND_WEIGHTS))
    name = factory.LazyAttribute(
        lambda o: " ".join(
            randgen.choice(words) for words in (NAME_FIRST, NAME_SECOND, NAME_END[o.kind])
        )
    )
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)}-{n}")
    city = factory.LazyAttribute(lambda o: o.place[0])
    neighbourhood = factory.LazyAttribute(lambda o: o.place[1])
    size_band = factory.fuzzy.FuzzyChoice(Organization.SizeBand.values)
    website = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.com/")
    description = factory.LazyAttribute(
        lambda o: (
            f"{o.name} is based in {o.neighbourhood or o.city}. It "
            + ", and it ".join(randgen.sample(WORK, 2))
            + f".\n\n- Open source since {randgen.randint(1998, 2024)}"
        )
    )
    innersource = factory.LazyFunction(lambda: randgen.random() < 0.2)
    featured = factory.LazyFunction(lambda: randgen.random() < 0.02)
    verified = factory.LazyFunction(lambda: randgen.random() < 0.3)


class ProjectFactory(PublishedListingFactory):
    class Meta:
        model = Project

    class Params:
        maintainer = "hub"  # the maintaining organization's slug, for the repository address

    name = factory.LazyFunction(
        lambda: randgen.choice(PROJECT_FIRST) + randgen.choice(PROJECT_SECOND)
    )
    slug = factory.LazyAttributeSequence(lambda o, n: f"{o.name}-{n}")
    license = factory.LazyFunction(lambda: weighted(LICENSE_WEIGHTS))
    description = factory.LazyAttribute(lambda o: f"{o.name.capitalize()} {randgen.choice(WORK)}.")
    repository_url = factory.LazyAttribute(
        lambda o: f"https://git.example.org/{o.maintainer}/{o.slug}"
    )
    help_wanted = factory.LazyFunction(
        lambda: (
            sorted(randgen.sample(Project.HelpWanted.values, randgen.randint(1, 3)))
            if randgen.random() < 0.3
            else []
        )
    )
    seeking_contributors = factory.LazyAttribute(lambda o: bool(o.help_wanted))
    pitch = factory.LazyAttribute(
        lambda o: (
            f"We are looking for help with {', '.join(HELP_LABELS[v] for v in o.help_wanted)}."
            if o.help_wanted
            else ""
        )
    )
    contact_url = factory.LazyAttribute(lambda o: f"https://lists.example.org/{o.slug}")


class PersonFactory(factory.django.DjangoModelFactory):
    """A fictional person who cannot sign in."""

    class Meta:
        model = User

    display_name = factory.Faker("name")
    password = UNUSABLE_PASSWORD


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    class Params:
        topic = factory.LazyFunction(lambda: randgen.choice(TOPICS))
        neighbourhood = factory.LazyFunction(lambda: randgen.choice(PLACES[:12])[1])

    kind = factory.LazyFunction(lambda: weighted(EVENT_KIND_WEIGHTS))
    slug = factory.Sequence(lambda n: f"scale-event-{n}")
    title = factory.LazyAttribute(lambda o: f"{o.neighbourhood} {o.topic} {o.kind.capitalize()}")
    summary = factory.LazyAttribute(
        lambda o: f"A {o.kind} on {o.topic} in {o.neighbourhood}, Baltimore."
    )
    description = factory.LazyAttribute(lambda o: f"Talks and hands-on time on **{o.topic}**.")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=randgen.randint(-60, 240))).replace(
            minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + timedelta(hours=EVENT_HOURS.get(o.kind, 3))
    )
    venue_name = "Community Room"
    venue_address = factory.LazyFunction(
        lambda: f"{randgen.randint(100, 3999)} Charles St, Baltimore, MD"
    )
    capacity = factory.LazyFunction(lambda: randgen.choice(CAPACITIES))
    status = factory.LazyFunction(
        lambda: randgen.choices(
            [Event.Status.DRAFT, Event.Status.CANCELLED, Event.Status.PUBLISHED], [3, 3, 94]
        )[0]
    )
    cancelled_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Event.Status.CANCELLED else None
    )
    created_at = factory.LazyFunction(lambda: some_time_ago(120))


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    class Params:
        ended = factory.LazyFunction(lambda: randgen.random() < 0.1)

    kind = factory.LazyFunction(
        lambda: Pledge.Kind.HOURS if randgen.random() < 0.6 else Pledge.Kind.PERCENT
    )
    hours_per_period = factory.LazyAttribute(
        lambda o: (
            Decimal(randgen.choice([10, 20, 40, 80, 160])) if o.kind == Pledge.Kind.HOURS else None
        )
    )
    percent = factory.LazyAttribute(
        lambda o: (
            Decimal(randgen.choice(["0.5", "1", "2", "5"]))
            if o.kind == Pledge.Kind.PERCENT
            else None
        )
    )
    workforce_size = factory.LazyAttribute(
        lambda o: randgen.randint(5, 400) if o.kind == Pledge.Kind.PERCENT else None
    )
    period = factory.fuzzy.FuzzyChoice(Period.values)
    starts_on = factory.LazyFunction(
        lambda: timezone.localdate() - timedelta(days=randgen.randint(90, 420))
    )
    ends_on = factory.LazyAttribute(
        lambda o: timezone.localdate() - timedelta(days=randgen.randint(1, 60)) if o.ended else None
    )
    public = factory.LazyFunction(lambda: randgen.random() < 0.85)
    status = factory.LazyAttribute(
        lambda o: Pledge.Status.ENDED if o.ended else Pledge.Status.ACTIVE
    )
    ended_at = factory.LazyAttribute(lambda o: timezone.now() if o.ended else None)


# --- Writing --------------------------------------------------------------------------------


def _timed(write, label: str, started: float, count: int) -> None:
    write(f"  {label}: {count:,} in {time.monotonic() - started:.2f} s")


def _ids(model, field: str, values: list) -> dict:
    """{value: id} of the rows whose `field` is among `values`, in batches."""
    ids = {}
    for start in range(0, len(values), BATCH_SIZE):
        chunk = values[start : start + BATCH_SIZE]
        ids.update(model.objects.filter(**{f"{field}__in": chunk}).values_list(field, "id"))
    return ids


def _insert_new(model, field: str, objects: list) -> list:
    """Insert the `objects` whose `field` is not taken yet; returns them, with their ids."""
    taken = _ids(model, field, [getattr(obj, field) for obj in objects])
    new = [obj for obj in objects if getattr(obj, field) not in taken]
    model.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if new and new[0].pk is None:  # a database that returns no ids from bulk inserts
        ids = _ids(model, field, [getattr(obj, field) for obj in new])
        for obj in new:
            obj.pk = ids[getattr(obj, field)]
    return new


def fill_search_vectors(model, ids: list[int]) -> None:
    """One set-based UPDATE (PostgreSQL): the same document as
    directory.search.search_vector_refresh builds listing by listing."""
    if connection.vendor != "postgresql" or not ids:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    through_table = quote(model.tags.through._meta.db_table)
    fk = quote(f"{model._meta.model_name}_id")
    tag_table = quote(Tag._meta.db_table)
    text_c = "l.description || ' ' || l.pitch" if model is Project else "l.description || ' '"
    sql = f"""
        UPDATE {table} AS l SET search_vector =
            setweight(to_tsvector(%(config)s, l.name), 'A')
            || setweight(to_tsvector(%(config)s, coalesce((
                SELECT string_agg(t.name, ' ' ORDER BY t.name) FROM {through_table} AS lt
                JOIN {tag_table} AS t ON t.id = lt.tag_id WHERE lt.{fk} = l.id
            ), '')), 'B')
            || setweight(to_tsvector(%(config)s, {text_c}), 'C')
        WHERE l.id = ANY(%(ids)s)
    """  # noqa: S608 - table and column names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, {"config": SEARCH_CONFIG, "ids": ids})


def _start(seed: int, *factories) -> None:
    reseed_random(seed)
    for each in factories:
        each.reset_sequence(1)


def _people(prefix: str, count: int) -> list[int]:
    """Ids of `count` fictional people (created once, in bulk)."""
    emails = [f"{prefix}-{index}@example.org" for index in range(1, count + 1)]
    _insert_new(User, "email", [PersonFactory.build(email=email) for email in emails])
    ids = _ids(User, "email", emails)
    return [ids[email] for email in emails]


def scale_directory(*, scale: int, seed: int, write=print) -> dict[str, int]:
    """scale x 100 organizations and scale x 300 projects with tags and roles."""
    _start(seed, OrganizationFactory, ProjectFactory)
    tags = list(Tag.objects.order_by("slug").values_list("pk", flat=True))
    started = time.monotonic()
    organizations = OrganizationFactory.build_batch(scale * 100)
    org_tags = {org.slug: randgen.sample(tags, randgen.randint(1, 4)) for org in organizations}
    projects, roles, project_tags = [], {}, {}
    for _ in range(scale * 300):
        backers = randgen.sample(organizations, randgen.randint(1, 3))
        project = ProjectFactory.build(maintainer=backers[0].slug)
        projects.append(project)
        roles[project.slug] = [(backers[0].slug, ProjectRole.Role.MAINTAINER)] + [
            (org.slug, randgen.choice([ProjectRole.Role.SPONSOR, ProjectRole.Role.CONTRIBUTOR]))
            for org in backers[1:]
        ]
        project_tags[project.slug] = randgen.sample(tags, randgen.randint(1, 4))
    _timed(write, "generated rows", started, len(organizations) + len(projects))

    started = time.monotonic()
    new_organizations = _insert_new(Organization, "slug", organizations)
    _timed(write, "organizations", started, len(new_organizations))
    through = Organization.tags.through
    through.objects.bulk_create(
        [
            through(organization_id=o.pk, tag_id=t)
            for o in new_organizations
            for t in org_tags[o.slug]
        ],
        batch_size=BATCH_SIZE,
    )
    started = time.monotonic()
    new_projects = _insert_new(Project, "slug", projects)
    _timed(write, "projects", started, len(new_projects))
    through = Project.tags.through
    through.objects.bulk_create(
        [through(project_id=p.pk, tag_id=t) for p in new_projects for t in project_tags[p.slug]],
        batch_size=BATCH_SIZE,
    )
    # Projects may stand behind organizations of an earlier run: their ids are looked up.
    organization_ids = _ids(Organization, "slug", [org.slug for org in organizations])
    ProjectRole.objects.bulk_create(
        [
            ProjectRole(project_id=p.pk, organization_id=organization_ids[slug], role=role)
            for p in new_projects
            for slug, role in roles[p.slug]
        ],
        batch_size=BATCH_SIZE,
    )
    if connection.vendor == "postgresql":
        started = time.monotonic()
        fill_search_vectors(Organization, [org.pk for org in new_organizations])
        fill_search_vectors(Project, [project.pk for project in new_projects])
        _timed(write, "search vectors", started, len(new_organizations) + len(new_projects))
    return {"organizations": len(new_organizations), "projects": len(new_projects)}


def scale_events(*, scale: int, seed: int, write=print) -> dict[str, int]:
    """scale x 20 events and scale x 1,000 registrations: seats up to capacity in order,
    then a waitlist 1..k; none for drafts."""
    _start(seed, EventFactory)
    now = timezone.now()
    started = time.monotonic()
    events = _insert_new(Event, "slug", EventFactory.build_batch(scale * 20))
    _timed(write, "events", started, len(events))
    attendees = _people("scale-attendee", scale * 100 + 100)
    started = time.monotonic()
    open_events = [event for event in events if event.status != Event.Status.DRAFT]
    weights = [randgen.uniform(0.3, 1.7) for _ in open_events]
    total, share, given = scale * 1000, 0.0, 0
    registrations = []
    for event, weight in zip(open_events, weights, strict=True):
        # Cumulative rounding: the shares add up to exactly `total`.
        share += total * weight / sum(weights)
        wanted, given = round(share) - given, round(share)
        registrations += _registrations(
            event, randgen.sample(attendees, min(wanted, len(attendees))), now
        )
    Registration.objects.bulk_create(registrations, batch_size=BATCH_SIZE)
    _timed(write, "registrations", started, len(registrations))
    return {"events": len(events), "registrations": len(registrations)}


def _registrations(event: Event, people: list[int], now: datetime) -> list[Registration]:
    rows, position = [], 0
    for order, person in enumerate(people):
        registered = min(event.created_at + timedelta(minutes=order * 7), now)
        registration = Registration(event_id=event.pk, user_id=person, created_at=registered)
        if event.capacity is None or order < event.capacity:
            checked_in = event.starts_at < now and randgen.random() < 0.8
            registration.status = (
                Registration.Status.CHECKED_IN if checked_in else Registration.Status.CONFIRMED
            )
            registration.confirmed_at = registered
            registration.checked_in_at = event.starts_at if checked_in else None
        else:
            position += 1
            registration.status = Registration.Status.WAITLISTED
            registration.waitlist_position = position
        rows.append(registration)
    return rows


def scale_pledges(*, scale: int, seed: int, write=print) -> dict[str, int]:
    """scale x 10 pledges of generated organizations, each with a team of ten fictional members
    (an owner who reviews, an admin who reviews the owner) and up to 200 logs."""
    _start(seed, PledgeFactory)
    today, now = timezone.localdate(), timezone.now()
    started = time.monotonic()
    # The first organizations of generated ones (their slugs end in a number) without a
    # pledge, so a re-run finds them pledged and adds nothing.
    window = list(
        Organization.objects.filter(status=ListingStatus.PUBLISHED, slug__regex=r"-[0-9]+$")
        .order_by("slug")
        .values_list("pk", flat=True)[: scale * 10]
    )
    pledged = set(
        Pledge.objects.filter(organization_id__in=window).values_list("organization_id", flat=True)
    )
    pledges = PledgeFactory.build_batch(len(window) - len(pledged))
    for pledge, organization_id in zip(
        pledges, [pk for pk in window if pk not in pledged], strict=True
    ):
        pledge.organization_id = organization_id
    Pledge.objects.bulk_create(pledges, batch_size=BATCH_SIZE)
    if pledges and pledges[0].pk is None:
        ids = _ids(Pledge, "organization_id", [p.organization_id for p in pledges])
        for pledge in pledges:
            pledge.pk = ids[pledge.organization_id]
    _timed(write, "pledges", started, len(pledges))

    started = time.monotonic()
    people = _people("scale-contributor", len(window) * PLEDGE_TEAM)
    teams = {org: people[i * PLEDGE_TEAM : (i + 1) * PLEDGE_TEAM] for i, org in enumerate(window)}
    roles = [Membership.Role.OWNER, Membership.Role.ADMIN]
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=person,
                organization_id=pledge.organization_id,
                role=roles[place] if place < len(roles) else Membership.Role.MEMBER,
                status=Membership.Status.ACTIVE,
                decided_at=now,
            )
            for pledge in pledges
            for place, person in enumerate(teams[pledge.organization_id])
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    _timed(write, "contributors", started, len(people))

    started = time.monotonic()
    projects = list(
        Project.objects.filter(status=ListingStatus.PUBLISHED)
        .order_by("slug")
        .values_list("pk", flat=True)[:500]
    )
    busy = {}  # (person, day): hours already counting towards the day; the people are new
    logs = []
    for pledge in pledges:
        logs += _logs(pledge, teams[pledge.organization_id], projects, busy, today, now)
    Contribution.objects.bulk_create(logs, batch_size=BATCH_SIZE)
    _timed(write, "contributions", started, len(logs))
    transaction.on_commit(leaderboards_invalidate)
    return {"pledges": len(pledges), "contributions": len(logs)}


def _logs(pledge: Pledge, team: list[int], projects: list[int], busy: dict, today, now) -> list:
    """Up to LOGS_PER_PLEDGE logs, one a person and day at most, within 24 hours a day."""
    last = min(today, pledge.ends_on) if pledge.ends_on else today
    days = (last - pledge.starts_on).days + 1
    taken, logs = set(), []
    owner, admin = team[0], team[1]
    for _ in range(LOGS_PER_PLEDGE):
        person = randgen.choice(team)
        day = pledge.starts_on + timedelta(days=randgen.randrange(days))
        hours = Decimal(round(randgen.uniform(0.5, 8) * 4)) / 4
        if (person, day) in taken or busy.get((person, day), 0) + hours > HOURS_PER_DAY:
            continue
        taken.add((person, day))
        roll = randgen.random()
        recent = (today - day).days < PENDING_DAYS and pledge.status == Pledge.Status.ACTIVE
        status = (
            Contribution.Status.PENDING if recent or roll < 0.08
            else Contribution.Status.REJECTED if roll < 0.13
            else Contribution.Status.APPROVED
        )  # fmt: skip
        if status != Contribution.Status.REJECTED:
            busy[(person, day)] = busy.get((person, day), 0) + hours
        logged_at = min(timezone.make_aware(datetime.combine(day, time_of_day(18))), now)
        reviewed = status != Contribution.Status.PENDING
        logs.append(
            Contribution(
                pledge_id=pledge.pk,
                contributor_id=person,
                date=day,
                hours=hours,
                project_id=randgen.choice(projects) if projects else None,
                project_url="" if projects else "https://github.com/django/django",
                description=randgen.choice(DESCRIPTIONS),
                status=status,
                rejection_reason="Please link the pull request."
                if status == Contribution.Status.REJECTED
                else "",
                created_at=logged_at,
                reviewed_by_id=(admin if person == owner else owner) if reviewed else None,
                reviewed_at=min(logged_at + timedelta(days=2), now) if reviewed else None,
            )
        )
    return logs
