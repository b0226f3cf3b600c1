"""Whole pages cached for anonymous visitors.

Most of the hub's traffic is people and crawlers without an account reading the directory,
the events and the pledge boards: for them a public page is the same for everyone, so it is
rendered once and served from the cache until something public changes. Anyone signed in
(a session cookie or an API token) always gets a freshly rendered page.

Freshness: every cached page's key carries the page versions of the public apps it shows
(hub/cache_versions.py: its view's app, plus the directory for events and pledges pages; a
view may name its apps). An app's version is bumped when a transaction that saved or deleted
a row of that app commits (the signal handlers in `connect_signals`), plus by the services
that write with bulk queries: a vote on a session makes the events pages stale and leaves
the directory's cached pages alone, a renamed organization makes both stale. Time-dependent parts
("registration opens at 10:00", "upcoming") are bounded by HUB_PAGE_CACHE_SECONDS.
"""

import functools
import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation

from hub import cache_versions, languages

logger = logging.getLogger(__name__)
# Rows of these apps are what anonymous pages show.
PUBLIC_APPS = frozenset(cache_versions.PUBLIC_APPS)


def public_pages_changed(*apps: str) -> None:
    """Every cached anonymous page that shows `apps` (all of them if none) is stale."""
    cache_versions.pages_changed(*apps)


def _row_changed(sender, **kwargs) -> None:
    app = sender._meta.app_label
    if app in PUBLIC_APPS:
        transaction.on_commit(functools.partial(public_pages_changed, app))


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_row_changed, dispatch_uid=f"hub.pagecache.{signal}")


def _is_anonymous_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _is_storable(request, response) -> bool:
    """Only a plain page that is the same for every visitor: no CSRF token, no session
    write, no message in it."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not len(messages.get_messages(request))
    )


def _page_key(request, apps) -> str:
    # Accept is part of the key: the API negotiates its format from it. So are the page's
    # language and the one it offers (a first visit may be offered the browser's language).
    what = "\n".join((
        request.get_host(),
        request.get_full_path(),
        request.META.get("HTTP_ACCEPT", ""),
        translation.get_language(),
        languages.offered_language(request) or "",
    ))  # fmt: skip
    digest = hashlib.sha256(what.encode()).hexdigest()[:40]
    return f"page:{cache_versions.pages_version(apps)}:{digest}"


def cache_anonymous_page(view=None, *, apps=None):
    """Serve `view` from the cache to anonymous readers (see the module's docstring).

    The page is keyed on the versions of `apps`; by default the apps a page of the view's
    own app shows (cache_versions.PAGE_DEPENDENCIES). Use as `@cache_anonymous_page` or
    `@cache_anonymous_page(apps=(...))`."""
    if view is None:
        return functools.partial(cache_anonymous_page, apps=apps)
    if apps is None:
        apps = cache_versions.page_dependencies(view)
    apps = tuple(sorted(apps))

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.HUB_PAGE_CACHE_SECONDS
        if not seconds or not _is_anonymous_read(request):
            return view(request, *args, **kwargs)
        try:
            key = _page_key(request, apps)
            stored = cache.get(key)
        except Exception as error:  # noqa: BLE001 - without its cache the page is still served
            logger.warning("Page cache unavailable: %s", error)
            return view(request, *args, **kwargs)
        if stored is not None:
            content, headers = stored
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)

        def store(rendered):
            if _is_storable(request, rendered):
                try:
                    cache.set(key, (rendered.content, dict(rendered.headers)), timeout=seconds)
                except Exception as error:  # noqa: BLE001 - storing the page is a bonus
                    logger.warning("Page cache unavailable: %s", error)

        if getattr(response, "is_rendered", True):
            store(response)
        else:
            response.add_post_render_callback(store)
        return response

    return wrapper
