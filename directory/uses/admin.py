"""Staff's view of who uses what: every declaration, filterable, and inlines on the
organization and the project. Read-only: a declaration speaks for its organization, so only
its owners and admins make or change one; staff withdraw one made by mistake or abuse,
through the service (an audit row on the organization)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy, ngettext_lazy

from directory.models import ProjectUse
from directory.uses import services
from hub.admin_tools import NoBulkDeleteMixin, ReadOnlyInline, ServiceActionsMixin

USE_FIELDS = ["status", "note", "since", "declared_by"]


class ProjectUseInline(ReadOnlyInline):
    model = ProjectUse
    show_change_link = True

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("organization", "project", "declared_by")
        )


class OrganizationUseInline(ProjectUseInline):
    """On the organization: the projects it says it uses."""

    fk_name = "organization"
    fields = ["project", *USE_FIELDS]
    verbose_name = verbose_name_plural = gettext_lazy("projects it uses")


class ProjectUserInline(ProjectUseInline):
    """On the project: the organizations that say they use it."""

    fk_name = "project"
    fields = ["organization", *USE_FIELDS]
    verbose_name = verbose_name_plural = gettext_lazy("organizations that use it")


@admin.register(ProjectUse)
class ProjectUseAdmin(NoBulkDeleteMixin, ServiceActionsMixin, admin.ModelAdmin):
    list_display = ["organization", "project", "status", "since"]
    list_filter = ["status", "organization__kind", "organization__status", "project__status"]
    search_fields = ["organization__name", "project__name", "note"]
    readonly_fields = ["organization", "project", *USE_FIELDS, "created_at", "updated_at"]
    list_select_related = ["organization", "project"]
    date_hierarchy = "since"
    actions = ["withdraw_selected"]
    service_keyword = "use"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Withdraw selected declarations"))
    def withdraw_selected(self, request, queryset):
        rows = queryset.select_related("organization", "project")
        done = ngettext_lazy(
            "%(count)d declaration withdrawn.", "%(count)d declarations withdrawn.", "count"
        )
        self.run_service(request, rows, services.use_withdraw, done)
