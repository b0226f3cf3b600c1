from rest_framework.routers import SimpleRouter

from pledges.api import ContributionViewSet, PledgeViewSet

router = SimpleRouter()
router.register("pledges", PledgeViewSet, basename="api-pledge")
router.register("contributions", ContributionViewSet, basename="api-contribution")

urlpatterns = router.urls
