from rest_framework.routers import SimpleRouter

from chamber.api import PositionViewSet, PracticeViewSet

router = SimpleRouter()
router.register("practices", PracticeViewSet, basename="api-practice")
router.register("positions", PositionViewSet, basename="api-position")

urlpatterns = router.urls
