from django.urls import path

from portal.api import MeAccountView, MeExportView

urlpatterns = [
    path("me/", MeAccountView.as_view(), name="api-me"),
    path("me/export/", MeExportView.as_view(), name="api-me-export"),
]
