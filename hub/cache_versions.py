"""Version numbers for families of cached values: every key of a family carries the family's
current version, so one new version makes all of them stale at once (no key listing, no
delete races); stale entries simply expire."""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


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
