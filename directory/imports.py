"""Listings filled from forge repositories: the submit form's prefill (one request, from the
page, with a short timeout), the import preview of an organization's repositories, and the
import job itself (a Celery job: directory.tasks.repository_import_task)."""

from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory import services
from directory.models import Organization, Project
from directory.repositories import (
    MAX_IMPORT,
    ListingFromRepository,
    listing_from_repository,
    projects_by_repository,
    repository_key,
    repository_ref,
)
from hub.forge import (
    ForgeClient,
    ForgeError,
    ForgeNotFound,
    ForgeRateLimited,
    ForgeUnavailable,
    OwnerRef,
    parse_repository_url,
)
from hub.models import User

# A page that asks a forge waits at most this long for each answer (or HUB_FORGE_TIMEOUT,
# when that is shorter).
PAGE_TIMEOUT_SECONDS = 4.0
# The import preview reads at most this many repositories of an organization (three pages
# of the forge's list), so that the page answers within a few seconds.
MAX_LISTED = 300


def _page_timeout() -> float:
    return min(PAGE_TIMEOUT_SECONDS, settings.HUB_FORGE_TIMEOUT)


def forge_error_message(error: ForgeError, *, host: str, missing: str) -> str:
    """What a person reads when a forge could not help: then they fill in by hand."""
    if isinstance(error, ForgeNotFound):
        return _("%(missing)s It may be private, renamed or deleted.") % {"missing": missing}
    if isinstance(error, ForgeRateLimited):
        until = timezone.localtime(error.until)
        return _(
            "%(host)s asks us to wait until %(time)s before we ask again (its rate limit). "
            "Fill in the form by hand, or try again then."
        ) % {"host": host, "time": date_format(until, "TIME_FORMAT")}
    return _(
        "%(host)s did not answer in time. Fill in the form by hand, or try again in a minute."
    ) % {"host": host}


# --- The submit form's prefill ----------------------------------------------------------------


@dataclass
class RepositoryPrefill:
    url: str
    initial: dict
    notes: list[str]


def repository_prefill(*, url: str) -> RepositoryPrefill:
    """The project form's initial values from the repository at `url`, and notes on what
    could not be filled. Raises ValidationError with the reason a person can act on."""
    ref = repository_ref(url)
    try:
        with ForgeClient(timeout=_page_timeout()) as forge:
            repository = forge.repository(ref)
    except ForgeError as error:
        raise ValidationError(
            forge_error_message(
                error,
                host=ref.host,
                missing=_("%(host)s has no public repository %(path)s.")
                % {"host": ref.host, "path": ref.path},
            )
        ) from error
    listing = listing_from_repository(repository)
    notes = list(listing.notes)
    listed = projects_by_repository([listing.url]).get(repository_key(listing.url))
    if listed is not None and listed.is_published:
        notes.insert(
            0,
            _(
                "%(name)s lists this repository already (%(url)s): "
                "perhaps ask its maintainers rather than listing it twice."
            )
            % {"name": listed.name, "url": listed.get_absolute_url()},
        )
    initial = {**listing.data, "tags": [tag.pk for tag in listing.tags]}
    return RepositoryPrefill(url=listing.url, initial=initial, notes=notes)


# --- An organization's import -----------------------------------------------------------------


@dataclass
class ImportCandidate:
    url: str
    name: str
    description: str
    archived: bool
    listed: Project | None

    @property
    def checked(self) -> bool:
        return not self.archived


def import_candidates(*, owner: OwnerRef, topic: str = "") -> list[ImportCandidate]:
    """The repositories of `owner` (with `topic`, when given), at most MAX_IMPORT, each with
    the project that lists it already. Files are checked by the import job, not here."""
    try:
        with ForgeClient(timeout=_page_timeout()) as forge:
            repositories = islice(forge.owner_repositories(owner), MAX_LISTED)
            matching = (
                repository
                for repository in repositories
                if not topic or topic.lower() in {t.lower() for t in repository.topics}
            )
            found = list(islice(matching, MAX_IMPORT))
    except ForgeError as error:
        raise ValidationError(
            forge_error_message(
                error,
                host=owner.host,
                missing=_("%(host)s has no organization or group %(path)s.")
                % {"host": owner.host, "path": owner.path},
            )
        ) from error
    listed = projects_by_repository([repository.ref.url for repository in found])
    return [
        ImportCandidate(
            url=repository.ref.url,
            name=repository.name,
            description=repository.description,
            archived=repository.archived,
            listed=listed.get(repository_key(repository.ref.url)),
        )
        for repository in found
    ]


def repository_import_run(
    *,
    organization_id: int,
    actor_id: int,
    source: str,
    urls: list[str],
    run_key: str,
    required_file: str = "",
) -> dict | None:
    """The import job: read each repository from its forge, then list the ones that qualify
    in one transaction (directory.services.repositories_import). Running it twice imports
    nothing twice; a forge that asks to wait stops the batch, and what is left is reported
    as skipped, to be imported again later."""
    organization = Organization.objects.get(pk=organization_id)
    actor = User.objects.get(pk=actor_id)
    if services.repository_import_done(organization=organization, run_key=run_key):
        return None
    listings: list[ListingFromRepository] = []
    skipped: list[dict] = []
    with ForgeClient() as forge:
        for url in urls:
            ref = parse_repository_url(url)
            if ref is None:
                skipped.append({"name": url, "reason": "not a repository address"})
                continue
            try:
                repository = forge.repository(ref)
                if repository.archived:
                    skipped.append({"name": ref.name, "reason": "archived"})
                    continue
                if required_file and not forge.file_exists(ref, required_file):
                    skipped.append({"name": ref.name, "reason": f"no {required_file}"})
                    continue
            except ForgeNotFound:
                skipped.append({"name": ref.name, "reason": "not found (private or deleted)"})
            except ForgeRateLimited as error:
                until = timezone.localtime(error.until)
                skipped.append(
                    {"name": ref.name, "reason": f"{ref.host} asked us to wait until {until:%H:%M}"}
                )
            except ForgeUnavailable:
                skipped.append({"name": ref.name, "reason": f"{ref.host} did not answer"})
            else:
                listings.append(listing_from_repository(repository))
    return services.repositories_import(
        organization=organization,
        actor=actor,
        source=source,
        listings=listings,
        skipped=skipped,
        run_key=run_key,
    )


@dataclass
class ImportRun:
    requested_at: datetime
    source: str
    count: int
    done: bool
    imported: list
    already_listed: list
    skipped: list


def import_runs(organization: Organization, *, limit: int = 10) -> list[ImportRun]:
    """The organization's latest imports, newest first, with their counts once done."""
    requested = list(services.import_audit_entries(organization, services.IMPORT_REQUESTED)[:limit])
    keys = [entry.detail.get("run_key") for entry in requested]
    done = {
        entry.detail.get("run_key"): entry.detail
        for entry in services.import_audit_entries(organization, services.IMPORT_DONE).filter(
            detail__run_key__in=keys
        )
    }
    runs = []
    for entry in requested:
        result = done.get(entry.detail.get("run_key"))
        runs.append(
            ImportRun(
                requested_at=entry.created_at,
                source=entry.detail.get("source", ""),
                count=entry.detail.get("count", 0),
                done=result is not None,
                imported=(result or {}).get("imported", []),
                already_listed=(result or {}).get("already_listed", []),
                skipped=(result or {}).get("skipped", []),
            )
        )
    return runs
