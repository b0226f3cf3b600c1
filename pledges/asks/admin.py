"""Staff's side of asks (imported by pledges/admin.py): asks with their progress and offers,
closing asks and withdrawing offers through the services, so each leaves its audit row and
closing tells the people concerned once. Staff corrections of an ask are audited too."""

from django.contrib import admin
from django.utils.translation import gettext_lazy, ngettext_lazy

from directory.admin import audit_trail_html
from hub.admin_tools import (
    AuditedSaveMixin,
    KeyedInitialDataMixin,
    NoBulkDeleteMixin,
    ReadOnlyInline,
    ServiceActionsMixin,
)
from pledges.asks import services
from pledges.asks.queries import approved_hours_of_asks
from pledges.models import Ask, Offer


class OfferInline(ReadOnlyInline):
    """Who offered hours. Read-only: people offer and withdraw themselves (staff withdraw one
    in Offers)."""

    model = Offer
    fields = ["person", "hours", "note", "status", "created_at"]


@admin.register(Ask)
class AskAdmin(
    KeyedInitialDataMixin,
    ServiceActionsMixin,
    NoBulkDeleteMixin,
    AuditedSaveMixin,
    admin.ModelAdmin,
):
    list_display = ["title", "project", "hours_wanted", "approved", "needed_by", "status"]
    list_filter = ["status", "needed_by"]
    search_fields = ["title", "text", "project__name"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    filter_horizontal = ["skills"]
    readonly_fields = [
        "status", "posted_by", "created_at", "updated_at", "closed_at", "closed_by", "audit_trail",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["project", "title", "text", "skills", "how_to_start"]}),
        (gettext_lazy("Hours and date"), {"fields": ["hours_wanted", "needed_by"]}),
        (gettext_lazy("History (close with the action of the list)"), {"fields": [
            "status", "posted_by", "created_at", "updated_at", "closed_at", "closed_by",
            "audit_trail",
        ]}),
    ]  # fmt: skip
    inlines = [OfferInline]
    actions = ["close_selected"]
    audit_actions = ("ask.post", "ask.staff_edit")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(approved_hours=approved_hours_of_asks())

    def get_readonly_fields(self, request, obj=None):
        # An ask stays with its project: its offers and hours were given to that project.
        if obj is not None:
            return ["project", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Close instead; an ask nobody offered to or logged hours for may go.
        return (
            obj is not None
            and not obj.offers.exists()
            and not obj.contributions.exists()
            and super().has_delete_permission(request, obj)
        )

    @admin.display(description=gettext_lazy("Approved hours"), ordering="approved_hours")
    def approved(self, obj):
        return obj.approved_hours

    @admin.display(description=gettext_lazy("History"))
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.posted_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Close selected asks (the people concerned are told)"))
    def close_selected(self, request, queryset):
        self.run_each(
            request,
            queryset.filter(status=Ask.Status.OPEN).select_related("project"),
            lambda ask: services.ask_close(ask=ask, actor=request.user),
            ngettext_lazy("%(count)d ask closed.", "%(count)d asks closed.", "count"),
        )


@admin.register(Offer)
class OfferAdmin(ServiceActionsMixin, NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["person", "ask", "hours", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["person__email", "person__display_name", "ask__title", "note"]
    list_select_related = ["person", "ask"]
    readonly_fields = ["ask", "person", "hours", "note", "status", "created_at", "withdrawn_at"]
    actions = ["withdraw_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Withdraw selected offers"))
    def withdraw_selected(self, request, queryset):
        self.run_each(
            request,
            queryset.filter(status=Offer.Status.ACTIVE),
            lambda offer: services.offer_withdraw(offer=offer, actor=request.user),
            ngettext_lazy("%(count)d offer withdrawn.", "%(count)d offers withdrawn.", "count"),
        )
