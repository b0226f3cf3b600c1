"""Repository addresses: one normal form, so the same repository is one listing however
its URL was typed (https or http, www., a trailing slash or .git, any letter case)."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from directory.licenses import spdx_ids_by_lowercase
from directory.models import Project, Tag
from hub.bounded import MAX_TAGS
from hub.forge.client import Repository
from hub.forge.refs import (
    GITLAB,
    OwnerRef,
    RepoRef,
    configured_forges,
    parse_owner_url,
    parse_repository_url,
)

# The most repositories one import takes (a page of the preview).
MAX_IMPORT = 200

# A deep link into a repository (a file, a branch, an issue) names the repository it is in:
# GitLab separates the repository's path from the rest with "/-/"; on these hosts a
# repository is always owner/name.
TWO_PART_HOSTS = {"github.com", "codeberg.org", "bitbucket.org"}


def repository_key(url: str) -> str:
    """'host/owner/name' in lower case, or '' for anything that is not a web address."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.lower().split("/-/")[0].strip("/")
    segments = [segment for segment in path.split("/") if segment]
    if host in TWO_PART_HOSTS:
        segments = segments[:2]
    if segments:
        segments[-1] = segments[-1].removesuffix(".git")
    return "/".join([host, *segments])


def projects_by_repository(urls) -> dict[str, Project]:
    """The listed project (any status) of each repository among `urls`, by repository_key.

    One query: projects whose address starts like the repositories' owners (a handful of
    prefixes for an organization's repositories), compared in their normal form here.
    """
    keys = {key for key in map(repository_key, urls) if "/" in key}
    if not keys:
        return {}
    owners = {key.rsplit("/", 1)[0] for key in keys}
    near = Q()
    for owner in owners:
        for scheme in ("https://", "http://"):
            for www in ("", "www."):
                near |= Q(repository_url__istartswith=f"{scheme}{www}{owner}/")
    found = {}
    for project in Project.objects.filter(near).order_by("pk"):
        key = repository_key(project.repository_url)
        if key in keys:
            found.setdefault(key, project)
    return found


def owns(owner: OwnerRef, repo: RepoRef) -> bool:
    """Whether `repo` belongs to `owner` (on GitLab, to the group or one of its subgroups)."""
    if (repo.kind, repo.host) != (owner.kind, owner.host):
        return False
    owner_path, repo_owner = owner.path.lower(), repo.owner.lower()
    return repo_owner == owner_path or (
        repo.kind == GITLAB and repo_owner.startswith(owner_path + "/")
    )


@dataclass
class ListingFromRepository:
    """What a repository says about itself, as a project listing's fields and tags, with
    notes on what could not be carried over."""

    url: str
    name: str
    data: dict
    tags: list[Tag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def listing_from_repository(repository: Repository) -> ListingFromRepository:
    """The project fields a repository fills: name, description, repository, homepage, license
    (an SPDX id of the directory's list) and tags (the topics that are tags here already).

    Topics that are not tags stay out: only staff add tags to the directory.
    """
    url, homepage = repository.ref.url, repository.homepage
    data = {
        "name": repository.name[:160],
        "description": repository.description,
        "repository_url": url,
        "homepage": homepage if repository_key(homepage) and len(homepage) <= 200 else "",
    }
    notes = []
    spdx_id = spdx_ids_by_lowercase().get(repository.license_spdx.lower())
    data["license"] = spdx_id or ""
    if repository.license_spdx and not spdx_id:
        notes.append(
            _(
                "The repository’s license “%(license)s” is not an SPDX identifier "
                "we know: choose the license by hand."
            )
            % {"license": repository.license_spdx}
        )
    elif repository.license_found and not spdx_id:
        notes.append(
            _("The forge found a license file it could not identify: choose the license by hand.")
        )
    elif not spdx_id:
        notes.append(_("The forge names no license: choose the license by hand."))
    topics = list(dict.fromkeys(topic.lower() for topic in repository.topics if topic))
    by_slug = {tag.slug: tag for tag in Tag.objects.filter(slug__in=map(slugify, topics))}
    tags = [by_slug[slugify(topic)] for topic in topics if slugify(topic) in by_slug]
    tags = list(dict.fromkeys(tags))[:MAX_TAGS]
    untagged = [topic for topic in topics if slugify(topic) not in by_slug]
    if untagged:
        notes.append(
            _(
                "Topics that are not tags in the directory were left out: %(topics)s. "
                "Only staff add new tags; mention them in the description if they matter."
            )
            % {"topics": ", ".join(untagged)}
        )
    return ListingFromRepository(url=url, name=data["name"], data=data, tags=tags, notes=notes)


def _known_hosts() -> str:
    return ", ".join(sorted(configured_forges()))


def _unknown_address(text: str, *, not_one: str) -> str:
    """Why an address names no repository (or organization): an unknown forge, or not an
    address at all."""
    text = text.strip()
    try:
        host = urlsplit(text if "://" in text else f"https://{text}").hostname or ""
    except ValueError:
        host = ""
    if "." in host and " " not in text and host.removeprefix("www.") not in configured_forges():
        return _(
            "The hub does not read from %(host)s; it knows %(known)s. Fill in the form by hand."
        ) % {"host": host, "known": _known_hosts()}
    return not_one


def repository_ref(url: str) -> RepoRef:
    ref = parse_repository_url(url)
    if ref is None:
        raise ValidationError(
            _unknown_address(
                url,
                not_one=_(
                    "This is not the address of a repository "
                    "(for example https://github.com/owner/name)."
                ),
            )
        )
    return ref


def owner_ref(url: str) -> OwnerRef:
    ref = parse_owner_url(url)
    if ref is None:
        raise ValidationError(
            _unknown_address(
                url,
                not_one=_(
                    "This is not the address of an organization or group "
                    "(for example https://github.com/your-org)."
                ),
            )
        )
    return ref
