from django.urls import include, path
from rest_framework.routers import SimpleRouter

from directory.api import OrganizationViewSet, ProjectViewSet, TagViewSet
from hub.api import MeView

directory_router = SimpleRouter()
directory_router.register("organizations", OrganizationViewSet, basename="api-organization")
directory_router.register("projects", ProjectViewSet, basename="api-project")
directory_router.register("tags", TagViewSet, basename="api-tag")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include(directory_router.urls)),
]
