"""The pledges' demo file (pledges/demo/pledges.yaml), loaded through the pledges' services."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from directory.models import ListingStatus, Organization, Project
from hub import forge_accounts
from hub.forge import Item, parse_item_url
from hub.models import User
from hub.services import user_update_profile
from pledges import evidence, services
from pledges.models import Contribution, Pledge
from pledges.queries import reviewers_other_than
from portal.demo.asks import load_asks
from portal.demo.base import DemoError, People, entry, people_without_login, read
from portal.demo.dates import moment
from portal.demo.directory import add_member

# The pledge was made this long before it started, as the one-year rule allowed back then.
MADE_BEFORE_START = timedelta(days=10)
LOGGED_AT = time(17)  # a log of the past was written at the end of its day, or up to 2 days on


@dataclass
class PledgesResult:
    pledges: int = 0
    contributions: int = 0
    asks: int = 0
    created: list = field(default_factory=list)


@dataclass
class History:
    """How the hours are drawn (the file's `history`), and the hours each person has on
    each day so far (pending and approved, from the database at first): a person's logs
    under several pledges share their 24 hours."""

    rng: random.Random
    settings: dict
    busy: dict = field(default_factory=lambda: defaultdict(Decimal))
    # (person's e-mail, organization's slug) -> how their recent logs link evidence.
    evidence: dict = field(default_factory=dict)

    def count_logged(self, people) -> None:
        logs = Contribution.objects.filter(
            contributor__in=people, status__in=Contribution.COUNTING_TOWARDS_DAY
        )
        for row in logs.values("contributor_id", "date").annotate(total=Sum("hours")):
            self.busy[(row["contributor_id"], row["date"])] = row["total"]

    def hours(self) -> Decimal:
        low, high = self.settings["hours"]
        return Decimal(round(self.rng.uniform(low, high) * 4)) / 4


def load_pledges(data: dict, *, people: People, now: datetime) -> PledgesResult:
    """Colleagues join their organizations; each pledge not made yet is made, with its hours."""
    staff = people.staff
    slugs = {row["organization"] for row in [*data["pledges"], *data["colleagues"]]}
    organizations = {org.slug: org for org in Organization.objects.filter(slug__in=slugs)}
    people.update(people_without_login(data["colleagues"]))
    for row in data["colleagues"]:
        with entry(f"Colleague {row['email']}"):
            organization = _named(organizations, row["organization"])
            add_member(organization, people[row["email"]], "member", staff)
    for email in data.get("show_names", []):
        person = people[email]
        user_update_profile(
            user=person, display_name=person.display_name, show_name_on_pledges=True
        )
    for row in data.get("forge_accounts", []):
        with entry(f"Forge account {row['username']}"):
            _forge_account(people[row["email"]], row)
    rng = random.Random(data["history"]["seed"])  # noqa: S311 - reproducible on purpose
    history = History(rng=rng, settings=data["history"])
    history.evidence = {
        (row["person"], row["organization"]): row for row in data.get("evidence", [])
    }
    history.count_logged([people[email] for row in data["pledges"] for email in row["team"]])
    result = PledgesResult()
    for row in data["pledges"]:
        organization = _named(organizations, row["organization"])
        kind = Pledge.Kind.PERCENT if "percent" in row else Pledge.Kind.HOURS
        if Pledge.objects.filter(
            organization=organization, kind=kind, period=row["period"]
        ).exists():
            continue
        with entry(f"Pledge of {row['organization']}"):
            pledge = _pledge(row, organization, kind, people, now)
            result.contributions += _log_hours(pledge, row, people, history, now)
            if "ends" in row:
                services.pledge_end(
                    pledge=pledge,
                    actor=people[row["by"]],
                    ends_on=moment(row["ends"], now=now).date(),
                )
        result.created.append(pledge)
    result.pledges = Pledge.objects.filter(organization__in=organizations.values()).count()
    # The projects' asks, answered by hours logged under these pledges.
    result.asks = load_asks(read("pledges", "asks.yaml"), people=people, now=now).asks
    return result


def _named(organizations: dict, slug: str) -> Organization:
    if slug not in organizations:
        raise DemoError(f"Unknown organization {slug!r}: list it in directory/demo/region.yaml.")
    return organizations[slug]


def _pledge(row, organization, kind, people, now) -> Pledge:
    """Made through the service. A pledge made long ago (no service makes one): only its
    start and creation then move back."""
    data = {"kind": kind, "period": row["period"], "public": row.get("public", True)}
    if kind == Pledge.Kind.HOURS:
        data["hours_per_period"] = Decimal(str(row["hours"]))
    else:
        data["percent"], data["workforce_size"] = Decimal(str(row["percent"])), row["workforce"]
    projects = Project.objects.filter(
        slug__in=row.get("projects", []), status=ListingStatus.PUBLISHED
    )
    pledge = services.pledge_create(
        organization=organization,
        actor=people[row["by"]],
        data={**data, "starts_on": timezone.localdate(now)},
        target_projects=list(projects),
    )
    starts_on = moment(row["starts"], now=now).date()
    made = min(timezone.make_aware(datetime.combine(starts_on, time(9))) - MADE_BEFORE_START, now)
    Pledge.objects.filter(pk=pledge.pk).update(starts_on=starts_on, created_at=made)
    pledge.refresh_from_db()
    return pledge


def _reviewer(pledge: Pledge, person: User, maker: User, staff: User) -> User:
    """Whoever made the pledge reviews; their own hours another owner or admin, or staff."""
    if person != maker:
        return maker
    other = reviewers_other_than(organization=pledge.organization_id, contributor=person)
    membership = other.select_related("user").order_by("pk").first()
    return membership.user if membership else staff


def _log_hours(pledge: Pledge, row: dict, people: People, history: History, now: datetime) -> int:
    """About one log a week per person while the pledge runs, through the services."""
    today = timezone.localdate(now)
    last = moment(row["ends"], now=now).date() if "ends" in row else today
    pending_days = history.settings["pending_days"]
    projects = list(pledge.target_projects.order_by("pk"))
    maker = people[row["by"]]
    count = 0
    for person in [people[email] for email in row["team"]]:
        reviewer = _reviewer(pledge, person, maker, people.staff)
        week = pledge.starts_on
        while week <= last:
            day = week + timedelta(days=history.rng.randrange(7))
            week += timedelta(days=7)
            if history.rng.random() > row["activity"] or day > last:
                continue
            hours = history.hours()
            if history.busy[(person.pk, day)] + hours > services.HOURS_PER_DAY:
                continue  # a day the person's other logs fill already
            history.busy[(person.pk, day)] += hours
            data = _log_data(history, projects, day, hours)
            links = history.evidence.get((person.email, pledge.organization.slug))
            if links and (today - day).days < links["weeks"] * 7:
                data["evidence_urls"] = [links["url"].format(n=links["first"] + count)]
            if (today - day).days < pending_days:
                log = services.contribution_log(pledge=pledge, user=person, data=data)
            else:
                log = _log_of_the_past(pledge, person, reviewer, data, history, now)
            if data.get("evidence_urls"):
                _record_answer(log, links["answer"])
            count += 1
    return count


def _forge_account(person: User, row: dict) -> None:
    """Declared through the profile's service; proven ones as a connected account would."""
    if row.get("proven"):
        forge_accounts.forge_account_prove(
            user=person, forge=row["forge"], username=row["username"]
        )
    elif not person.forge_accounts.filter(forge=row["forge"]).exists():
        forge_accounts.forge_account_add(user=person, forge=row["forge"], username=row["username"])


def _record_answer(log: Contribution, answer: dict) -> None:
    """The forge's recorded answer for the log's link, judged by the evidence rules as a
    check would (whose job then finds the link checked and asks no forge)."""
    log.refresh_from_db(fields=["date"])
    noon = timezone.make_aware(datetime.combine(log.date, time(12)))
    for link in log.evidence.all():
        ref = parse_item_url(link.url)
        when = {
            key: noon + timedelta(days=answer[key]) if key in answer else None
            for key in ("opened", "merged")
        }
        item = Item(
            ref=ref,
            title=log.description.rstrip("."),
            state=answer["state"],
            author_login=answer["author"],
            author_name="",
            author_email="",
            created_at=when["opened"],
            merged_at=when["merged"],
            committed_at=None,
            web_url=link.url,
        )
        evidence.evidence_record(evidence_id=link.pk, item=item)


def _log_data(history: History, projects: list[Project], day: date, hours: Decimal) -> dict:
    use_url = not projects or history.rng.random() < 0.1
    return {
        "date": day,
        "hours": hours,
        "project": None if use_url else history.rng.choice(projects),
        "project_url": history.rng.choice(history.settings["outside_projects"]) if use_url else "",
        "description": history.rng.choice(history.settings["descriptions"]),
        "link": "",
    }


def _log_of_the_past(
    pledge, person, reviewer, data, history: History, now: datetime
) -> Contribution:
    """Hours logged long ago (no service logs outside the window): logged and reviewed through
    the services on the oldest day the window allows, then only the date and timestamps move
    back to when it happened (whose 24 hours the caller checked)."""
    day = data["date"]
    window_starts = timezone.localdate(now) - timedelta(days=settings.HUB_LOG_WINDOW_DAYS)
    log = services.contribution_log(
        pledge=pledge, user=person, data={**data, "date": max(day, window_starts)}
    )
    rng = history.rng
    if rng.random() < history.settings["rejected_share"]:
        reason = rng.choice(history.settings["rejections"])
        services.contribution_reject(contribution=log, actor=reviewer, reason=reason)
    else:
        services.contribution_approve(contribution=log, actor=reviewer)
    logged_at = min(
        timezone.make_aware(datetime.combine(day, LOGGED_AT)) + timedelta(hours=rng.randrange(48)),
        now,
    )
    reviewed_at = min(logged_at + timedelta(days=rng.randint(1, 6), hours=rng.randrange(8)), now)
    Contribution.objects.filter(pk=log.pk).update(
        date=day, created_at=logged_at, reviewed_at=reviewed_at
    )
    return log
