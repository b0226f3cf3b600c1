from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.pledge_new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.pledge_edit, name="edit"),
    path("<int:pk>/end/", views.pledge_end, name="end"),
    path("<int:pk>/export.csv", views.export_csv, name="export-csv"),
    path("<int:pk>/review/approve/", views.contributions_approve, name="review-bulk-approve"),
    path(
        "<int:pk>/review/<int:log_pk>/approve/", views.contribution_approve, name="review-approve"
    ),
    path("<int:pk>/review/<int:log_pk>/reject/", views.contribution_reject, name="review-reject"),
    path("logs/<int:pk>/edit/", views.contribution_edit, name="log-edit"),
    path("logs/<int:pk>/withdraw/", views.contribution_withdraw, name="log-withdraw"),
]
