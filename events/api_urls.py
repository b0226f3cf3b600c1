from rest_framework.routers import SimpleRouter

from events.api import EventViewSet

router = SimpleRouter()
router.register("events", EventViewSet, basename="api-event")

urlpatterns = router.urls
