"""Demo data for `seed_demo`: pledges of the demo organizations and a year of logged hours.

Pledges are made through the services, and so are the logs still waiting for review. The
year behind them is history, written in bulk with who reviewed each log and when, and kept
valid by construction: never more than 24 hours per person per day (counting what is in the
database already), inside the pledge's dates, never in the future. Everything is relative
to today and drawn from fixed seeds, so a run gives the same region on the same day;
`seed_pledges` is idempotent (a pledge is matched by organization, kind and period, and only
a new pledge gets logs), and so is `seed_pledges_scale`.
"""

import random
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from directory.models import ListingStatus, Membership, Organization, Project
from hub.models import AuditEntry, User
from pledges import services
from pledges.leaderboards import leaderboards_invalidate
from pledges.models import Contribution, Period, Pledge

BATCH_SIZE = 2000
HOURS = Pledge.Kind.HOURS
PERCENT = Pledge.Kind.PERCENT
MAYA = "maya.okafor@example.org"
LUIS = "luis.ferreira@example.org"
PRIYA = "priya.raman@example.org"
SAM = "sam.whitfield@example.org"
ADA = "ada.nguyen@example.org"
STAFF = "admin@hub.example"

# Colleagues of the demo people, so each pledge has a team behind it. They cannot sign in.
COLLEAGUES = [
    ("jordan.pike@example.com", "Jordan Pike", "formstone-software"),
    ("nadia.haddad@example.com", "Nadia Haddad", "formstone-software"),
    ("owen.castillo@example.com", "Owen Castillo", "tidewater-cloudworks"),
    ("mei.tanaka@example.com", "Mei Tanaka", "tidewater-cloudworks"),
    ("kwame.asante@example.com", "Kwame Asante", "tidewater-cloudworks"),
    ("ruth.adeyemi@example.org", "Ruth Adeyemi", "harbor-health-informatics-lab"),
    ("felix.moreau@example.com", "Felix Moreau", "screen-door-digital"),
    ("tasha.greene@example.org", "Tasha Greene", "rowhouse-code-collective"),
    ("marco.silva@example.org", "Marco Silva", "federal-hill-cloud-native-group"),
]
# People who chose to show their name on pledge pages; everyone else is a number.
SHOW_NAMES = [MAYA, PRIYA, "jordan.pike@example.com", "mei.tanaka@example.com"]


def _pledge(organization, actor, kind, amount, period, months_ago, projects, **extra):
    return {
        "organization": organization,
        "actor": actor,
        "kind": kind,
        "amount": amount,
        "period": period,
        "months_ago": months_ago,
        "projects": projects,
        "public": extra.pop("public", True),
        "ended_months_ago": extra.pop("ended_months_ago", None),
        "team": extra.pop("team"),
        "activity": extra.pop("activity", 0.6),
    }


PLEDGES = [
    _pledge(
        "formstone-software", MAYA, HOURS, "40", Period.MONTH, 13,
        ["stoopkit", "pg-tidy", "ledgerlight"],
        team=[MAYA, "jordan.pike@example.com", "nadia.haddad@example.com"],
    ),
    _pledge(
        "tidewater-cloudworks", LUIS, PERCENT, ("1", 120), Period.QUARTER, 12,
        ["tidewatch", "harborlight", "sbom-harbor"],
        team=[LUIS, "owen.castillo@example.com", "mei.tanaka@example.com",
              "kwame.asante@example.com"],
        activity=0.8,
    ),
    _pledge(
        "harbor-health-informatics-lab", PRIYA, HOURS, "200", Period.YEAR, 14,
        ["clearchart", "consent-ledger", "deident"],
        team=[PRIYA, "ruth.adeyemi@example.org"],
    ),
    _pledge(
        "screen-door-digital", ADA, HOURS, "24", Period.MONTH, 10,
        ["a11y-sweep", "plainform", "tactile"],
        team=[ADA, "felix.moreau@example.com"],
    ),
    _pledge(
        "open-stitch-accessibility-guild", ADA, HOURS, "10", Period.MONTH, 6,
        ["a11y-sweep", "tactile"],
        team=[ADA], public=False, activity=0.4,
    ),
    _pledge(
        "harborside-pythonistas", MAYA, HOURS, "30", Period.QUARTER, 9,
        ["pyharbor", "stoopkit"],
        team=[MAYA], activity=0.35,
    ),
    _pledge(
        "rowhouse-code-collective", STAFF, PERCENT, ("5", 12), Period.MONTH, 11,
        ["classroom-commit", "porchlight-lessons", "rowhouse-permits"],
        team=[SAM, "tasha.greene@example.org"],
    ),
    _pledge(
        "federal-hill-cloud-native-group", STAFF, HOURS, "20", Period.MONTH, 12,
        ["tidewatch", "sbom-harbor"],
        team=[LUIS, "marco.silva@example.org"], ended_months_ago=4, activity=0.5,
    ),
]  # fmt: skip

# Work done outside the directory's listings, logged with the project's address.
OUTSIDE_PROJECTS = [
    "https://github.com/django/django",
    "https://github.com/python/cpython",
    "https://gitlab.com/example/osm-tools",
]
DESCRIPTIONS = [
    "Reviewed pull requests and triaged new issues.",
    "Fixed a bug in the importer and added a regression test.",
    "Wrote the missing section of the installation guide.",
    "Paired with a new contributor on their first pull request.",
    "Released a new version and updated the changelog.",
    "Profiled a slow query and sent a patch.",
    "Answered questions on the mailing list and in the chat.",
    "Ran an accessibility audit and filed issues for what we found.",
]
REJECTIONS = [
    "This was work for a client, not on the open source project.",
    "Please link the pull request so we can see the work.",
    "Logged twice: the same work is in your log of the day before.",
]
RECENT_DAYS = 14  # logs this recent still wait for review


@dataclass
class PledgeSeedResult:
    pledges: int = 0
    contributions: int = 0
    created: list = field(default_factory=list)


def _months_back(today: date, months: int) -> date:
    """The first day of the month `months` before today's month."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def seed_colleagues(organizations: dict[str, Organization]) -> dict[str, User]:
    """The demo people's colleagues, members of their organizations (created once)."""
    people = {}
    for email, display_name, slug in COLLEAGUES:
        person, created = User.objects.get_or_create(
            email=email, defaults={"display_name": display_name}
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        organization = organizations.get(slug)
        if organization is not None:
            Membership.objects.get_or_create(
                user=person,
                organization=organization,
                defaults={"status": Membership.Status.ACTIVE, "decided_at": timezone.now()},
            )
        people[email] = person
    return people


def _busy_days(person_ids: Iterable[int], since: date) -> dict[tuple[int, date], Decimal]:
    """Hours the people already logged per day (pending and approved), from the database."""
    rows = (
        Contribution.objects.filter(
            contributor_id__in=list(person_ids),
            date__gte=since,
            status__in=Contribution.COUNTING_TOWARDS_DAY,
        )
        .values("contributor_id", "date")
        .annotate(total=Sum("hours"))
    )
    busy = defaultdict(Decimal)
    for row in rows:
        busy[(row["contributor_id"], row["date"])] = row["total"]
    return busy


def _quarter_hours(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(round(rng.uniform(low, high) * 4)) / 4


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def seed_pledges(people: Iterable[User], organizations: Iterable[Organization]) -> PledgeSeedResult:
    """Eight pledges of the demo organizations with a year of approved, rejected and pending
    hours. Idempotent: an existing pledge (same organization, kind and period) is left alone
    and gets no new logs."""
    today = timezone.localdate()
    now = timezone.now()
    by_slug = {organization.slug: organization for organization in organizations}
    by_email = {person.email: person for person in people} | seed_colleagues(by_slug)
    User.objects.filter(email__in=SHOW_NAMES).update(show_name_on_pledges=True)
    projects = {
        project.slug: project
        for project in Project.objects.filter(
            status=ListingStatus.PUBLISHED,
            slug__in={slug for row in PLEDGES for slug in row["projects"]},
        )
    }
    rng = random.Random(2024)  # noqa: S311 - demo data, reproducible on purpose
    busy = _busy_days([person.pk for person in by_email.values()], _months_back(today, 15))
    result = PledgeSeedResult()
    for row in PLEDGES:
        organization = by_slug.get(row["organization"])
        actor = by_email.get(row["actor"])
        if organization is None or actor is None:
            continue
        existing = Pledge.objects.filter(
            organization=organization, kind=row["kind"], period=row["period"]
        )
        if existing.exists():
            continue
        pledge = _create_pledge(row, organization, actor, projects, today, now)
        team = [by_email[email] for email in row["team"] if email in by_email]
        result.contributions += _log_history(
            rng, pledge, row, team, actor, projects, busy, today, now
        )
        if row["ended_months_ago"] is not None:
            ends_on = _months_back(today, row["ended_months_ago"]) - timedelta(days=1)
            services.pledge_end(pledge=pledge, actor=actor, ends_on=ends_on)
        result.created.append(pledge)
    result.pledges = Pledge.objects.filter(
        organization__slug__in=[row["organization"] for row in PLEDGES]
    ).count()
    # The history was written in bulk, past the services: the boards must be rebuilt.
    transaction.on_commit(leaderboards_invalidate)
    return result


def _create_pledge(row, organization, actor, projects, today, now) -> Pledge:
    data = {"kind": row["kind"], "period": row["period"], "public": row["public"]}
    if row["kind"] == HOURS:
        data["hours_per_period"] = Decimal(row["amount"])
    else:
        data["percent"], data["workforce_size"] = Decimal(row["amount"][0]), row["amount"][1]
    pledge = services.pledge_create(
        organization=organization,
        actor=actor,
        data={**data, "starts_on": today},
        target_projects=[projects[slug] for slug in row["projects"] if slug in projects],
    )
    # The pledge was made back then, ten days before it started: its start is as far back
    # as the one-year rule allowed on that day.
    starts_on = _months_back(today, row["months_ago"])
    created_at = min(_at(starts_on, 9) - timedelta(days=10), now)
    Pledge.objects.filter(pk=pledge.pk).update(starts_on=starts_on, created_at=created_at)
    pledge.refresh_from_db()
    return pledge


def _log_history(rng, pledge, row, team, reviewer, projects, busy, today, now) -> int:
    """About one log a week per person while the pledge runs: history in bulk, the last two
    weeks through the services (they wait for review). Nobody reviews their own hours: the
    reviewer's own by another owner or admin of the organization, or by hub staff."""
    reviewer_of_reviewer = (
        User.objects.filter(
            memberships__organization=pledge.organization_id,
            memberships__status=Membership.Status.ACTIVE,
            memberships__role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
        )
        .exclude(pk=reviewer.pk)
        .first()
        or User.objects.filter(is_staff=True).order_by("pk").first()
    )
    last = today
    if row["ended_months_ago"] is not None:
        last = _months_back(today, row["ended_months_ago"]) - timedelta(days=1)
    targets = [projects[slug] for slug in row["projects"] if slug in projects]
    history, recent = [], []
    for person in team:
        week = pledge.starts_on
        while week <= last:
            day = week + timedelta(days=rng.randrange(7))
            week += timedelta(days=7)
            if rng.random() > row["activity"] or day > last or day < pledge.starts_on:
                continue
            reviewed_by = reviewer_of_reviewer if person == reviewer else reviewer
            recent_day = (today - day).days < RECENT_DAYS and pledge.is_active
            if reviewed_by is None and not recent_day:
                continue
            hours = _quarter_hours(rng, 0.75, 6)
            if busy[(person.pk, day)] + hours > services.HOURS_PER_DAY:
                continue
            use_url = not targets or rng.random() < 0.1
            values = {
                "date": day,
                "hours": hours,
                "project": None if use_url else rng.choice(targets),
                "project_url": rng.choice(OUTSIDE_PROJECTS) if use_url else "",
                "description": rng.choice(DESCRIPTIONS),
                "link": "",
            }
            busy[(person.pk, day)] += hours
            if recent_day:
                recent.append((person, values))
            else:
                history.append(_reviewed(rng, pledge, person, reviewed_by, values, now))
    Contribution.objects.bulk_create(history, batch_size=BATCH_SIZE)
    _audit_history(history)
    for person, values in recent:
        services.contribution_log(pledge=pledge, user=person, data=values)
    return len(history) + len(recent)


def _reviewed(rng, pledge, person, reviewer, values, now) -> Contribution:
    logged_at = min(_at(values["date"], 17) + timedelta(hours=rng.randrange(48)), now)
    reviewed_at = min(logged_at + timedelta(days=rng.randint(1, 6), hours=rng.randrange(8)), now)
    rejected = rng.random() < 0.06
    return Contribution(
        pledge=pledge,
        contributor=person,
        status=Contribution.Status.REJECTED if rejected else Contribution.Status.APPROVED,
        rejection_reason=rng.choice(REJECTIONS) if rejected else "",
        created_at=logged_at,
        reviewed_by=reviewer,
        reviewed_at=reviewed_at,
        **values,
    )


def _audit_history(logs: list[Contribution]) -> None:
    """The audit rows the services would have written: logged, then approved or rejected."""
    entries = []
    for log in logs:
        if log.pk is None:  # a database that returns no ids from bulk inserts
            continue
        common = {"target_type": "pledges.contribution", "target_id": log.pk}
        entries.append(
            AuditEntry(
                actor_id=log.contributor_id,
                action="contribution.log",
                target_repr=str(log)[:200],
                created_at=log.created_at,
                **common,
            )
        )
        entries.append(
            AuditEntry(
                actor_id=log.reviewed_by_id,
                action=f"contribution.{log.status}",
                target_repr=str(log)[:200],
                created_at=log.reviewed_at,
                detail={"reason": log.rejection_reason} if log.rejection_reason else {},
                **common,
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


# --- Scale ----------------------------------------------------------------------------------

SCALE_TEAM = 10  # people per generated pledge
SCALE_ROLES = [Membership.Role.OWNER, Membership.Role.ADMIN]  # the first two of each team
SCALE_LOGS_PER_PLEDGE = 200


def _scale_people(count: int) -> list[int]:
    """Ids of `count` fictional contributors (created once, in bulk; they cannot sign in)."""
    emails = [f"scale-contributor-{index}@example.org" for index in range(1, count + 1)]
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
            User(email=email, display_name=f"Contributor {index}", password=unusable)
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


def _scale_pledge(rng: random.Random, organization_id: int, today: date) -> Pledge:
    starts_on = today - timedelta(days=rng.randint(90, 420))
    ended = rng.random() < 0.1
    ends_on = today - timedelta(days=rng.randint(1, 60)) if ended else None
    kind = HOURS if rng.random() < 0.6 else PERCENT
    return Pledge(
        organization_id=organization_id,
        kind=kind,
        hours_per_period=Decimal(rng.choice([10, 20, 40, 80, 160])) if kind == HOURS else None,
        percent=Decimal(rng.choice(["0.5", "1", "2", "5", "10"])) if kind == PERCENT else None,
        workforce_size=rng.randint(5, 400) if kind == PERCENT else None,
        period=rng.choice(Period.values),
        starts_on=starts_on,
        ends_on=ends_on,
        public=rng.random() < 0.85,
        status=Pledge.Status.ENDED if ended else Pledge.Status.ACTIVE,
        ended_at=timezone.now() if ended else None,
    )


def _scale_logs(rng, pledge: Pledge, team: list[int], project_ids, busy, today, now) -> list:
    """SCALE_LOGS_PER_PLEDGE logs by the team, at most one per person and day, and never
    past 24 hours with what the person logged before (`busy`, updated here)."""
    last = min(today, pledge.ends_on) if pledge.ends_on else today
    days = (last - pledge.starts_on).days + 1
    taken = set()
    logs = []
    for _ in range(SCALE_LOGS_PER_PLEDGE):
        person = rng.choice(team)
        day = pledge.starts_on + timedelta(days=rng.randrange(days))
        hours = _quarter_hours(rng, 0.5, 8)
        if (person, day) in taken or busy[(person, day)] + hours > services.HOURS_PER_DAY:
            continue
        taken.add((person, day))
        roll = rng.random()
        recent = (today - day).days < RECENT_DAYS and pledge.status == Pledge.Status.ACTIVE
        # The team's first person reviews; their own logs, the second one (or nobody yet).
        reviewer = team[0] if person != team[0] else (team[1] if len(team) > 1 else None)
        status = (
            Contribution.Status.PENDING
            if recent or roll < 0.08 or reviewer is None
            else Contribution.Status.REJECTED
            if roll < 0.13
            else Contribution.Status.APPROVED
        )
        logged_at = min(_at(day, 18), now)
        reviewed = status != Contribution.Status.PENDING
        if status != Contribution.Status.REJECTED:
            busy[(person, day)] += hours
        logs.append(
            Contribution(
                pledge_id=pledge.pk,
                contributor_id=person,
                date=day,
                hours=hours,
                project_id=rng.choice(project_ids) if project_ids else None,
                project_url="" if project_ids else OUTSIDE_PROJECTS[0],
                description=rng.choice(DESCRIPTIONS),
                status=status,
                rejection_reason=REJECTIONS[0] if status == Contribution.Status.REJECTED else "",
                created_at=logged_at,
                reviewed_by_id=reviewer if reviewed else None,
                reviewed_at=min(logged_at + timedelta(days=2), now) if reviewed else None,
            )
        )
    return logs


def seed_pledges_scale(*, scale: int, seed: int, write=print) -> dict[str, int]:
    """About scale x 10 pledges and scale x 2,000 logged hours, deterministic for `seed`.

    The pledging organizations are the first scale x 10 published ones by slug that have no
    pledge; each gets a team of fictional members, the first one its owner and reviewer, the
    second an admin who reviews the owner's logs.
    Re-running with the same arguments adds nothing: those organizations have a pledge now.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    today = timezone.localdate()
    now = timezone.now()
    counts = {}

    def timed(label: str, started: float, count: int) -> None:
        write(f"  {label}: {count:,} in {time.monotonic() - started:.2f} s")

    started = time.monotonic()
    wanted = scale * 10
    # A fixed window of organizations (not the hand-written ones), so a re-run finds them
    # all pledged and adds nothing.
    window = list(
        Organization.objects.filter(status=ListingStatus.PUBLISHED)
        .exclude(slug__in=[row["organization"] for row in PLEDGES])
        .order_by("slug")
        .values_list("pk", flat=True)[:wanted]
    )
    pledged = set(
        Pledge.objects.filter(organization_id__in=window).values_list("organization_id", flat=True)
    )
    new_pledges = [
        _scale_pledge(rng, organization_id, today)
        for organization_id in window
        if organization_id not in pledged
    ]
    Pledge.objects.bulk_create(new_pledges, batch_size=BATCH_SIZE)
    if new_pledges and new_pledges[0].pk is None:
        ids = dict(
            Pledge.objects.filter(
                organization_id__in=[p.organization_id for p in new_pledges]
            ).values_list("organization_id", "id")
        )
        for pledge in new_pledges:
            pledge.pk = ids[pledge.organization_id]
    counts["pledges"] = len(new_pledges)
    timed("pledges", started, len(new_pledges))

    started = time.monotonic()
    people = _scale_people(len(window) * SCALE_TEAM)
    teams = {
        organization_id: people[index * SCALE_TEAM : (index + 1) * SCALE_TEAM]
        for index, organization_id in enumerate(window)
    }
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=person,
                organization_id=pledge.organization_id,
                role=SCALE_ROLES[position]
                if position < len(SCALE_ROLES)
                else Membership.Role.MEMBER,
                status=Membership.Status.ACTIVE,
                decided_at=now,
            )
            for pledge in new_pledges
            for position, person in enumerate(teams[pledge.organization_id])
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    timed("contributors", started, len(people))

    started = time.monotonic()
    project_ids = list(
        Project.objects.filter(status=ListingStatus.PUBLISHED)
        .order_by("slug")
        .values_list("pk", flat=True)[:500]
    )
    busy = _busy_days(people, today - timedelta(days=450))
    logs = []
    for pledge in new_pledges:
        team = teams[pledge.organization_id]
        logs.extend(_scale_logs(rng, pledge, team, project_ids, busy, today, now))
    Contribution.objects.bulk_create(logs, batch_size=BATCH_SIZE)
    counts["contributions"] = len(logs)
    timed("contributions", started, len(logs))
    transaction.on_commit(leaderboards_invalidate)
    return counts
