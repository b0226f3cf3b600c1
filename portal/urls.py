from django.urls import path

from portal import views

urlpatterns = [
    path("me/export.json", views.export_json, name="me-export"),
    path("me/delete/", views.account_delete, name="me-delete"),
]
