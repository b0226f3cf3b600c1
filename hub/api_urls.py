"""/api/v1/: each app brings its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("portal.api_urls")),
    path("", include("directory.api_urls")),
    path("", include("events.api_urls")),
    path("", include("pledges.api_urls")),
    path("", include("chamber.api_urls")),
]
