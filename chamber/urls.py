from django.urls import include, path

from chamber import views
from chamber.feeds import PositionsFeed
from hub.pagecache import cache_anonymous_page

app_name = "chamber"

practice_patterns = [
    path("", views.practice_index, name="practices"),
    path("new/", views.practice_create, name="practice-create"),
    path("<slug:slug>/", views.practice_detail, name="practice"),
    path("<slug:slug>/edit/", views.practice_edit, name="practice-edit"),
]

# One position: its page, endorsing and withdrawing, and its endorsers for staff.
position_patterns = [
    path("", views.position_detail, name="position"),
    path("endorse/", views.endorse, name="endorse"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("endorsers.csv", views.endorsers_csv, name="endorsers-csv"),
]

urlpatterns = [
    path("practices/", include(practice_patterns)),
    path("advocacy/", views.position_index, name="positions"),
    path(
        "advocacy/feed.atom",
        cache_anonymous_page(PositionsFeed(), apps=("chamber",)),
        name="positions-feed",
    ),
    path("advocacy/<slug:slug>/", include(position_patterns)),
]
