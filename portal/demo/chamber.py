"""The chamber's demo file (chamber/demo/chamber.yaml), loaded through the chamber's services."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.text import slugify

from chamber import services
from chamber.models import Endorsement, Position, PracticeNote
from directory.models import ListingStatus, Organization, Tag
from portal.demo.base import DemoError, People, entry
from portal.demo.dates import moment

# A published demo note was submitted this long before staff published it.
SUBMITTED_BEFORE_PUBLISHED = timedelta(days=3)


@dataclass
class ChamberResult:
    practices: int = 0
    positions: int = 0
    endorsements: int = 0
    created: list = field(default_factory=list)


def load_chamber(data: dict, *, people: People, now: datetime) -> ChamberResult:
    """Pattern tags, practice notes and positions with their endorsements; an existing slug
    is skipped (its endorsements are made again only where missing)."""
    staff = people.staff
    tags = _tags(data["patterns"])
    slugs = {row["organization"] for row in data["practices"]}
    slugs |= {row["organization"] for p in data["positions"] for row in p["endorsements"]}
    organizations = {org.slug: org for org in Organization.objects.filter(slug__in=slugs)}
    result = ChamberResult()
    for row in data["practices"]:
        if PracticeNote.objects.filter(slug=slugify(row["title"])).exists():
            continue
        with entry(f"Practice {row['title']!r}"):
            result.created.append(_practice(row, tags, organizations, people, staff, now))
    for row in data["positions"]:
        with entry(f"Position {row['slug']!r}"):
            position = Position.objects.filter(slug=row["slug"]).first()
            if position is None:
                position = _position(row, staff, now)
                result.created.append(position)
            if position.open_for_endorsement:
                for endorsement in row["endorsements"]:
                    _endorse(position, endorsement, organizations, people, now)
            if position.open_for_endorsement and not row["open"]:
                # A closed position was open while its endorsers signed, then staff closed it.
                position.open_for_endorsement = False
                services.position_save(
                    position=position, actor=staff, changed=["open_for_endorsement"]
                )
    result.practices = PracticeNote.objects.filter(
        slug__in=[slugify(row["title"]) for row in data["practices"]]
    ).count()
    result.positions = len(data["positions"])
    result.endorsements = Endorsement.objects.filter(
        position__slug__in=[row["slug"] for row in data["positions"]]
    ).count()
    return result


def _tags(patterns: list[str]) -> dict[str, Tag]:
    """The patterns as topic tags, beside the directory's tags (which the notes use too)."""
    for name in patterns:
        Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name, "kind": "topic"})
    return {tag.name: tag for tag in Tag.objects.all()}


def _named(organizations: dict, slug: str) -> Organization:
    if slug not in organizations:
        raise DemoError(f"Unknown organization {slug!r}: list it in directory/demo/region.yaml.")
    return organizations[slug]


def _practice(row, tags, organizations, people, staff, now) -> PracticeNote:
    """Written by the member through the service, then moderated by staff. A note made long
    ago (no service makes one): only its timestamps move back."""
    unknown = [name for name in row.get("tags", []) if name not in tags]
    if unknown:
        raise DemoError(f"Unknown tags {unknown}: add them to the patterns or the region's tags.")
    note = services.practice_submit(
        author=people[row["author"]],
        organization=_named(organizations, row["organization"]),
        data={"title": row["title"], "summary": row.get("summary", ""), "text": row["text"]},
        tags=[tags[name] for name in row.get("tags", [])],
    )
    status = row.get("status", ListingStatus.PUBLISHED)
    if status == ListingStatus.PUBLISHED:
        services.practice_publish(note=note, actor=staff, notify=False)
        published = moment(row["published"], now=now)
        PracticeNote.objects.filter(pk=note.pk).update(
            created_at=published - SUBMITTED_BEFORE_PUBLISHED, published_at=published
        )
        return note
    if status == ListingStatus.REJECTED:
        services.practice_reject(note=note, actor=staff, reason=row["rejected"], notify=False)
    elif status != ListingStatus.PENDING:
        raise DemoError(f"{row['title']!r}: status is published, pending or rejected.")
    PracticeNote.objects.filter(pk=note.pk).update(created_at=moment(row["submitted"], now=now))
    return note


def _position(row, staff, now) -> Position:
    position = Position(
        title=row["title"],
        slug=row["slug"],
        summary=row["summary"],
        text=row["text"],
        open_for_endorsement=True,
        published_at=moment(row["published"], now=now),
    )
    return services.position_save(position=position, actor=staff)


def _endorse(position, row, organizations, people, now) -> None:
    """The owner or admin endorses through the service; one made long ago moves back."""
    endorsement, created = services.endorsement_create(
        position=position,
        organization=_named(organizations, row["organization"]),
        actor=people[row["by"]],
    )
    if created:
        Endorsement.objects.filter(pk=endorsement.pk).update(created_at=moment(row["at"], now=now))
