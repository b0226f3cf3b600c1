"""Read side of the chamber: who sees which practice note, position and endorsement.

The visibility rules live here and nowhere else (pages, the API, the feed, the organization
page): a practice note is public once staff published it and while its organization is
public (`PUBLIC_PRACTICE`); a position once its publication time has come
(`public_positions_q`); an endorsement while both its position and its organization are
public (`public_endorsements`). `chamber.permissions` checks one object by the same rules.
"""

import re
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from chamber.models import Endorsement, Position, PracticeNote
from directory.models import Membership, Organization, Tag
from directory.queries import (
    PUBLIC_LISTING_STATUS,
    organizations_managed_by,
    public_organizations_q,
)

# --- Who sees what ----------------------------------------------------------------------------

# The organization's half of the rule is the directory's own.
PUBLIC_PRACTICE = Q(status=PUBLIC_LISTING_STATUS) & public_organizations_q("organization__")


def public_practices() -> QuerySet:
    return PracticeNote.objects.filter(PUBLIC_PRACTICE)


def practices_visible_to(user) -> QuerySet:
    """The public's notes, plus every note of its own author; staff see all."""
    if user.is_authenticated and user.is_staff:
        return PracticeNote.objects.all()
    if user.is_authenticated:
        return PracticeNote.objects.filter(PUBLIC_PRACTICE | Q(author=user))
    return public_practices()


def public_positions_q(prefix: str = "", *, now=None) -> Q:
    """The positions the public sees: those whose publication time has come."""
    return Q(**{f"{prefix}published_at__lte": now or timezone.now()})


def public_positions(*, now=None) -> QuerySet:
    return Position.objects.filter(public_positions_q(now=now))


def positions_visible_to(user) -> QuerySet:
    """The public's positions; staff also see drafts and scheduled ones."""
    if user.is_authenticated and user.is_staff:
        return Position.objects.all()
    return public_positions()


def public_endorsements(*, now=None) -> QuerySet:
    """Endorsements of public positions by public organizations."""
    return Endorsement.objects.filter(
        public_positions_q("position__", now=now) & public_organizations_q("organization__")
    )


# --- Practice notes ---------------------------------------------------------------------------

MAX_QUERY_LENGTH = 200
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,180}$")
WORD = re.compile(r"\w+", re.UNICODE)
FACET_LIMIT = 25


def _slug_or_blank(value) -> str:
    """A filter value that is a slug, or "" (anything else is ignored, never looked up)."""
    value = (value or "").strip()
    return value if SLUG.match(value) else ""


@dataclass(frozen=True)
class PracticeQuery:
    """What /practices/ and the API were asked for: words, one tag, one organization."""

    q: str = ""
    tag: str = ""
    organization: str = ""

    @classmethod
    def from_querydict(cls, data) -> "PracticeQuery":
        return cls(
            q=" ".join((data.get("q") or "").split())[:MAX_QUERY_LENGTH],
            tag=_slug_or_blank(data.get("tag")),
            organization=_slug_or_blank(data.get("organization")),
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.tag or self.organization)


def _searched(queryset: QuerySet, q: str) -> QuerySet:
    """Every word in the title, the summary or the text (a simple word match; the notes are
    few compared with the directory)."""
    for word in WORD.findall(q)[:10]:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(text__icontains=word)
        )
    return queryset


def practices_matching(query: PracticeQuery, *, ignore: str = "") -> QuerySet:
    """Public notes matching `query`; `ignore` leaves one facet out (for its counts)."""
    notes = _searched(public_practices(), query.q)
    if query.tag and ignore != "tag":
        notes = notes.filter(tags__slug=query.tag)
    if query.organization and ignore != "organization":
        notes = notes.filter(organization__slug=query.organization)
    return notes


def practice_list(query: PracticeQuery) -> QuerySet:
    """The list's rows, newest first, with what a card shows (organization, tags)."""
    return (
        practices_matching(query)
        .select_related("organization")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .order_by("-published_at", "-pk")
    )


def practice_facets(query: PracticeQuery) -> dict[str, list[tuple[str, str, int]]]:
    """(slug, name, count) per tag and per organization, each counted with the other
    filters applied; one query each."""
    tags = (
        Tag.objects.filter(practice_notes__in=practices_matching(query, ignore="tag"))
        .values_list("slug", "name")
        .annotate(n=Count("practice_notes"))
        .order_by("-n", "name")[:FACET_LIMIT]
    )
    organizations = (
        Organization.objects.filter(
            practice_notes__in=practices_matching(query, ignore="organization")
        )
        .values_list("slug", "name")
        .annotate(n=Count("practice_notes"))
        .order_by("-n", "name")[:FACET_LIMIT]
    )
    return {"tag": list(tags), "organization": list(organizations)}


def practice_for_visitor(slug: str, user) -> PracticeNote | None:
    return (
        practices_visible_to(user)
        .select_related("organization", "author")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .filter(slug=slug)
        .first()
    )


def public_practices_of(organization: Organization, *, limit: int = 10) -> list[PracticeNote]:
    return list(
        public_practices().filter(organization=organization).order_by("-published_at")[:limit]
    )


def organizations_for_practice(user) -> QuerySet:
    """The published organizations `user` is an active member of, whatever the role: a note
    is written on behalf of one of them."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        public_organizations_q(),
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by(Lower("name"))


# --- Positions and endorsements ---------------------------------------------------------------


def position_list(*, now=None) -> QuerySet:
    """The public's positions, newest first, each with its count of public endorsements."""
    now = now or timezone.now()
    counted = public_organizations_q("endorsements__organization__")
    return (
        public_positions(now=now)
        .annotate(endorsement_count=Count("endorsements", filter=counted))
        .order_by("-published_at", "-pk")
    )


def position_for_visitor(slug: str, user) -> Position | None:
    return positions_visible_to(user).filter(slug=slug).first()


@dataclass(frozen=True)
class EndorsersOfKind:
    kind: str
    label: str
    endorsements: list[Endorsement]


def endorsers_by_kind(position: Position) -> list[EndorsersOfKind]:
    """The organizations publicly behind `position`, grouped by kind (in the kinds' order),
    by name within each; one query."""
    endorsements = (
        Endorsement.objects.filter(position=position)
        .filter(public_organizations_q("organization__"))
        .select_related("organization")
        .order_by(Lower("organization__name"))
    )
    order = {kind: index for index, kind in enumerate(Organization.Kind.values)}
    labels = dict(Organization.Kind.choices)
    rows = sorted(endorsements, key=lambda row: order.get(row.organization.kind, len(order)))
    return [
        EndorsersOfKind(kind=kind, label=labels.get(kind, kind), endorsements=list(group))
        for kind, group in groupby(rows, key=lambda row: row.organization.kind)
    ]


def endorsements_for_export(position: Position) -> QuerySet:
    """Every endorsement of `position` (staff's export), with who made it."""
    return (
        Endorsement.objects.filter(position=position)
        .select_related("organization", "endorsed_by")
        .order_by(Lower("organization__name"))
    )


def organizations_that_may_endorse(user) -> QuerySet:
    """The published organizations `user` is an active owner or admin of."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return organizations_managed_by(user).filter(public_organizations_q())


def positions_endorsed_by(organization: Organization, *, limit: int = 10) -> list[Position]:
    return list(
        public_positions()
        .filter(endorsements__organization=organization)
        .order_by("-published_at")[:limit]
    )


def organizations_endorsing(position: Position, organizations) -> set[int]:
    """The ids of those of `organizations` that endorse `position`."""
    return set(
        Endorsement.objects.filter(position=position, organization__in=organizations).values_list(
            "organization_id", flat=True
        )
    )


def endorsement_by(position: Position, organization_slug: str) -> Endorsement | None:
    """The endorsement of `position` by the organization with that slug, if any."""
    if not SLUG.match(organization_slug or ""):
        return None
    return (
        Endorsement.objects.filter(position=position, organization__slug=organization_slug)
        .select_related("organization", "position")
        .first()
    )
