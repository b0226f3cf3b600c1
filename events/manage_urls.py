"""Organizer pages under /events/<slug>/manage/."""

urlpatterns = []
