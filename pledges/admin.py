"""Staff oversight of pledges and logged hours, pending logs first.

Approvals and rejections are list actions that call pledges.services, so every decision
records who made it and when (reviewed_by/at and an audit row), exactly as from the
organization's own pages. Pledges are made and changed through the services too. Staff
may correct a log's hours, date or project: the change form keeps the log's rules (no
future dates, inside the pledge, 24 hours per person per day) and checks the day under the
same lock the services take, so a correction cannot race a new log past 24 hours.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from directory.admin import ask_for_reason, audit_trail_html, pending_first
from directory.models import ListingStatus, Project
from directory.permissions import organization_is_public
from hub.admin_tools import KeyedInitialDataMixin, ServiceActionsMixin, error_text
from hub.audit import audit_record
from pledges import services
from pledges.asks import admin as asks_admin  # noqa: F401 - registers the asks' admin
from pledges.leaderboards import leaderboards_invalidate
from pledges.models import Contribution, ContributionEvidence, Pledge
from pledges.queries import reviewers_other_than

# --- Pledges --------------------------------------------------------------------------------


def _offer_published_projects(form, name: str) -> None:
    """The services keep listed projects only: the form's project field offers no others."""
    field = form.fields.get(name)
    if field is not None:
        field.queryset = Project.objects.filter(status=ListingStatus.PUBLISHED)


class PledgeAdminForm(forms.ModelForm):
    class Meta:
        model = Pledge
        fields = ["organization", *services.PLEDGE_FIELDS, "target_projects"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_published_projects(self, "target_projects")

    def clean(self):
        cleaned = super().clean()
        # The same questions the services ask, shown as form errors instead of a failure.
        organization = cleaned.get("organization")
        if organization is not None and not organization_is_public(organization):
            self.add_error(
                "organization", _("Pledges are made for published organizations: publish it first.")
            )
        kind = cleaned.get("kind")
        if kind == Pledge.Kind.HOURS and not cleaned.get("hours_per_period"):
            self.add_error("hours_per_period", _("How many hours a period?"))
        if kind == Pledge.Kind.PERCENT:
            if not cleaned.get("percent"):
                self.add_error("percent", _("What percentage of working hours?"))
            if not cleaned.get("workforce_size"):
                self.add_error("workforce_size", _("How many people work at the organization?"))
        return cleaned

    def _post_clean(self):
        # The amount of the other kind is cleared by the services; clear it before the
        # model's constraints are checked, so a switch of kind is not refused.
        kind = self.cleaned_data.get("kind")
        if kind == Pledge.Kind.HOURS:
            self.cleaned_data["percent"] = self.cleaned_data["workforce_size"] = None
        elif kind == Pledge.Kind.PERCENT:
            self.cleaned_data["hours_per_period"] = None
        super()._post_clean()


@admin.register(Pledge)
class PledgeAdmin(KeyedInitialDataMixin, ServiceActionsMixin, admin.ModelAdmin):
    form = PledgeAdminForm
    list_display = [
        "organization", "kind", "pledged", "period", "starts_on", "ends_on", "public", "status",
    ]  # fmt: skip
    list_filter = [
        "status", "kind", "period", "public", ("organization", admin.RelatedOnlyFieldListFilter),
    ]  # fmt: skip
    search_fields = ["organization__name", "organization__slug"]
    list_select_related = ["organization"]
    ordering = ["status", "organization__name", "-starts_on"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["target_projects"]
    readonly_fields = ["status", "created_by", "created_at", "ended_at", "audit_trail"]
    fieldsets = [
        (None, {"fields": ["organization", "kind", "hours_per_period", "percent",
                           "workforce_size", "period"]}),
        (gettext_lazy("When and who sees it"), {"fields": [
            "starts_on", "ends_on", "public", "target_projects",
        ]}),
        (gettext_lazy("History (end a pledge with the action of the list)"), {"fields": [
            "status", "created_by", "created_at", "ended_at", "audit_trail",
        ]}),
    ]  # fmt: skip
    actions = ["end_selected"]

    def get_readonly_fields(self, request, obj=None):
        # A pledge stays with its organization: its history is that organization's.
        if obj is not None:
            return ["organization", *self.readonly_fields]
        return self.readonly_fields

    def get_actions(self, request):
        # Deleting a pledge would delete everyone's logged hours: end it instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and not obj.contributions.exists()
            and super().has_delete_permission(request, obj)
        )

    @admin.display(description=gettext_lazy("Pledged hours"))
    def pledged(self, obj):
        return obj.describe()

    @admin.display(description=gettext_lazy("History"))
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data.get(field) for field in services.PLEDGE_FIELDS}
        projects = list(form.cleaned_data.get("target_projects") or [])
        if change:
            pledge = services.pledge_update(
                pledge=obj, actor=request.user, data=data, target_projects=projects
            )
        else:
            pledge = services.pledge_create(
                organization=form.cleaned_data["organization"],
                actor=request.user,
                data=data,
                target_projects=projects,
            )
        # The admin goes on with `obj` (messages, redirect): make it the saved pledge.
        obj.pk = pledge.pk
        obj.created_by, obj.created_at = pledge.created_by, pledge.created_at

    def save_related(self, request, form, formsets, change):
        # Target projects were saved by the service; there are no inlines.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=gettext_lazy("End selected pledges (today)"))
    def end_selected(self, request, queryset):
        active = queryset.filter(status=Pledge.Status.ACTIVE)
        done = ngettext_lazy("%(count)d pledge ended.", "%(count)d pledges ended.", "count")
        self.run_service(request, active, services.pledge_end, done)


# --- Logged hours ---------------------------------------------------------------------------


def formfield_https(model_field, **kwargs):
    """Addresses typed without a scheme are taken as https (Django 6's default too)."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class ContributionAdminForm(forms.ModelForm):
    """A staff correction: the log's own rules, and the person's day checked under lock."""

    class Meta:
        model = Contribution
        formfield_callback = formfield_https
        fields = ["date", "hours", "project", "project_url", "description", "link"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_published_projects(self, "project")

    def clean(self):
        cleaned = super().clean()
        log = self.instance
        pledge = log.pledge
        day = cleaned.get("date")
        if day and day > timezone.localdate():
            self.add_error("date", _("Hours can only be logged for today or earlier."))
        elif day and day < pledge.starts_on:
            starts = date_format(pledge.starts_on)
            self.add_error("date", _("The pledge starts on %(date)s.") % {"date": starts})
        elif day and pledge.ends_on and day > pledge.ends_on:
            ended = date_format(pledge.ends_on)
            self.add_error("date", _("The pledge ended on %(date)s.") % {"date": ended})
        if "project" in cleaned and not cleaned.get("project") and not cleaned.get("project_url"):
            self.add_error("project", _("Choose a listed project or give the project's address."))
        hours = cleaned.get("hours")
        # Hours outside 0.25..24 get the field's own message; the day is checked otherwise.
        valid_hours = hours is not None and 0 < hours <= services.HOURS_PER_DAY
        if day and valid_hours and log.status in Contribution.COUNTING_TOWARDS_DAY:
            # The admin's change view runs in one transaction: this lock holds until the
            # corrected log is saved, as in services.contribution_update.
            services.lock_person_day(log.contributor)
            already = services.hours_logged_on(log.contributor, day, exclude_pk=log.pk)
            if already + hours > services.HOURS_PER_DAY:
                left = max(services.HOURS_PER_DAY - already, 0)
                self.add_error(
                    "hours",
                    _(
                        "%(person)s already logged %(logged)s hours on that day; at most "
                        "%(left)s more fit in 24 hours."
                    )
                    % {
                        "person": log.contributor,
                        "logged": f"{already.normalize():f}",
                        "left": f"{left.normalize():f}",
                    },
                )
        return cleaned


class WaitingForStaffFilter(admin.SimpleListFilter):
    """Pending logs nobody at the organization may review: their author is its only owner or
    admin, and nobody approves their own hours."""

    title = gettext_lazy("reviewer")
    parameter_name = "reviewer"

    def lookups(self, request, model_admin):
        return [
            ("staff", _("Waiting for hub staff")),
            ("organization", _("The organization's admins")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in ("staff", "organization"):
            return queryset
        other_reviewer = Exists(
            reviewers_other_than(
                organization=OuterRef("pledge__organization"), contributor=OuterRef("contributor")
            )
        )
        pending = queryset.filter(status=Contribution.Status.PENDING)
        if self.value() == "staff":
            return pending.filter(~other_reviewer)
        return pending.filter(other_reviewer)


class EvidenceFilter(admin.SimpleListFilter):
    """Logs by what checking their evidence links found."""

    title = gettext_lazy("evidence")
    parameter_name = "evidence"

    def lookups(self, request, model_admin):
        return [
            ("checked", _("Checked on a forge")),
            ("failed", _("A link did not check out")),
            ("pending", _("Waiting to be checked")),
            ("none", _("No links")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(
                ~Exists(ContributionEvidence.objects.filter(contribution=OuterRef("pk")))
            )
        if value in ContributionEvidence.Status.values:
            links = ContributionEvidence.objects.filter(contribution=OuterRef("pk"), status=value)
            return queryset.filter(Exists(links))
        return queryset


@admin.register(Contribution)
class ContributionAdmin(KeyedInitialDataMixin, ServiceActionsMixin, admin.ModelAdmin):
    form = ContributionAdminForm
    # Fits a 1280-pixel screen beside the filters; when it was reviewed is on its page.
    list_display = [
        "contributor", "organization", "date", "hours", "project_name", "status", "reviewed_by",
    ]  # fmt: skip
    list_filter = [
        "status", WaitingForStaffFilter, EvidenceFilter,
        ("pledge__organization", admin.RelatedOnlyFieldListFilter), "date",
    ]  # fmt: skip
    search_fields = [
        "contributor__email", "contributor__display_name", "pledge__organization__name",
        "project__name", "project_url", "description",
    ]  # fmt: skip
    list_select_related = ["contributor", "pledge__organization", "project", "reviewed_by"]
    ordering = [pending_first(Contribution.Status.PENDING), "-date", "-pk"]
    date_hierarchy = "date"
    autocomplete_fields = ["project"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "pledge", "contributor", "status", "reviewed_by", "reviewed_at", "rejection_reason",
        "created_at", "audit_trail", "evidence_found",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["pledge", "contributor", "status"]}),
        (gettext_lazy("The work (staff corrections keep the 24-hour and date rules)"), {"fields": [
            "date", "hours", "project", "project_url", "description", "link", "evidence_found",
        ]}),
        (gettext_lazy("Review (approve or reject with the actions of the list)"), {"fields": [
            "reviewed_by", "reviewed_at", "rejection_reason", "created_at", "audit_trail",
        ]}),
    ]  # fmt: skip
    actions = ["approve_selected", "reject_selected", "recheck_evidence"]

    def has_add_permission(self, request):
        # A log is made by its contributor, under the membership and 24-hour rules.
        return False

    def has_delete_permission(self, request, obj=None):
        # Reject instead: the record of who decided stays.
        return False

    @admin.display(description=gettext_lazy("Organization"), ordering="pledge__organization__name")
    def organization(self, obj):
        return obj.pledge.organization

    @admin.display(description=gettext_lazy("Project"))
    def project_name(self, obj):
        return obj.project_label

    @admin.display(description=gettext_lazy("History"))
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    @admin.display(description=gettext_lazy("Evidence (checked against the forges)"))
    def evidence_found(self, obj):
        links = obj.evidence.order_by("pk")
        if not links:
            return _("No links.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}" rel="nofollow noopener">{}</a>: {}{}</li>',
                (
                    (e.url, e.url, e.get_status_display(), f" ({e.reason})" if e.reason else "")
                    for e in links
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        edited = form.changed_data
        if not edited:
            return
        obj.save(update_fields=edited)
        audit_record(
            actor=request.user,
            action="contribution.staff_edit",
            target=obj,
            detail={"fields": edited},
        )
        if obj.status == Contribution.Status.APPROVED:
            transaction.on_commit(leaderboards_invalidate)
        if "date" in edited:
            # The forge's dates are judged against the logged day.
            services.contribution_evidence_recheck(contribution=obj, actor=request.user)

    @admin.action(description=gettext_lazy("Check the evidence links again"))
    def recheck_evidence(self, request, queryset):
        links = sum(
            services.contribution_evidence_recheck(contribution=log, actor=request.user)
            for log in queryset
        )
        checked = ngettext(
            "%(count)d link will be checked again.", "%(count)d links will be checked again.", links
        )
        self.message_user(request, checked % {"count": links})

    @admin.action(description=gettext_lazy("Approve selected logs"))
    def approve_selected(self, request, queryset):
        pending = list(queryset.filter(status=Contribution.Status.PENDING))
        try:
            count = services.contributions_approve(contributions=pending, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return
        skipped = len(queryset) - count
        approved = ngettext("%(count)d log approved.", "%(count)d logs approved.", count) % {
            "count": count
        }
        if skipped:
            # Two sentences, each agreeing with its own number.
            left = ngettext(
                "%(count)d log not waiting for review, or your own, was left as it was.",
                "%(count)d logs not waiting for review, or your own, were left as they were.",
                skipped,
            )
            approved = f"{approved} {left % {'count': skipped}}"
        self.message_user(request, approved, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Reject selected logs (with a reason)"))
    def reject_selected(self, request, queryset):
        logs = queryset.exclude(
            status__in=[Contribution.Status.REJECTED, Contribution.Status.WITHDRAWN]
        )

        def apply(reason):
            done = ngettext_lazy(
                "%(count)d log rejected; the reason is shown to its author.",
                "%(count)d logs rejected; the reason is shown to each person.",
                "count",
            )
            self.run_service(request, logs, services.contribution_reject, done, reason=reason)

        return ask_for_reason(
            self,
            request,
            logs,
            action="reject_selected",
            title=_("Reject logged hours"),
            intro=_("These hours will not count. Each person sees the reason on their page."),
            apply=apply,
        )
