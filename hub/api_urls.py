from django.urls import path

from hub.api import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
]
