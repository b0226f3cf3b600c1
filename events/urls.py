from django.urls import include, path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/manage/", include("events.manage_urls")),
]
