"""Organizer pages under /events/<slug>/manage/."""

from django.urls import path

from events import manage_views

urlpatterns = [
    path("", manage_views.manage, name="manage"),
    path("check-in/", manage_views.check_in, name="manage-check-in"),
    path("attendees.csv", manage_views.export, name="manage-export"),
    path("message/", manage_views.message, name="manage-message"),
    path("edit/", manage_views.edit, name="manage-edit"),
    path("cancel/", manage_views.cancel, name="manage-cancel"),
]
