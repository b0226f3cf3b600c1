from django.urls import include, path

from events import authoring_views, views, waitlist_views
from events.program import views as program_views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.calendar_feed, name="calendar-feed"),
    path("calendar/<int:pk>/<str:token>.ics", views.personal_calendar, name="personal-calendar"),
    path("new/", authoring_views.create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("<slug:slug>/offer/", waitlist_views.offer, name="offer"),
    path("<slug:slug>/offer/<str:token>/", waitlist_views.offer_link, name="offer-link"),
    path("<slug:slug>/ticket/", views.ticket, name="ticket"),
    path("<slug:slug>/ticket.svg", views.ticket_svg, name="ticket-svg"),
    path("<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
    path("<slug:slug>/sessions/", program_views.sessions, name="sessions"),
    path("<slug:slug>/sessions/new/", program_views.propose, name="propose"),
    path("<slug:slug>/sessions/<int:pk>/", program_views.session, name="session"),
    path("<slug:slug>/sessions/<int:pk>/vote/", program_views.vote, name="vote"),
    path("<slug:slug>/sessions/<int:pk>/star/", program_views.star, name="star"),
    path("<slug:slug>/schedule/", program_views.schedule, name="schedule"),
    path("<slug:slug>/schedule.ics", program_views.schedule_ics, name="schedule-ics"),
    path("<slug:slug>/schedule/mine/", program_views.my_schedule, name="my-schedule"),
    path("<slug:slug>/schedule/mine.ics", program_views.my_schedule_ics, name="my-schedule-ics"),
    path("<slug:slug>/manage/", include("events.manage_urls")),
]
