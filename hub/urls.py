from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from hub import media, views, views_notifications
from hub.admin_login import rate_limited

# Wrong passwords at /admin/login/ use up the same limits as at /accounts/login/.
admin.site.login = rate_limited(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The language switcher posts here; a signed-in person's choice is kept on the profile.
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("api/v1/", include("hub.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
# Pages: English as they always were, each other language of HUB_LANGUAGES under its prefix.
urlpatterns += i18n_patterns(
    path(
        "me/notifications/",
        views_notifications.preferences,
        name="notification-preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views_notifications.unsubscribe,
        name="unsubscribe",
    ),
    # The top layer: home, /me/ and a person's own data (portal.urls).
    path("", include("portal.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("directory/", include("directory.urls")),
    path("events/", include("events.urls")),
    path("pledges/", include("pledges.urls")),
    # Asks: projects' calls for help that pledged hours answer (pledges/asks/).
    path("asks/", include("pledges.asks.urls")),
    # The chamber: /practices/ and /advocacy/.
    path("", include("chamber.urls")),
    prefix_default_language=False,
)
if not settings.HUB_MEDIA_S3_BUCKET:
    # Logos on the local disk (hub/media.py); an S3-compatible storage serves its own.
    urlpatterns.append(path("media/<path:path>", media.media_file, name="media"))

handler400 = "hub.errors.bad_request"
handler403 = "hub.errors.permission_denied"
handler404 = "hub.errors.page_not_found"
handler500 = "hub.errors.server_error"
