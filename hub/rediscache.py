"""The Redis cache backend of the full stack, for a Redis that may be slow or away.

Everything the hub caches can be computed again, so a cache that cannot be reached is
treated as an empty one: a read is a miss, a write is dropped, `add` succeeds (as in
Django's DummyCache), and the page is served uncached. That includes the reads behind
rate limits (allauth's sign-in limits, DRF throttles): while Redis is away they cannot be
checked and let the request through, which the warning below says.

A frozen Redis costs a full socket timeout per call, and one page makes several calls: after
a failure, the process leaves Redis alone for a few seconds (`RETRY_AFTER_SECONDS`) and
answers every call as a miss straight away, then tries again.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)

# Per process (Django builds a cache object per thread): servers -> when to try again.
_away_until: dict[tuple[str, ...], float] = {}
_lock = threading.Lock()


def is_away(servers: tuple[str, ...]) -> bool:
    return time.monotonic() < _away_until.get(servers, 0.0)


def mark_away(servers: tuple[str, ...], error: Exception) -> None:
    with _lock:
        if is_away(servers):
            return
        _away_until[servers] = time.monotonic() + RETRY_AFTER_SECONDS
    logger.warning(
        "Redis cache unavailable (%s): every cache read is a miss and rate limits are not "
        "enforced for the next %.0f s",
        error,
        RETRY_AFTER_SECONDS,
    )


def forget_outages() -> None:
    """Try Redis again on the next call (tests)."""
    _away_until.clear()


def _miss_when_away(method, miss):
    def guarded(self, *args, **kwargs):
        if is_away(self.servers):
            return miss(*args)
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as error:
            mark_away(self.servers, error)
            return miss(*args)

    guarded.__name__ = method.__name__
    return guarded


def _not_found(key, delta):
    raise ValueError(f"Key '{key}' not found.")


class ResilientRedisCacheClient(RedisCacheClient):
    """Django's client, where "Redis is away" answers as an empty cache would."""

    @property
    def servers(self) -> tuple[str, ...]:
        return tuple(self._servers)

    add = _miss_when_away(RedisCacheClient.add, lambda key, value, timeout: True)
    get = _miss_when_away(RedisCacheClient.get, lambda key, default: default)
    set = _miss_when_away(RedisCacheClient.set, lambda key, value, timeout: None)
    touch = _miss_when_away(RedisCacheClient.touch, lambda key, timeout: False)
    delete = _miss_when_away(RedisCacheClient.delete, lambda key: False)
    get_many = _miss_when_away(RedisCacheClient.get_many, lambda keys: {})
    has_key = _miss_when_away(RedisCacheClient.has_key, lambda key: False)
    incr = _miss_when_away(RedisCacheClient.incr, _not_found)
    set_many = _miss_when_away(RedisCacheClient.set_many, lambda data, timeout: None)
    delete_many = _miss_when_away(RedisCacheClient.delete_many, lambda keys: None)
    clear = _miss_when_away(RedisCacheClient.clear, lambda: False)


class ResilientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` that serves misses while Redis is away."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
