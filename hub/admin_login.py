"""The Django admin's login, rate-limited like the site's.

Wrong passwords at /admin/login/ count against allauth's `login_failed` limits
(ACCOUNT_RATE_LIMITS; by default 5 per account in 5 minutes and 10 per client address in a
minute), in the very counters the site login (/accounts/login/) uses, so an attacker gains
nothing by switching between the two. Past the limit the admin login answers 429 with
templates/429.html.
"""

import logging
import math
from functools import wraps

from allauth.core.internal import ratelimit
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import render

logger = logging.getLogger(__name__)

APP = "allauth.account"
ACTION = "login_failed"


def attempts_key(request) -> str:
    # The key allauth's account adapter counts failed logins under (site domain, login),
    # so that the admin and the site share one count per account.
    login = request.POST.get("username", "")
    return f"{get_current_site(request).domain}:{login.lower()}"


def too_many_attempts(request):
    """The 429 page, saying how long the longest of the limits lasts (an upper bound)."""
    rates = ratelimit.get_rates(app=APP, action=ACTION)
    seconds = math.ceil(max((rate.duration for rate in rates), default=60))
    response = render(
        request, "429.html", {"retry_after_minutes": math.ceil(seconds / 60)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(login_view):
    """Wrap AdminSite.login: a POST first takes one attempt from the limits; a successful
    login gives it back (as allauth does), so only wrong passwords use them up."""

    @wraps(login_view)
    def view(request, extra_context=None):
        if request.method != "POST":
            return login_view(request, extra_context)
        try:
            usage = ratelimit.consume(request, app=APP, action=ACTION, key=attempts_key(request))
        except (ImproperlyConfigured, PermissionDenied):
            raise
        except Exception:  # the cache backend's own errors (Redis down or frozen, ...)
            logger.warning("Admin login rate limit not checked (cache unavailable)", exc_info=True)
            return login_view(request, extra_context)
        if usage is None:
            return too_many_attempts(request)
        response = login_view(request, extra_context)
        # The admin's login answers a POST with a redirect only when the password was right.
        if response.status_code == 302 and request.user.is_authenticated:
            try:
                usage.rollback()
            except Exception:  # see above; the attempt then simply stays counted
                logger.warning("Admin login rate limit not rolled back", exc_info=True)
        return response

    return view
