from django.urls import path

from directory import exports, feeds, views
from directory.uses import views as uses_views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("submit/", views.submit, name="submit"),
    path("feed.atom", feeds.NewListingsFeed(), name="feed"),
    path("export.csv", exports.export_csv, name="export-csv"),
    path("export.json", exports.export_json, name="export-json"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("organizations/<slug:slug>/edit/", views.organization_edit, name="organization-edit"),
    path("organizations/<slug:slug>/claim/", views.organization_claim, name="organization-claim"),
    path(
        "organizations/<slug:slug>/members/",
        views.organization_members,
        name="organization-members",
    ),
    path(
        "organizations/<slug:slug>/members/transfer/",
        views.organization_transfer,
        name="organization-transfer",
    ),
    path(
        "organizations/<slug:slug>/members/<int:membership_id>/",
        views.organization_member_change,
        name="organization-member-change",
    ),
    path("organizations/<slug:slug>/uses/", uses_views.organization_uses, name="organization-uses"),
    path(
        "organizations/<slug:slug>/uses/withdraw/",
        uses_views.organization_use_withdraw,
        name="organization-use-withdraw",
    ),
    path(
        "organizations/<slug:slug>/import/",
        views.organization_import,
        name="organization-import",
    ),
    path("projects/<slug:slug>/", views.project_detail, name="project"),
    path("projects/<slug:slug>/edit/", views.project_edit, name="project-edit"),
]
