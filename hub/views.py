from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hub import languages, services
from hub.health import health_report


@require_GET
@never_cache
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)


@csrf_exempt
@require_POST
def set_language(request):
    """Django's language switch (a cookie, then the same page in the chosen language), and
    for a signed-in person the choice kept on their profile, so e-mails follow it.

    Anonymous pages carry no CSRF token, so they can be cached for everyone: the switch
    itself only sets the reader's cookie. The profile changes only when the form carried
    a valid token (signed-in pages have one), so another site cannot change it.
    """
    # Django translates `next` by resolving it in the active language: make that its own.
    with translation.override(languages.language_of_path(request.POST.get("next", "/"))):
        response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {}) is None
    ):
        services.user_set_language(user=request.user, language=language)
    return response
