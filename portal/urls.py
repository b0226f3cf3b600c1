from django.urls import path

from portal import impact_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("me/token/", views.me_token_regenerate, name="me-token-regenerate"),
    path("me/calendar/", views.me_calendar_feed, name="me-calendar-feed"),
    path("me/forge-accounts/", views.me_forge_account_add, name="me-forge-account-add"),
    path(
        "me/forge-accounts/<int:pk>/remove/",
        views.me_forge_account_remove,
        name="me-forge-account-remove",
    ),
    path("me/export.json", views.export_json, name="me-export"),
    path("me/delete/", views.account_delete, name="me-delete"),
    # The year in numbers: /impact/ is the current year so far.
    path("impact/", impact_views.year_page, name="impact"),
    path("impact/<int:year>/", impact_views.year_page, name="impact-year"),
    path("impact/<int:year>/impact.csv", impact_views.year_csv, name="impact-csv"),
]
