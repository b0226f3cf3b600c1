from django.urls import path
from rest_framework.routers import SimpleRouter

from directory.api import OrganizationViewSet, ProjectViewSet, TagViewSet
from directory.uses.api import OrganizationUsesView, OrganizationUseView, ProjectUsersView

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="api-organization")
router.register("projects", ProjectViewSet, basename="api-project")
router.register("tags", TagViewSet, basename="api-tag")

urlpatterns = [
    *router.urls,
    path("projects/<slug:slug>/users/", ProjectUsersView.as_view(), name="api-project-users"),
    path(
        "organizations/<slug:slug>/uses/",
        OrganizationUsesView.as_view(),
        name="api-organization-uses",
    ),
    path(
        "organizations/<slug:slug>/uses/<slug:project>/",
        OrganizationUseView.as_view(),
        name="api-organization-use",
    ),
]
