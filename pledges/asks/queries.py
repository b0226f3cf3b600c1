"""Read side of asks: who sees which ask, the list with its facets, one ask with its
progress, and the asks that match an organization, a person or the digest's readers.

The visibility rule lives here and nowhere else: an ask is public while the hub publishes its
project (`PUBLIC_ASK`). Pages, the API, the digest, the organization page and /me/ read
through `public_asks` or `asks_visible_to`; `ask_is_public` checks one loaded ask by the
same rule. An ask is open while its status is open and its date has not passed
(`open_asks_q`): the job that closes it runs hourly, the lists never wait for it.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Membership, Organization, ProjectRole, Tag
from directory.permissions import project_is_public
from directory.queries import public_organizations_q, public_projects_q
from pledges.models import Ask, Contribution, Offer, PersonSkill, Pledge
from pledges.queries import HOURS, PUBLIC_PLEDGE_OF_LOG, ZERO, organizations_of_member

# --- Who sees what ----------------------------------------------------------------------------

# The project's half of the rule is the directory's own.
PUBLIC_ASK = public_projects_q("project__")


def ask_is_public(ask: Ask) -> bool:
    """`PUBLIC_ASK` for one loaded ask (with its project)."""
    return project_is_public(ask.project)


def public_asks() -> QuerySet:
    return Ask.objects.filter(PUBLIC_ASK)


def asks_visible_to(user) -> QuerySet:
    """The public's asks; staff see every ask (of a project taken off the directory too)."""
    if user.is_authenticated and user.is_staff:
        return Ask.objects.all()
    return public_asks()


def open_asks_q(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": Ask.Status.OPEN, f"{prefix}needed_by__gte": today})


def open_public_asks(today: date | None = None) -> QuerySet:
    return public_asks().filter(open_asks_q(today or timezone.localdate()))


# --- Progress ---------------------------------------------------------------------------------


def approved_hours_of_asks() -> Coalesce:
    """An ask's approved hours, as a subquery (no join fan-out with skills or offers)."""
    total = (
        Contribution.objects.filter(ask=OuterRef("pk"), status=Contribution.Status.APPROVED)
        .values("ask")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=HOURS), ZERO)


def approved_hours_of(ask_id: int):
    """One ask's approved hours, read now (the closing rule reads it under the ask's lock)."""
    return Contribution.objects.filter(
        ask_id=ask_id, status=Contribution.Status.APPROVED
    ).aggregate(total=Coalesce(Sum("hours"), ZERO))["total"]


def with_progress(asks: QuerySet) -> QuerySet:
    """`asks` with their approved hours (`Ask.progress`), the people offering and the hours
    they offer, their project and its maintainers, and their skills: a constant number of
    queries for any number of asks."""
    offered = (
        Offer.objects.filter(ask=OuterRef("pk"), status=Offer.Status.ACTIVE)
        .values("ask")
        .annotate(total=Sum("hours"), people=Count("pk"))
    )
    return (
        asks.annotate(
            approved_hours=approved_hours_of_asks(),
            offered_hours=Coalesce(Subquery(offered.values("total"), output_field=HOURS), ZERO),
            offer_count=Coalesce(Subquery(offered.values("people")), 0),
        )
        .select_related("project")
        .prefetch_related(
            Prefetch("skills", queryset=Tag.objects.order_by("name")),
            Prefetch(
                "project__roles",
                queryset=ProjectRole.objects.filter(
                    public_organizations_q("organization__"), role=ProjectRole.Role.MAINTAINER
                ).select_related("organization"),
                to_attr="maintaining_roles",
            ),
        )
    )


# --- The list and its facets ------------------------------------------------------------------

MAX_QUERY_LENGTH = 200
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,180}$")
WORD = re.compile(r"\w+", re.UNICODE)
FACET_LIMIT = 25
# Bands of hours wanted: (value, label, lowest, highest) with the highest included.
HOUR_BANDS = [
    ("few", _("Up to 10 hours"), None, 10),
    ("some", _("10 to 40 hours"), 10, 40),
    ("many", _("More than 40 hours"), 40, None),
]


def _slug_or_blank(value) -> str:
    """A filter value that is a slug, or "" (anything else is ignored, never looked up)."""
    value = (value or "").strip()
    return value if SLUG.match(value) else ""


@dataclass(frozen=True)
class AskQuery:
    """What /asks/ was asked for: words, a skill, a project, a kind of organization, a band
    of hours."""

    q: str = ""
    skill: str = ""
    project: str = ""
    kind: str = ""
    hours: str = ""

    @classmethod
    def from_querydict(cls, data) -> "AskQuery":
        kind = data.get("kind") or ""
        hours = data.get("hours") or ""
        return cls(
            q=" ".join((data.get("q") or "").split())[:MAX_QUERY_LENGTH],
            skill=_slug_or_blank(data.get("skill")),
            project=_slug_or_blank(data.get("project")),
            kind=kind if kind in Organization.Kind.values else "",
            hours=hours if hours in {band[0] for band in HOUR_BANDS} else "",
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.skill or self.project or self.kind or self.hours)


def _band_q(value: str) -> Q:
    _value, _label, low, high = next(band for band in HOUR_BANDS if band[0] == value)
    condition = Q()
    if low is not None:
        condition &= Q(hours_wanted__gt=low)
    if high is not None:
        condition &= Q(hours_wanted__lte=high)
    return condition


def _maintained_by_kind(kind: str) -> Exists:
    return Exists(
        ProjectRole.objects.filter(
            public_organizations_q("organization__"),
            project=OuterRef("project"),
            role=ProjectRole.Role.MAINTAINER,
            organization__kind=kind,
        )
    )


def asks_matching(query: AskQuery, *, today: date, ignore: str = "") -> QuerySet:
    """Open public asks matching `query`; `ignore` leaves one facet out (for its counts)."""
    asks = open_public_asks(today)
    for word in WORD.findall(query.q)[:10]:
        asks = asks.filter(
            Q(title__icontains=word) | Q(text__icontains=word) | Q(project__name__icontains=word)
        )
    if query.skill and ignore != "skill":
        asks = asks.filter(
            Exists(Ask.skills.through.objects.filter(ask=OuterRef("pk"), tag__slug=query.skill))
        )
    if query.project and ignore != "project":
        asks = asks.filter(project__slug=query.project)
    if query.kind and ignore != "kind":
        asks = asks.filter(_maintained_by_kind(query.kind))
    if query.hours and ignore != "hours":
        asks = asks.filter(_band_q(query.hours))
    return asks


def ask_list(query: AskQuery, *, today: date) -> QuerySet:
    """The list's rows, soonest date first, with their progress."""
    return with_progress(asks_matching(query, today=today)).order_by("needed_by", "pk")


def ask_facets(query: AskQuery, *, today: date) -> dict[str, list[tuple[str, str, int]]]:
    """(value, label, count) per skill, project, kind of maintaining organization and band
    of hours, each counted with the other filters applied; one query each."""
    skills = (
        Tag.objects.filter(asks__in=asks_matching(query, today=today, ignore="skill"))
        .values_list("slug", "name")
        .annotate(n=Count("asks"))
        .order_by("-n", "name")[:FACET_LIMIT]
    )
    projects = (
        asks_matching(query, today=today, ignore="project")
        .values_list("project__slug", "project__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "project__name")[:FACET_LIMIT]
    )
    kind_labels = dict(Organization.Kind.choices)
    kinds = (
        ProjectRole.objects.filter(
            public_organizations_q("organization__"),
            role=ProjectRole.Role.MAINTAINER,
            project__asks__in=asks_matching(query, today=today, ignore="kind"),
        )
        .values_list("organization__kind")
        .annotate(n=Count("project__asks", distinct=True))
        .order_by("-n", "organization__kind")
    )
    band = Case(
        *[When(_band_q(value), then=Value(value)) for value, *_ in HOUR_BANDS],
        output_field=CharField(),
    )
    band_counts = dict(
        asks_matching(query, today=today, ignore="hours")
        .annotate(band=band)
        .values_list("band")
        .annotate(n=Count("pk"))
        .values_list("band", "n")
        .order_by()
    )
    return {
        "skill": list(skills),
        "project": list(projects),
        "kind": [(kind, kind_labels.get(kind, kind), n) for kind, n in kinds],
        "hours": [
            (value, label, band_counts[value])
            for value, label, *_ in HOUR_BANDS
            if band_counts.get(value)
        ],
    }


# --- One ask ----------------------------------------------------------------------------------


def ask_for_visitor(pk: int, user) -> Ask | None:
    return with_progress(asks_visible_to(user).filter(pk=pk)).select_related("posted_by").first()


def active_offers(ask: Ask) -> QuerySet:
    """The offers its maintainers see: who, how many hours, what they said; oldest first."""
    return (
        ask.offers.filter(status=Offer.Status.ACTIVE)
        .select_related("person")
        .order_by("created_at", "pk")
    )


def offer_of(ask: Ask, user) -> Offer | None:
    """The person's active offer to the ask, if any."""
    if not user.is_authenticated:
        return None
    return ask.offers.filter(person=user, status=Offer.Status.ACTIVE).first()


def hours_given_by_organization(ask: Ask) -> list[dict]:
    """Approved hours answering the ask per organization, of public pledges only (hours of
    private pledges count in the total, unnamed)."""
    return list(
        Contribution.objects.filter(
            PUBLIC_PLEDGE_OF_LOG, ask=ask, status=Contribution.Status.APPROVED
        )
        .values("pledge__organization__slug", "pledge__organization__name")
        .annotate(hours=Sum("hours"))
        .order_by("-hours", "pledge__organization__name")
    )


def open_asks_of_project(project, *, today: date | None = None) -> list[Ask]:
    """The project's open asks, for its page (its published status is the page's rule)."""
    asks = Ask.objects.filter(project=project).filter(open_asks_q(today or timezone.localdate()))
    return list(with_progress(asks).order_by("needed_by", "pk"))


# --- Asks that match ----------------------------------------------------------------------------


def _target_projects_of(organizations) -> QuerySet:
    """Ids of the projects that active pledges of `organizations` (a subquery) target."""
    return Pledge.target_projects.through.objects.filter(
        pledge__organization__in=organizations, pledge__status=Pledge.Status.ACTIVE
    ).values("project")


def _needs_one_of(tags) -> Exists:
    """An ask that asks for one of `tags` (a subquery of tag ids)."""
    return Exists(Ask.skills.through.objects.filter(ask=OuterRef("pk"), tag__in=tags))


def asks_matching_organization(organization: Organization, *, limit: int = 6) -> list[Ask]:
    """Open public asks that match a pledging organization: of a project its pledges target
    (first), or asking for one of its tags or a skill its people list."""
    organizations = Organization.objects.filter(pk=organization.pk).values("pk")
    targets = _target_projects_of(organizations)
    people = Membership.objects.filter(
        organization=organization, status=Membership.Status.ACTIVE
    ).values("user")
    skills = PersonSkill.objects.filter(person__in=people).values("tag")
    organization_tags = Organization.tags.through.objects.filter(organization=organization).values(
        "tag"
    )
    asks = (
        open_public_asks()
        .annotate(for_target=Exists(targets.filter(project=OuterRef("project"))))
        .filter(Q(for_target=True) | _needs_one_of(organization_tags) | _needs_one_of(skills))
    )
    return list(with_progress(asks).order_by("-for_target", "needed_by", "pk")[:limit])


def asks_matching_person(user, *, limit: int = 6) -> list[Ask]:
    """Open public asks that ask for a skill the person lists, or for a project a pledge of
    one of their organizations targets."""
    skills = PersonSkill.objects.filter(person=user).values("tag")
    targets = _target_projects_of(organizations_of_member(user))
    asks = open_public_asks().filter(_needs_one_of(skills) | Q(project__in=targets))
    return list(with_progress(asks).order_by("needed_by", "pk")[:limit])


def skills_of(user) -> QuerySet:
    return Tag.objects.filter(people_skilled__person=user).order_by("name")


# --- The digest ---------------------------------------------------------------------------------

DIGEST_ASKS = 30
PER_READER = 5


def new_asks_since(since, *, today: date | None = None) -> list[Ask]:
    """The open public asks posted since `since` (the digest's week), newest first, with the
    ids of their skills; built once per run."""
    asks = open_public_asks(today).filter(created_at__gte=since)
    return list(with_progress(asks).order_by("-created_at", "-pk")[:DIGEST_ASKS])


def asks_for_readers(readers, asks: list[Ask]) -> dict[int, list[Ask]]:
    """Which of `asks` match each of `readers` (their skills, or a project their
    organizations' pledges target): two queries per batch, whatever its size."""
    if not asks:
        return {}
    reader_ids = [reader.pk for reader in readers]
    skills = defaultdict(set)
    for person, tag in PersonSkill.objects.filter(person__in=reader_ids).values_list(
        "person", "tag"
    ):
        skills[person].add(tag)
    targets = defaultdict(set)
    pledged = Membership.objects.filter(
        user__in=reader_ids,
        status=Membership.Status.ACTIVE,
        organization__pledges__status=Pledge.Status.ACTIVE,
        organization__pledges__target_projects__isnull=False,
    ).values_list("user", "organization__pledges__target_projects")
    for person, project in pledged:
        targets[person].add(project)
    matched = {}
    for person in reader_ids:
        mine = [
            ask
            for ask in asks
            if ask.project_id in targets[person]
            or any(tag.pk in skills[person] for tag in ask.skills.all())
        ]
        if mine:
            matched[person] = mine[:PER_READER]
    return matched


def offers_of(user) -> QuerySet:
    """The person's active offers, soonest ask first, with their asks' projects."""
    return (
        Offer.objects.filter(person=user, status=Offer.Status.ACTIVE)
        .select_related("ask__project")
        .order_by("ask__needed_by", "pk")
    )
