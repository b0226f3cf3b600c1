"""Error answers: JSON under /api/ (what API clients parse), the site's pages elsewhere.

DRF answers its own views' errors in JSON; these cover what happens before a view is found
(a path that matches no route, a 500 in a middleware) so that no API client is ever handed
an HTML page.
"""

from typing import TypeVar

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"

T = TypeVar("T")


def found_or_404(found: T | None, message: str) -> T:
    """What a `*_for_visitor` query found, or a 404 saying `message` when it found nothing
    (the visitor may not see it, or it does not exist: the same answer)."""
    if found is None:
        raise Http404(message)
    return found


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request."), "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to do this."), "code": "permission_denied"},
            status=403,
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("A server error occurred."), "code": "server_error"}, status=500
        )
    return defaults.server_error(request)
