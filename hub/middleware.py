"""Requests the hub refuses before any view sees them: oversized bodies and NUL characters;
the answer to a change that found its row lock busy (hub/locks.py): 503, try again; and the
language of the API's answers.

PostgreSQL cannot store or compare a string holding NUL (0x00), so a NUL in a search box
would otherwise reach the database as a 500. No legitimate form field, query parameter or
address carries one; the hub answers 400 once, here, instead of in every view.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from hub import languages
from hub.locks import LockBusy, is_lock_timeout, retry_after_seconds

API_PREFIX = "/api/"
NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse(request, status: int, message: str):
    if request.path_info.startswith(API_PREFIX):
        code = "payload_too_large" if status == 413 else "bad_request"
        return JsonResponse({"detail": message, "code": code}, status=status)
    return render(request, "400.html", {"status": status, "message": message}, status=status)


def _has_nul(query_dict) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in query_dict.lists()
    )


class BoundedInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        content_type = request.content_type or ""
        # File uploads are not bounded here (Django streams them to disk); the only upload,
        # a logo, has its own limit (HUB_LOGO_MAX_BYTES, directory/logos.py).
        if limit is not None and length > limit and not content_type.startswith("multipart/"):
            return _refuse(
                request,
                413,
                _(
                    "The request is too large ({length} bytes; the limit is {limit}). "
                    "Shorten the text or send fewer items."
                ).format(
                    length=number_format(length, force_grouping=True),
                    limit=number_format(limit, force_grouping=True),
                ),
            )
        if NUL in request.path_info or _has_nul(request.GET):
            return _refuse(request, 400, _("The address contains a NUL character."))
        if request.method == "POST" and content_type in FORM_TYPES:
            try:
                has_nul = _has_nul(request.POST)
            except RequestDataTooBig:
                return _refuse(request, 413, _("The form sent too much data."))
            if has_nul:
                return _refuse(request, 400, _("A form field contains a NUL character."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A row lock that stayed busy (hub/locks.py): 503 with Retry-After, not a 500."""
        if isinstance(exception, OperationalError) and is_lock_timeout(exception):
            exception = LockBusy(retry_after=retry_after_seconds())
        if not isinstance(exception, LockBusy):
            return None
        message = str(exception)
        if request.path_info.startswith(API_PREFIX):
            response = JsonResponse({"detail": message, "code": "busy"}, status=503)
        else:
            response = render(request, "503.html", {"status": 503, "message": message}, status=503)
        response["Retry-After"] = str(exception.retry_after)
        return response


class ApiLanguageMiddleware:
    """The API has one address in every language, so its messages (errors, refusals) follow
    the client's Accept-Language among the hub's languages; the pages' language is their
    address's (LocaleMiddleware, which runs before this)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            translation.activate(languages.browser_language(request) or settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
