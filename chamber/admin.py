"""Staff's side of the chamber: the practice notes' moderation queue (pending first, as the
directory's), the positions staff write, and the endorsements organizations gave.

Decisions go through chamber.services, so each leaves an audit row and reaches the author by
e-mail exactly once; the change forms keep the moderation fields read-only for that reason.
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from chamber import services
from chamber.models import Endorsement, Position, PracticeNote
from directory.admin import ModerationTexts, audit_trail_html, moderation_actions, pending_first
from directory.models import ListingStatus
from hub.admin_tools import (
    AuditedSaveMixin,
    KeyedInitialDataMixin,
    ReadOnlyInline,
    ServiceActionsMixin,
    annotated_column,
)


@admin.register(PracticeNote)
class PracticeNoteAdmin(
    KeyedInitialDataMixin, ServiceActionsMixin, AuditedSaveMixin, admin.ModelAdmin
):
    list_display = ["title", "organization", "author", "status", "created_at", "published_at"]
    list_filter = ["status", "tags"]
    search_fields = ["title", "summary", "text", "organization__name", "author__email"]
    ordering = [pending_first(ListingStatus.PENDING), "-created_at"]
    autocomplete_fields = ["organization", "author"]
    filter_horizontal = ["tags"]
    readonly_fields = [
        "status",
        "rejection_reason",
        "published_at",
        "created_at",
        "updated_at",
        "audit_trail",
    ]
    actions = ["publish_selected", "reject_selected", "archive_selected"]
    service_keyword = "note"
    audit_actions = ("practice.staff_create", "practice.staff_edit")
    publish_selected, reject_selected, archive_selected = moderation_actions(
        ModerationTexts(
            publish=gettext_lazy("Publish selected practice notes"),
            reject=gettext_lazy("Reject selected practice notes (with a reason)"),
            archive=gettext_lazy("Archive selected practice notes"),
            reject_title=gettext_lazy("Reject practice notes"),
            reject_intro=gettext_lazy(
                "These practice notes will be hidden. The reason is sent to each author."
            ),
            published=ngettext_lazy(
                "%(count)d practice note published; its author is told by e-mail.",
                "%(count)d practice notes published; their authors are told by e-mail.",
                "count",
            ),
            rejected=ngettext_lazy(
                "%(count)d practice note rejected.", "%(count)d practice notes rejected.", "count"
            ),
            archived=ngettext_lazy(
                "%(count)d practice note archived.", "%(count)d practice notes archived.", "count"
            ),
        ),
        publish=services.practice_publish,
        reject=services.practice_reject,
        archive=services.practice_archive,
    )
    list_per_page = 50

    @admin.display(description=gettext_lazy("History"))
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "author")


class EndorsementInline(ReadOnlyInline):
    """Who endorses the position. Organizations endorse and withdraw themselves (staff
    withdraw one in Endorsements)."""

    model = Endorsement
    fields = ["organization", "endorsed_by", "created_at"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "open_for_endorsement", "endorsers"]
    list_filter = ["open_for_endorsement"]
    search_fields = ["title", "summary", "text"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "summary",
        "text",
        "open_for_endorsement",
        "published_at",
        "export",
        "audit_trail",
    ]
    readonly_fields = ["export", "audit_trail"]
    inlines = [EndorsementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(endorser_count=Count("endorsements"))

    endorsers = annotated_column("endorser_count", gettext_lazy("Endorsers"))

    @admin.display(description=gettext_lazy("Export"))
    def export(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("chamber:endorsers-csv", kwargs={"slug": obj.slug})
        return format_html(
            '<a href="{}">{}</a> {}', url, _("Endorsers as CSV"), _("(recorded in the audit)")
        )

    @admin.display(description=gettext_lazy("History"))
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    def save_model(self, request, obj, form, change):
        services.position_save(position=obj, actor=request.user, changed=form.changed_data)


@admin.register(Endorsement)
class EndorsementAdmin(ServiceActionsMixin, admin.ModelAdmin):
    # Who endorsed shows on the change page: the table fits a 1280-pixel screen.
    list_display = ["organization", "position", "created_at"]
    list_filter = ["position"]
    search_fields = ["organization__name", "position__title"]
    readonly_fields = ["position", "organization", "endorsed_by", "created_at"]
    actions = ["withdraw_selected"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("organization", "position", "endorsed_by")
        )

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        # Withdrawing goes through the service (an audit row); no plain delete.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Withdraw selected endorsements"))
    def withdraw_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d endorsement withdrawn.", "%(count)d endorsements withdrawn.", "count"
        )
        self.run_service(request, queryset, services.endorsement_withdraw, done)
