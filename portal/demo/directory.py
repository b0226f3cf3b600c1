"""The directory's demo files (directory/demo/region.yaml, then uses.yaml), loaded through its
services."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.text import slugify

from directory import services
from directory.models import (
    ListingStatus,
    Membership,
    Organization,
    Project,
    ProjectRole,
    ProjectUse,
    Tag,
)
from directory.uses import services as uses
from hub.models import User
from portal.demo.base import DemoError, People, entry, people_without_login, read
from portal.demo.dates import moment

# A published demo listing was submitted this long before staff listed it.
SUBMITTED_BEFORE_LISTED = timedelta(days=2)
PROJECT_ROLES = {"sponsors": ProjectRole.Role.SPONSOR, "contributors": ProjectRole.Role.CONTRIBUTOR}


@dataclass
class DirectoryResult:
    tags: int = 0
    organizations: int = 0
    projects: int = 0
    memberships: int = 0
    uses: int = 0
    created: list = field(default_factory=list)


def load_directory(data: dict, *, people: People, now: datetime) -> DirectoryResult:
    """Tags, organizations, projects, memberships and claims; an existing slug is skipped."""
    staff = people.staff
    tags = _tags(data["tags"])
    owners = {slugify(row["name"]): row.get("owner") for row in data["organizations"]}
    result = DirectoryResult(tags=len(tags))
    organizations = {}
    for row in data["organizations"]:
        slug = slugify(row["name"])
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            with entry(f"Organization {row['name']!r}"):
                organization = _organization(row, tags, people, staff, now)
            result.created.append(organization)
        organizations[slug] = organization
    for row in data["projects"]:
        if Project.objects.filter(slug=slugify(row["name"])).exists():
            continue
        with entry(f"Project {row['name']!r}"):
            result.created.append(_project(row, tags, organizations, owners, people, staff, now))
    for row in data.get("memberships", []):
        with entry(f"Membership of {row['person']} in {row['organization']}"):
            organization = _named(organizations, row["organization"])
            add_member(organization, people[row["person"]], row.get("role", "member"), staff)
    for row in data.get("claims", []):
        with entry(f"Claim of {row['person']} on {row['organization']}"):
            services.membership_claim(
                user=people[row["person"]],
                organization=_named(organizations, row["organization"]),
                message=row["message"],
                notify=False,
            )
    region_projects = {slugify(row["name"]) for row in data["projects"]}
    result.uses = _load_uses(
        read("directory", "uses.yaml"), organizations, region_projects, people, now
    )
    result.organizations = len(organizations)
    result.projects = len(data["projects"])
    result.memberships = Membership.objects.filter(
        organization__in=organizations.values(), user__in=people.values()
    ).count()
    return result


def _tags(data: dict[str, list[str]]) -> dict[str, Tag]:
    """The vocabulary staff keep in the admin: tags by name, created once."""
    tags = {}
    for kind, names in data.items():
        for name in names:
            tags[name], _ = Tag.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "kind": Tag.Kind(kind)}
            )
    return tags


def _named(listings: dict, slug: str):
    if slug not in listings:
        raise DemoError(f"Unknown organization {slug!r}: list it in region.yaml first.")
    return listings[slug]


def _tagged(row: dict, tags: dict[str, Tag]) -> list[Tag]:
    unknown = set(row["tags"]) - set(tags)
    if unknown:
        raise DemoError(f"{row['name']!r} has tags that are not listed: {sorted(unknown)}.")
    return [tags[name] for name in row["tags"]]


def _organization(row, tags, people, staff, now) -> Organization:
    """Its owner (or staff) submits it; staff publish it and flag it, or turn it down."""
    try:
        size_band = Organization.SizeBand[row["size"].upper()]
    except KeyError:
        raise DemoError(f"{row['name']!r}: size is tiny, small, medium, large or huge.") from None
    data = {
        "name": row["name"],
        "kind": row["kind"],
        "description": row["description"].strip(),
        "website": row["website"],
        "city": row["city"],
        "neighbourhood": row.get("neighbourhood", ""),
        "size_band": size_band,
        "innersource": row.get("innersource", False),
    }
    owner = people[row["owner"]] if row.get("owner") else staff
    organization = services.organization_submit(user=owner, data=data, tags=_tagged(row, tags))
    _moderate(organization, row, staff, now)
    flags = {name: True for name in ("featured", "verified") if row.get(name)}
    if flags:
        services.organization_set_flags(organization=organization, actor=staff, **flags)
    return organization


def _project(row, tags, organizations, owners, people, staff, now) -> Project:
    """The maintainer's owner (or staff) submits it for the maintainer; staff name the
    sponsors and contributors, then publish it."""
    maintainer = _named(organizations, row["maintainer"])
    submitter = row.get("submitted_by") or owners.get(row["maintainer"])
    data = {
        "name": row["name"],
        "description": row["description"].strip(),
        "repository_url": row["repository"],
        "homepage": row.get("homepage", ""),
        "license": row["license"],
        "seeking_contributors": bool(row.get("pitch")),
        "pitch": row.get("pitch", "").strip(),
        "help_wanted": row.get("help_wanted", []),
        "contact_url": row.get("contact", ""),
    }
    project = services.project_submit(
        user=people[submitter] if submitter else staff,
        data=data,
        tags=_tagged(row, tags),
        organization=maintainer,
    )
    for key, role in PROJECT_ROLES.items():
        for slug in row.get(key, []):
            services.project_role_set(
                project=project, organization=_named(organizations, slug), actor=staff, role=role
            )
    _moderate(project, row, staff, now)
    return project


def _moderate(listing, row: dict, staff: User, now: datetime) -> None:
    """Staff publish or reject the submitted listing, or leave it waiting.

    A listing made long ago (no service makes one): after the services, only its
    timestamps move back to when it was submitted and listed.
    """
    status = row.get("status", ListingStatus.PUBLISHED)
    model = type(listing)
    if status == ListingStatus.PUBLISHED:
        services.listing_publish(listing=listing, actor=staff, notify=False)
        listed = moment(row["listed"], now=now)
        model.objects.filter(pk=listing.pk).update(
            created_at=listed - SUBMITTED_BEFORE_LISTED, published_at=listed
        )
        return
    if status == ListingStatus.REJECTED:
        services.listing_reject(listing=listing, actor=staff, reason=row["rejected"], notify=False)
    elif status != ListingStatus.PENDING:
        raise DemoError(f"{row['name']!r}: status is published, pending or rejected.")
    model.objects.filter(pk=listing.pk).update(created_at=moment(row["submitted"], now=now))


def add_member(organization: Organization, person: User, role: str, staff: User) -> None:
    """Staff add the person in the role, as in the admin; an existing membership stays."""
    if not Membership.objects.filter(user=person, organization=organization).exists():
        services.membership_add(organization=organization, actor=staff, user=person, role=role)


def _load_uses(data: dict, organizations: dict, region_projects: set, people, now) -> int:
    """uses.yaml: staff add the public bodies' admins, then each organization says what it
    uses, for the projects of the region being loaded. Returns how many it says."""
    rows = [row for row in data["uses"] if row["project"] in region_projects]
    # Read afresh: as staff left them (published), not as they were submitted.
    users = Organization.objects.in_bulk(
        [_named(organizations, row["organization"]).slug for row in rows], field_name="slug"
    )
    admins = people_without_login(data["admins"])
    for row in data["admins"]:
        if row["organization"] in users:
            with entry(f"Admin {row['email']} of {row['organization']}"):
                add_member(users[row["organization"]], admins[row["email"]], "admin", people.staff)
    everyone = People({**people, **admins})
    for row in rows:
        with entry(f"Use of {row['project']} by {row['organization']}"):
            _declare(row, users[row["organization"]], everyone, now)
    return len(rows)


def _declare(row: dict, organization: Organization, people: People, now: datetime) -> None:
    """The organization's admin declares; one made long ago moves back to its date."""
    use, created = uses.use_declare(
        organization=organization,
        project=Project.objects.get(slug=row["project"]),
        status=row["status"],
        note=row.get("note", ""),
        actor=people[row["by"]],
    )
    if created:
        said = moment(row["since"], now=now)
        ProjectUse.objects.filter(pk=use.pk).update(created_at=said, since=said)
