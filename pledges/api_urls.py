from rest_framework.routers import SimpleRouter

from pledges.api import ContributionViewSet, PledgeViewSet
from pledges.asks.api import AskViewSet

router = SimpleRouter()
router.register("pledges", PledgeViewSet, basename="api-pledge")
router.register("contributions", ContributionViewSet, basename="api-contribution")
router.register("asks", AskViewSet, basename="api-ask")

urlpatterns = router.urls
