"""Staff curation of events and registrations.

Seats are the scarce thing, so nothing here writes them directly: a new capacity goes
through services.event_change_capacity (which refuses fewer seats than are taken and
promotes the waitlist), cancelling goes through services.event_cancel (everyone is told),
and check-in and cancelling a registration are list actions that call the services.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from directory.admin import ask_for_reason, audit_trail_html, pending_first
from events import authoring, services
from events.manage_forms import (
    ChecksEventTimes,
    InEventTimeZone,
    TimeZoneField,
    formfield_https,
)
from events.models import (
    Event,
    Registration,
    Room,
    ScheduleChange,
    ScheduledSession,
    SessionProposal,
    Star,
    TimeSlot,
    Vote,
)
from events.program import services as program_services
from events.zones import event_zone
from hub.admin_tools import (
    KeyedInitialDataMixin,
    NoBulkDeleteMixin,
    ServiceActionsMixin,
    annotated_column,
)
from hub.audit import audit_record

CANCEL_TEMPLATE = "admin/events/cancel_events.html"
SEATS_FILTER = Q(registrations__status__in=Registration.SEAT_HOLDING)


class EventAdminForm(InEventTimeZone, ChecksEventTimes, forms.ModelForm):
    """Times are typed in the event's own time zone, as on the organizers' pages."""

    time_zone = TimeZoneField()

    class Meta:
        model = Event
        formfield_callback = formfield_https
        fields = [
            "title", "slug", "kind", "status", "summary", "description", "time_zone", "starts_at",
            "ends_at", "venue_name", "venue_address", "online_url", "capacity",
            "registration_opens_at", "registration_closes_at", "ask_accessibility", "ask_dietary",
            "questions",
            "organization", "organizers", "proposals_open", "schedule_published",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_times_in_zone(event_zone(self.instance).key)
        status = self.fields.get("status")
        if status is not None and self.instance.status != Event.Status.CANCELLED:
            # Cancelling tells everyone registered: it is the "Cancel" action's job; so is
            # a review (the organizers are told of the decision).
            status.choices = [
                choice
                for choice in status.choices
                if choice[0] not in (Event.Status.CANCELLED, Event.Status.REVIEW)
            ]

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and self.instance.pk is not None:
            taken = services.seats_taken(self.instance)
            if capacity < taken:
                raise ValidationError(
                    ngettext(
                        "%(count)d person already holds a seat; the capacity cannot be lower "
                        "than %(count)d. Cancel registrations first.",
                        "%(count)d people already hold a seat; the capacity cannot be lower "
                        "than %(count)d. Cancel registrations first.",
                        taken,
                    )
                    % {"count": taken}
                )
        return capacity


class CancelEventsForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy(
            "Optional. Sent to everyone registered with the news of the cancellation."
        ),
    )


@admin.register(Event)
class EventAdmin(KeyedInitialDataMixin, ServiceActionsMixin, NoBulkDeleteMixin, admin.ModelAdmin):
    form = EventAdminForm
    # Fits a 1280-pixel screen beside the filters; the kind is a filter.
    list_display = [
        "title", "status", "starts_local", "capacity", "seats_taken", "organization",
    ]  # fmt: skip
    list_filter = [
        "status", "kind", "starts_at", ("organization", admin.RelatedOnlyFieldListFilter),
    ]  # fmt: skip
    search_fields = ["title", "slug", "summary", "venue_name", "organization__name"]
    list_select_related = ["organization"]
    date_hierarchy = "starts_at"
    # Events waiting for review first: the staff queue (filter "Waiting for review").
    ordering = [pending_first(Event.Status.REVIEW), "-starts_at"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organizers"]
    autocomplete_fields = ["organization"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "registrations_link", "cancelled_at", "created_at", "updated_at", "audit_trail",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "summary", "description"]}),
        (gettext_lazy("When and where"), {"fields": [
            "time_zone", "starts_at", "ends_at", "venue_name", "venue_address", "online_url",
        ]}),
        (gettext_lazy("Registration"), {"fields": [
            "capacity", "registrations_link", "registration_opens_at", "registration_closes_at",
            "ask_accessibility", "ask_dietary", "questions",
        ]}),
        (gettext_lazy("Who organizes"), {"fields": ["organization", "organizers"]}),
        (gettext_lazy("Sessions"), {"fields": ["proposals_open", "schedule_published"]}),
        (gettext_lazy("History"), {"fields": [
            "cancelled_at", "created_at", "updated_at", "audit_trail",
        ]}),
    ]  # fmt: skip
    actions = ["approve_selected", "send_back_selected", "cancel_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seat_total=Count("pk", filter=SEATS_FILTER))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status in (Event.Status.CANCELLED, Event.Status.REVIEW):
            # Decided by the actions, which tell the people concerned.
            return [*self.readonly_fields, "status"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Only a draft nobody registered for may be deleted (deleting an event would drop
        # its registrations without telling anyone); others are cancelled.
        return (
            obj is not None
            and obj.status == Event.Status.DRAFT
            and not obj.registrations.exists()
            and super().has_delete_permission(request, obj)
        )

    @admin.display(
        description=gettext_lazy("Starts (in the event's time zone)"), ordering="starts_at"
    )
    def starts_local(self, obj):
        zone = event_zone(obj)
        when = date_format(timezone.localtime(obj.starts_at, zone), "DATETIME_FORMAT")
        return f"{when} ({zone.key})"

    seats_taken = annotated_column("seat_total", gettext_lazy("Seats taken"))

    @admin.display(description=gettext_lazy("Registrations"))
    def registrations_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:events_registration_changelist") + f"?event__id__exact={obj.pk}"
        manage = reverse("events:manage", kwargs={"slug": obj.slug})
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            url,
            _("All registrations in the admin"),
            manage,
            _("Organizer page (check-in, export)"),
        )

    @admin.display(description=gettext_lazy("History"))
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            audit_record(actor=request.user, action="event.staff_create", target=obj)
            return
        new_capacity = obj.capacity
        # The capacity is changed by the service below (under the event's lock, with the
        # waitlist promoted); everything else is saved here, in the same transaction.
        obj.capacity = form.initial.get("capacity")
        super().save_model(request, obj, form, change)
        if new_capacity != obj.capacity:
            services.event_change_capacity(event=obj, actor=request.user, capacity=new_capacity)
            obj.capacity = new_capacity
        edited = [name for name in form.changed_data if name not in ("capacity", "organizers")]
        if edited:
            audit_record(
                actor=request.user, action="event.staff_edit", target=obj, detail={"fields": edited}
            )

    @admin.action(
        description=gettext_lazy("Publish selected events waiting for review (organizers are told)")
    )
    def approve_selected(self, request, queryset):
        waiting = queryset.filter(status=Event.Status.REVIEW)
        done = ngettext_lazy(
            "%(count)d event published; its organizers are told by e-mail.",
            "%(count)d events published; their organizers are told by e-mail.",
            "count",
        )
        self.run_service(request, waiting, authoring.event_review_approve, done)

    @admin.action(
        description=gettext_lazy("Send selected events back to their organizers (with a reason)")
    )
    def send_back_selected(self, request, queryset):
        waiting = queryset.filter(status=Event.Status.REVIEW)
        return ask_for_reason(
            self,
            request,
            waiting,
            action="send_back_selected",
            title=_("Send events back"),
            intro=_(
                "These events go back to their organizers as drafts. The reason is sent to "
                "each organizer; say what to change so they can submit again."
            ),
            apply=lambda reason: self.run_service(
                request,
                waiting,
                authoring.event_review_send_back,
                ngettext_lazy(
                    "%(count)d event sent back; its organizers are told why by e-mail.",
                    "%(count)d events sent back; their organizers are told why by e-mail.",
                    "count",
                ),
                reason=reason,
            ),
        )

    @admin.action(description=gettext_lazy("Cancel selected events (everyone registered is told)"))
    def cancel_selected(self, request, queryset):
        events = queryset.exclude(status=Event.Status.CANCELLED)
        form = CancelEventsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self.run_service(
                request,
                events,
                services.event_cancel,
                ngettext_lazy(
                    "%(count)d event cancelled; everyone registered is being told.",
                    "%(count)d events cancelled; everyone registered is being told.",
                    "count",
                ),
                reason=form.cleaned_data["reason"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel events"),
            "form": form,
            "queryset": events,
            "action": "cancel_selected",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, CANCEL_TEMPLATE, context)


@admin.register(Registration)
class RegistrationAdmin(ServiceActionsMixin, admin.ModelAdmin):
    """Registrations are made by people and changed by the services: read-only here, with
    check-in and cancelling as actions."""

    # Fits a 1280-pixel screen beside the filters; the status says who checked in.
    list_display = [
        "user", "event", "status", "waitlist_position", "ticket_code", "created_at",
    ]  # fmt: skip
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__display_name", "=ticket_code", "event__title"]
    list_select_related = ["user", "event"]
    ordering = ["-created_at"]
    actions = ["check_in_selected", "cancel_selected"]
    fields = [
        "event", "user", "status", "waitlist_position", "ticket_code", "accessibility_needs",
        "dietary_requirements", "answers", "created_at", "confirmed_at", "cancelled_at",
        "checked_in_at", "checked_in_by", "audit_trail",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        # A registration made here would skip the seat count and the waitlist.
        return False

    def has_delete_permission(self, request, obj=None):
        # Cancel instead, so the seat goes to the waitlist.
        return False

    @admin.display(description=gettext_lazy("History"))
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    @admin.action(description=gettext_lazy("Check in selected registrations"))
    def check_in_selected(self, request, queryset):
        self.run_each(
            request,
            queryset.filter(status=Registration.Status.CONFIRMED).select_related("event", "user"),
            lambda registration: services.registration_check_in(
                event=registration.event, actor=request.user, ticket_code=registration.ticket_code
            ),
            ngettext_lazy(
                "%(count)d registration checked in.",
                "%(count)d registrations checked in.",
                "count",
            ),
        )

    @admin.action(
        description=gettext_lazy("Cancel selected registrations (seats go to the waitlist)")
    )
    def cancel_selected(self, request, queryset):
        rows = queryset.exclude(status=Registration.Status.CANCELLED).select_related(
            "event", "user"
        )
        done = ngettext_lazy(
            "%(count)d registration cancelled.", "%(count)d registrations cancelled.", "count"
        )
        self.run_service(request, rows, services.registration_cancel, done)


# --- The programme ---------------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services (votes, stars, notices): staff look, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SessionProposal)
class SessionProposalAdmin(ServiceActionsMixin, admin.ModelAdmin):
    list_display = ["title", "event", "format", "status", "vote_total", "proposer", "created_at"]
    list_filter = ["status", "format", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "description", "tags", "proposer__email", "event__title"]
    list_select_related = ["event", "proposer"]
    raw_id_fields = ["event", "proposer", "merged_into"]
    filter_horizontal = ["co_hosts"]
    readonly_fields = ["status", "merged_into", "vote_total", "created_at", "updated_at",
                       "audit_trail"]  # fmt: skip
    actions = ["hide_selected", "accept_selected"]
    service_keyword = "proposal"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(votes_total=Count("votes", distinct=True))

    vote_total = annotated_column("votes_total", gettext_lazy("Votes"))

    @admin.display(description=gettext_lazy("History"))
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    def _moderate(self, request, queryset, action: str, done: str):
        moderate = program_services.proposal_moderate
        self.run_service(request, queryset, moderate, done, action=action)

    @admin.action(description=gettext_lazy("Hide selected proposals"))
    def hide_selected(self, request, queryset):
        done = ngettext_lazy("%(count)d proposal hidden.", "%(count)d proposals hidden.", "count")
        self._moderate(request, queryset, "hide", done)

    @admin.action(description=gettext_lazy("Accept selected proposals"))
    def accept_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d proposal accepted.", "%(count)d proposals accepted.", "count"
        )
        self._moderate(request, queryset, "accept", done)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "capacity", "accessibility_notes"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "event__title"]
    raw_id_fields = ["event"]


class TimeSlotAdminForm(forms.ModelForm):
    class Meta:
        model = TimeSlot
        fields = ["event", "starts_at", "ends_at"]

    def clean(self):
        cleaned = super().clean()
        event, starts, ends = (cleaned.get(k) for k in ("event", "starts_at", "ends_at"))
        if event and starts and ends:
            # The same rule as the schedule editor: inside the event, no overlaps.
            program_services.slot_check(
                event=event, starts_at=starts, ends_at=ends, slot_pk=self.instance.pk
            )
        return cleaned


@admin.register(TimeSlot)
class TimeSlotAdmin(admin.ModelAdmin):
    form = TimeSlotAdminForm
    list_display = ["__str__", "event", "starts_at", "ends_at"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    raw_id_fields = ["event"]


@admin.register(ScheduledSession)
class ScheduledSessionAdmin(ReadOnlyAdmin):
    """Placed through the organizers' schedule editor, which checks clashes and tells people."""

    list_display = ["proposal", "room", "slot", "updated_at"]
    list_select_related = ["proposal", "room", "slot"]
    list_filter = [("room__event", admin.RelatedOnlyFieldListFilter)]


@admin.register(Vote, Star)
class ProposalMarkAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "user", "created_at"]
    list_select_related = ["proposal", "user"]
    search_fields = ["proposal__title", "user__email"]
    fields = ["user", "proposal", "created_at"]


@admin.register(ScheduleChange)
class ScheduleChangeAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "kind", "before", "after", "created_at", "notified_at"]
    list_select_related = ["proposal"]
    list_filter = ["kind", ("event", admin.RelatedOnlyFieldListFilter)]
