"""The asks' demo file (pledges/demo/asks.yaml), loaded through the asks' and pledges'
services after the pledges (portal/demo/pledges.py)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from directory.models import Organization, Project, Tag
from pledges import services as pledge_services
from pledges.asks import services
from pledges.models import Ask, Pledge
from portal.demo.base import DemoError, People, entry
from portal.demo.dates import moment


@dataclass
class AsksResult:
    asks: int = 0
    created: list = field(default_factory=list)


def load_asks(data: dict, *, people: People, now: datetime) -> AsksResult:
    """Each ask not posted yet, with its offers and the hours logged for it; people's skills.
    Asks that close while loading (met by their hours) tell nobody."""
    tags = {tag.name: tag for tag in Tag.objects.all()}
    result = AsksResult()
    with services.without_mail():
        for row in data["asks"]:
            project = _project(row["project"])
            if Ask.objects.filter(project=project, title=row["title"]).exists():
                continue
            with entry(f"Ask {row['title']!r}"):
                ask = services.ask_post(
                    project=project,
                    actor=people[row["by"]],
                    data={
                        "title": row["title"],
                        "text": row["text"],
                        "hours_wanted": Decimal(str(row["hours"])),
                        "needed_by": moment(row["by_when"], now=now).date(),
                        "how_to_start": row.get("how_to_start", ""),
                    },
                    skills=[_tag(tags, name) for name in row.get("skills", [])],
                )
                for offer in row.get("offers", []):
                    services.offer_make(
                        ask=ask,
                        person=people[offer["email"]],
                        hours=Decimal(str(offer["hours"])),
                        note=offer.get("note", ""),
                    )
                for log in row.get("logs", []):
                    _log(ask, log, people, now)
            result.created.append(ask)
    for email, names in data.get("skills", {}).items():
        with entry(f"Skills of {email}"):
            services.skills_set(user=people[email], skills=[_tag(tags, name) for name in names])
    result.asks = Ask.objects.filter(title__in=[row["title"] for row in data["asks"]]).count()
    return result


def _project(slug: str) -> Project:
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise DemoError(f"Unknown project {slug!r}: list it in directory/demo/region.yaml.")
    return project


def _tag(tags: dict, name: str) -> Tag:
    if name not in tags:
        raise DemoError(f"Unknown skill {name!r}: add it to the tags of region.yaml.")
    return tags[name]


def _log(ask: Ask, row: dict, people: People, now: datetime) -> None:
    """Hours logged under the organization's active pledge naming the ask; approved by
    `approved_by` when given (they count), else waiting for review."""
    organization = Organization.objects.get(slug=row["organization"])
    pledge = Pledge.objects.filter(organization=organization, status=Pledge.Status.ACTIVE).first()
    if pledge is None:
        raise DemoError(f"{row['organization']} has no active pledge in pledges.yaml.")
    log = pledge_services.contribution_log(
        pledge=pledge,
        user=people[row["email"]],
        data={
            "date": moment(row["date"], now=now).date(),
            "hours": Decimal(str(row["hours"])),
            "project": ask.project,
            "description": row["description"],
            "ask": ask,
        },
    )
    if "approved_by" in row:
        pledge_services.contribution_approve(contribution=log, actor=people[row["approved_by"]])
