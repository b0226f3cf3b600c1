from django.urls import include, path

from events import authoring_views, views, waitlist_views
from events.program import views as program_views

app_name = "events"

# One event: its page, registering and the ticket, the programme, the organizers' pages.
event_patterns = [
    path("", views.detail, name="detail"),
    path("register/", views.register, name="register"),
    path("cancel/", views.cancel, name="cancel"),
    path("offer/", waitlist_views.offer, name="offer"),
    path("offer/<str:token>/", waitlist_views.offer_link, name="offer-link"),
    path("ticket/", views.ticket, name="ticket"),
    path("ticket.svg", views.ticket_svg, name="ticket-svg"),
    path("calendar.ics", views.event_calendar, name="calendar"),
    path("sessions/", program_views.sessions, name="sessions"),
    path("sessions/new/", program_views.propose, name="propose"),
    path("sessions/<int:pk>/", program_views.session, name="session"),
    path("sessions/<int:pk>/vote/", program_views.vote, name="vote"),
    path("sessions/<int:pk>/star/", program_views.star, name="star"),
    path("schedule/", program_views.schedule, name="schedule"),
    path("schedule.ics", program_views.schedule_ics, name="schedule-ics"),
    path("schedule/mine/", program_views.my_schedule, name="my-schedule"),
    path("schedule/mine.ics", program_views.my_schedule_ics, name="my-schedule-ics"),
    path("manage/", include("events.manage_urls")),
]

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.calendar_feed, name="calendar-feed"),
    path("calendar/<int:pk>/<str:token>.ics", views.personal_calendar, name="personal-calendar"),
    path("new/", authoring_views.create, name="create"),
    path("<slug:slug>/", include(event_patterns)),
]
