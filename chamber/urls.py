from django.urls import path

from chamber import views
from chamber.feeds import PositionsFeed
from hub.pagecache import cache_anonymous_page

app_name = "chamber"

urlpatterns = [
    path("practices/", views.practice_index, name="practices"),
    path("practices/new/", views.practice_create, name="practice-create"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice"),
    path("practices/<slug:slug>/edit/", views.practice_edit, name="practice-edit"),
    path("advocacy/", views.position_index, name="positions"),
    path(
        "advocacy/feed.atom",
        cache_anonymous_page(PositionsFeed(), apps=("chamber",)),
        name="positions-feed",
    ),
    path("advocacy/<slug:slug>/", views.position_detail, name="position"),
    path("advocacy/<slug:slug>/endorse/", views.endorse, name="endorse"),
    path("advocacy/<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("advocacy/<slug:slug>/endorsers.csv", views.endorsers_csv, name="endorsers-csv"),
]
