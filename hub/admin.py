from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.admin_tools import ReadOnlyAdminMixin
from hub.models import AuditEntry, User

# Every admin page names the hub (read when a page is drawn, not at import).
admin.site.site_header = lazy(lambda: _("%(hub)s admin") % {"hub": settings.HUB_NAME}, str)()
admin.site.site_title = admin.site.site_header
admin.site.index_title = lazy(lambda: _("Curate %(hub)s") % {"hub": settings.HUB_NAME}, str)()
# The app list beside every page took 300 of a laptop's 1280 pixels from the changelists'
# columns (with the filters, a table had 630); the breadcrumbs and the index lead everywhere.
admin.site.enable_nav_sidebar = False


class HubUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class HubUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["email", "display_name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = HubUserChangeForm
    add_form = HubUserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Profile"), {"fields": ["display_name"]}),
        (
            gettext_lazy("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "usable_password", "password1", "password2"],
            },
        ),
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail: readable by staff, written only by the services."""

    list_display = ["created_at", "actor", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "actor__email", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
