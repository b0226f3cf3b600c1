from django.urls import include, path
from rest_framework.routers import SimpleRouter

from directory.api import OrganizationViewSet, ProjectViewSet, TagViewSet
from events.api import EventViewSet
from hub.api import MeView

directory_router = SimpleRouter()
directory_router.register("organizations", OrganizationViewSet, basename="api-organization")
directory_router.register("projects", ProjectViewSet, basename="api-project")
directory_router.register("tags", TagViewSet, basename="api-tag")

events_router = SimpleRouter()
events_router.register("events", EventViewSet, basename="api-event")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include(directory_router.urls)),
    path("", include(events_router.urls)),
]
