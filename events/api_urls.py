from django.urls import path
from rest_framework.routers import SimpleRouter

from events.api import EventViewSet
from events.program.api import ScheduleView, SessionListView, VoteView

router = SimpleRouter()
router.register("events", EventViewSet, basename="api-event")

urlpatterns = [
    *router.urls,
    path("events/<slug:slug>/sessions/", SessionListView.as_view(), name="api-event-sessions"),
    path("events/<slug:slug>/sessions/<int:pk>/vote/", VoteView.as_view(), name="api-session-vote"),
    path("events/<slug:slug>/schedule/", ScheduleView.as_view(), name="api-event-schedule"),
]
