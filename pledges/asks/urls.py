from django.urls import path

from pledges.asks import views

app_name = "asks"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("skills/", views.skills, name="skills"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/offer/", views.offer, name="offer"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
