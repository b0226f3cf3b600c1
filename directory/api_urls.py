from rest_framework.routers import SimpleRouter

from directory.api import OrganizationViewSet, ProjectViewSet, TagViewSet

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="api-organization")
router.register("projects", ProjectViewSet, basename="api-project")
router.register("tags", TagViewSet, basename="api-tag")

urlpatterns = router.urls
