"""API rate limits: DRF throttles for anonymous and signed-in callers, and scoped ones for
the writes a script might hammer (registering, voting, logging hours).

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (set from the environment in
hub/settings.py), read on every request rather than once at import as DRF's own classes do.
A caller is told apart from another by the address allauth's rate limits use, so both honour
`ALLAUTH_TRUSTED_PROXY_COUNT` (HUB_TRUSTED_PROXIES) the same way.
"""

import logging

from allauth.core.internal.ratelimit import get_ip
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class HubRateThrottle(SimpleRateThrottle):
    """A rate for `scope`, per signed-in person, or per client address when anonymous.

    A throttle that cannot reach its cache lets the request through: a rate limit is worth
    less than the request it would refuse, so a cache outage must not take the API down.
    """

    def get_rate(self):
        # Imported here so that a test's override of REST_FRAMEWORK is seen (DRF reloads
        # api_settings on setting_changed, but SimpleRateThrottle.THROTTLE_RATES is a copy
        # taken at import).
        from rest_framework.settings import api_settings

        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as error:
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}") from error

    def get_ident(self, request):
        return get_ip(request._request)

    def caller(self, request) -> str:
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.caller(request)}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except (ImproperlyConfigured, PermissionDenied):
            raise  # a misconfiguration, or a request without a client address: not the cache
        except Exception:  # the cache backend's own errors (Redis down or frozen, ...)
            logger.warning(
                "API rate limit %r not checked (cache unavailable); request let through",
                self.scope,
                exc_info=True,
            )
            return True


class AnonThrottle(HubRateThrottle):
    """Anonymous callers, per client address (HUB_API_RATE_ANON)."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class UserThrottle(HubRateThrottle):
    """Signed-in callers (session or token), per person (HUB_API_RATE_USER)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class WriteThrottle(HubRateThrottle):
    """A scoped rate that counts only the listed methods (and viewset actions, when given)
    of the view it is attached to."""

    methods: tuple[str, ...] = ("POST",)
    actions: tuple[str, ...] | None = None

    def get_cache_key(self, request, view):
        if request.method not in self.methods:
            return None
        if self.actions is not None and getattr(view, "action", None) not in self.actions:
            return None
        return super().get_cache_key(request, view)


class RegisterThrottle(WriteThrottle):
    """Registering for events (HUB_API_RATE_REGISTER)."""

    scope = "register"


class VoteThrottle(WriteThrottle):
    """Voting on unconference proposals, and taking a vote back (HUB_API_RATE_VOTE)."""

    scope = "vote"
    methods = ("POST", "DELETE")


class LogHoursThrottle(WriteThrottle):
    """Logging contributed hours (HUB_API_RATE_LOG_HOURS)."""

    scope = "log_hours"
    # POST on the list; reviews (approve, reject) are POSTs too, and do not count.
    actions = ("create",)


THROTTLED_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "string",
            "example": "Request was throttled. Expected available in 42 seconds.",
        }
    },
    "required": ["detail"],
}

TOO_MANY_REQUESTS = {
    "description": (
        "Too many requests: a rate limit for anonymous callers (per address), signed-in "
        "callers (per person), or for this kind of write (registering, voting, logging hours) "
        "was reached. Wait `Retry-After` seconds."
    ),
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before the next request is accepted.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Throttled"}}},
}


def document_rate_limits(result, generator, request, public):
    """drf-spectacular postprocessing hook: every API operation is throttled, so every one
    may answer 429 with Retry-After."""
    result.setdefault("components", {}).setdefault("schemas", {})["Throttled"] = THROTTLED_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method in {"get", "put", "post", "patch", "delete", "head", "options", "trace"}:
                operation.setdefault("responses", {}).setdefault("429", TOO_MANY_REQUESTS)
    return result
