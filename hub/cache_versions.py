"""Version numbers for families of cached values: every key of a family carries the family's
current version, so one new version makes all of them stale at once (no key listing, no
delete races); stale entries simply expire.

This module owns every version key of the hub, so what a change makes stale reads in one
place:

- one version per public app's pages (`PAGE_VERSION_KEYS`): a committed change to a row of
  `directory`, `events`, `pledges` or `chamber` bumps that app's version only
  (hub/pagecache.py);
- a cached page carries the versions of the apps it shows (`PAGE_DEPENDENCIES`): its own
  app's, plus the directory's for events, pledges and chamber pages (they name organizations
  and projects), and every public app's for the home page and the organization page (its
  events, pledges and chamber sections);
- the directory's cached numbers (`DIRECTORY_LISTINGS`, directory/queries.py: bumped on
  commit by every directory service that changes what its counts read, a declaration of use
  included, for the "used by public bodies" facet) and the pledges' leaderboards
  (`PLEDGES_LEADERBOARDS`, pledges/leaderboards.py, which also key on the directory's numbers).
"""

import logging
import time
from collections.abc import Iterable

from django.core.cache import cache

logger = logging.getLogger(__name__)

# The apps whose rows anonymous pages show, each with the version of its cached pages.
PUBLIC_APPS = ("directory", "events", "pledges", "chamber")
PAGE_VERSION_KEYS = {app: f"pages:{app}:version" for app in PUBLIC_APPS}

# Which apps' versions a page is keyed on: by its view ("module.function"), else by its
# view's app (the top package of the view's module).
PAGE_DEPENDENCIES = {
    "directory": ("directory",),
    "events": ("directory", "events"),
    "pledges": ("directory", "pledges"),
    "chamber": ("directory", "chamber"),
    # The top layer (home) combines every public app.
    "portal": PUBLIC_APPS,
    # The organization page shows sections of events, pledges and the chamber
    # (directory.sections).
    "directory.views.organization_detail": PUBLIC_APPS,
    # The project page lists the project's open asks (pledges/templatetags/asks_tags.py).
    "directory.views.project_detail": ("directory", "pledges"),
}

# Other version-keyed families.
DIRECTORY_LISTINGS = "directory:listings:version"
PLEDGES_LEADERBOARDS = "pledges:leaderboards:version"


def bump(version_key: str) -> None:
    """Every value cached under the old version is stale from now on.

    The new version is the clock in nanoseconds: one write, no read, and never a number an
    earlier entry was stored under. Called after a commit, so a cache that is away must not
    turn a saved change into an error (its entries expire on their own)."""
    try:
        cache.set(version_key, time.time_ns(), timeout=None)
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not bump the cache version %s: %s", version_key, error)


def current(version_key: str) -> int:
    version = cache.get(version_key)
    if version is None:
        # The clock, as in bump(): should the key ever be evicted, entries built under an
        # old version must not come back to life.
        cache.add(version_key, time.time_ns(), timeout=None)
        version = cache.get(version_key, 0)
    return version


def combined(version_keys: Iterable[str]) -> str:
    """One string of several families' versions, for a key that depends on all of them
    (one round trip to the cache when every version is there)."""
    keys = list(version_keys)
    found = cache.get_many(keys)
    return ":".join(str(found[key] if key in found else current(key)) for key in keys)


def pages_changed(*apps: str) -> None:
    """Every cached anonymous page that shows `apps` (all public apps if none) is stale."""
    for app in apps or PUBLIC_APPS:
        bump(PAGE_VERSION_KEYS[app])


def page_dependencies(view) -> tuple[str, ...]:
    """The public apps the page of `view` shows (every public app for a view not named)."""
    named = f"{view.__module__}.{view.__qualname__}"
    app = view.__module__.split(".")[0]
    return PAGE_DEPENDENCIES.get(named) or PAGE_DEPENDENCIES.get(app, PUBLIC_APPS)


def pages_version(apps: Iterable[str]) -> str:
    return combined(PAGE_VERSION_KEYS[app] for app in apps)
