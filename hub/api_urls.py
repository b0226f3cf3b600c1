"""/api/v1/: each app brings its own routes."""

from django.urls import include, path

from hub.api import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("directory.api_urls")),
    path("", include("events.api_urls")),
    path("", include("pledges.api_urls")),
]
