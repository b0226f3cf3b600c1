"""Organizer pages under /events/<slug>/manage/."""

from django.urls import path

from events import authoring_views, manage_views
from events.program import manage_views as program

urlpatterns = [
    path("", manage_views.manage, name="manage"),
    path("check-in/", manage_views.check_in, name="manage-check-in"),
    path("attendees.csv", manage_views.export, name="manage-export"),
    path("message/", manage_views.message, name="manage-message"),
    path("edit/", manage_views.edit, name="manage-edit"),
    path("cancel/", manage_views.cancel, name="manage-cancel"),
    path("submit/", authoring_views.submit, name="manage-submit"),
    path("withdraw/", authoring_views.withdraw, name="manage-withdraw"),
    path("duplicate/", authoring_views.duplicate, name="manage-duplicate"),
    path("sessions/", program.sessions, name="manage-sessions"),
    path("sessions/board/", program.board, name="manage-board"),
    path("sessions/<int:pk>/moderate/", program.moderate, name="manage-moderate"),
    path("sessions/<int:pk>/merge/", program.merge, name="manage-merge"),
    path("schedule/", program.schedule, name="manage-schedule"),
    path("schedule/rooms/", program.room_add, name="manage-room-add"),
    path("schedule/rooms/<int:pk>/", program.room_edit, name="manage-room"),
    path("schedule/slots/", program.slot_add, name="manage-slot-add"),
    path("schedule/slots/<int:pk>/", program.slot_edit, name="manage-slot"),
    path("schedule/place/", program.place, name="manage-place"),
    path("schedule/remove/", program.unplace, name="manage-unplace"),
    path("schedule/auto/", program.auto_grid, name="manage-auto-grid"),
    path("schedule/publish/", program.publish, name="manage-publish"),
]
