"""Staff curation of the directory: a moderation queue, pending work first.

Every decision (publish, reject, archive, feature, verify, merge, a new address, a member
approved) goes through directory.services, so each leaves an audit row and reaches the
people concerned, exactly as it would from any other screen. The change forms keep the
moderation fields read-only for that reason: the actions are the way to change them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, IntegerField, OrderBy, Value, When
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.timezone import localtime

from directory import queries, services
from directory.models import (
    ListingRevision,
    ListingStatus,
    Membership,
    Organization,
    Project,
    ProjectRole,
    SlugRedirect,
    Tag,
)
from directory.search import search_vector_refresh
from directory.uses.admin import OrganizationUseInline, ProjectUserInline
from hub.admin_tools import (
    KeyedInitialDataMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ServiceActionsMixin,
    annotated_column,
    error_text,
    plural,
)
from hub.audit import audit_record
from hub.models import AuditEntry

REASON_TEMPLATE = "admin/directory/action_reason.html"
MERGE_TEMPLATE = "admin/directory/merge_listings.html"


def pending_first(pending_value: str) -> OrderBy:
    """Order rows waiting for a decision before everything else."""
    return Case(
        When(status=pending_value, then=Value(0)), default=Value(1), output_field=IntegerField()
    ).asc()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Be specific: the person reads this and fixes what you point out.",
    )


def ask_for_reason(
    modeladmin,
    request,
    queryset,
    *,
    action: str,
    title: str,
    intro: str,
    apply,
    form_class: type[forms.Form] = ReasonForm,
):
    """The intermediate page of an action that needs a reason; `apply(reason)` once given."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        apply(form.cleaned_data["reason"])
        return None  # back to the changelist, which shows the messages
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "form": form,
        "queryset": queryset,
        "action": action,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
        "submit_label": title,
    }
    return TemplateResponse(request, REASON_TEMPLATE, context)


def moderation_actions(noun: str, *, told: str, publish, reject, archive):
    """The actions of a moderation queue of rows with a ListingStatus (listings, practice
    notes): publish, reject with a reason, archive, each row through its service (see
    ServiceActionsMixin.run_service). `told` is who hears of a decision by e-mail."""

    @admin.action(description=f"Publish selected {noun}")
    def publish_selected(modeladmin, request, queryset):
        rows = queryset.exclude(status=ListingStatus.PUBLISHED)
        modeladmin.run_service(request, rows, publish, f"published; the {told}s are told by e-mail")

    @admin.action(description=f"Reject selected {noun} (with a reason)")
    def reject_selected(modeladmin, request, queryset):
        return ask_for_reason(
            modeladmin,
            request,
            queryset,
            action="reject_selected",
            title=f"Reject {noun}",
            intro=f"These {noun} will be hidden. The reason is sent to each {told}.",
            apply=lambda reason: modeladmin.run_service(
                request, queryset, reject, "rejected", reason=reason
            ),
        )

    @admin.action(description=f"Archive selected {noun}")
    def archive_selected(modeladmin, request, queryset):
        rows = queryset.exclude(status=ListingStatus.ARCHIVED)
        modeladmin.run_service(request, rows, archive, "archived")

    return publish_selected, reject_selected, archive_selected


def audit_trail_html(obj):
    """The object's audit rows, newest first: who changed what, and when."""
    if obj is None or obj.pk is None:
        return "—"
    entries = AuditEntry.objects.filter(
        target_type=obj._meta.label_lower, target_id=obj.pk
    ).select_related("actor")[:25]
    if not entries:
        return "Nothing recorded yet."
    rows = format_html_join(
        "",
        "<li>{} · {} · {}{}</li>",
        (
            (
                date_format(localtime(entry.created_at), "DATETIME_FORMAT"),
                entry.actor or "system",
                entry.action,
                f" {entry.detail}" if entry.detail else "",
            )
            for entry in entries
        ),
    )
    return format_html("<ul>{}</ul>", rows)


# --- Organizations and projects -----------------------------------------------------------


class ListingForm(forms.ModelForm):
    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        field = "organization" if self._meta.model is Organization else "project"
        redirects = SlugRedirect.objects.filter(old_slug=slug, **{f"{field}__isnull": False})
        if self.instance.pk is not None:
            redirects = redirects.exclude(**{field: self.instance})
        redirect = redirects.first()
        if redirect is not None:
            raise ValidationError(
                "This address still redirects to %(target)s; choose another so old links "
                "keep working.",
                params={"target": redirect.organization or redirect.project},
            )
        return slug


class OrganizationProjectRoleInline(admin.TabularInline):
    model = ProjectRole
    fk_name = "organization"
    fields = ["project", "role"]
    autocomplete_fields = ["project"]
    extra = 0
    verbose_name = "project"
    verbose_name_plural = "projects and roles"


class ProjectOrganizationRoleInline(admin.TabularInline):
    model = ProjectRole
    fk_name = "project"
    fields = ["organization", "role"]
    autocomplete_fields = ["organization"]
    extra = 0
    verbose_name = "organization"
    verbose_name_plural = "organizations and roles"


class MembershipInline(ReadOnlyInline):
    """Who runs the listing. Decisions are made in the membership queue."""

    model = Membership
    fields = ["user", "role", "status", "created_at", "decided_at"]
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False


class ListingAdmin(ServiceActionsMixin, admin.ModelAdmin):
    form = ListingForm
    ordering = [pending_first(ListingStatus.PENDING), "-created_at"]
    search_fields = ["name", "slug", "description"]
    filter_horizontal = ["tags"]
    prepopulated_fields = {"slug": ["name"]}
    # Addresses typed without a scheme are taken as https (Django 6's default too).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_per_page = 50
    moderation_fields = [
        "status",
        "rejection_reason",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    actions = ["publish_selected", "reject_selected", "archive_selected"]
    service_keyword = "listing"
    publish_selected, reject_selected, archive_selected = moderation_actions(
        "listings",
        told="submitter",
        publish=services.listing_publish,
        reject=services.listing_reject,
        archive=services.listing_archive,
    )

    @admin.display(description="History")
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    def get_actions(self, request):
        # Deleting a listing would break every link to it: archive it instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        new_slug = obj.slug
        if change and "slug" in form.changed_data:
            # The new address goes through the service, which keeps the old one redirecting.
            obj.slug = form.initial["slug"]
        super().save_model(request, obj, form, change)
        if obj.slug != new_slug:
            services.listing_change_slug(listing=obj, actor=request.user, new_slug=new_slug)
        edited = [name for name in form.changed_data if name != "slug"]
        if not change:
            audit_record(actor=request.user, action="listing.staff_create", target=obj)
        elif edited:
            audit_record(
                actor=request.user,
                action="listing.staff_edit",
                target=obj,
                detail={"fields": edited},
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Tags are saved only now, and they are part of the search document.
        search_vector_refresh(form.instance)

    # Merging duplicates (the subclasses' "merge_selected" action): the service, what moves,
    # and how each of the two is described.
    merge_service = None
    merge_moves = ""

    def merge_candidates(self, queryset):
        return queryset

    def merge_description(self, listing) -> str:
        return describe_for_merge(listing)

    @admin.action(description="Merge two duplicates")
    def merge_selected(self, request, queryset):
        listings = list(self.merge_candidates(queryset).order_by("created_at", "pk"))
        noun = self.model._meta.verbose_name_plural
        if len(listings) != 2:
            self.message_user(request, f"Select exactly two {noun} to merge.", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if "apply" in request.POST else None,
            listings=listings,
            describe=self.merge_description,
        )
        if form.is_valid():
            keep, duplicate = sorted(listings, key=lambda one: one.pk != form.cleaned_data["keep"])
            duplicate_name = duplicate.name
            try:
                self.merge_service(keep=keep, duplicate=duplicate, actor=request.user)
            except ValidationError as error:
                self.message_user(request, error_text(error), messages.ERROR)
                return None
            self.message_user(
                request,
                f"Merged {duplicate_name} into {keep.name}; its address now redirects there.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge two {noun}",
            "form": form,
            "listings": listings,
            "moves": self.merge_moves,
            "action": "merge_selected",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, MERGE_TEMPLATE, context)


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Keep")

    def __init__(self, *args, listings, describe, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(listing.pk, describe(listing)) for listing in listings]


def describe_for_merge(listing, *counts: str) -> str:
    """A listing as a merge offers it: name, address, status, its numbers, when it was listed."""
    return ", ".join(
        [
            f"{listing.name} (/{listing.slug}/",
            listing.get_status_display().lower(),
            *counts,
            f"listed {date_format(localtime(listing.created_at), 'DATE_FORMAT')})",
        ]
    )


@admin.register(Organization)
class OrganizationAdmin(ListingAdmin):
    list_display = ["name", "status", "kind", "city", "featured", "verified", "created_at"]
    list_filter = [
        "status",
        "kind",
        "featured",
        "verified",
        "innersource",
        ("city", admin.AllValuesFieldListFilter),
        "tags",
    ]
    search_fields = ["name", "slug", "description", "city", "neighbourhood", "website"]
    inlines = [OrganizationProjectRoleInline, MembershipInline, OrganizationUseInline]
    readonly_fields = [*ListingAdmin.moderation_fields, "featured", "verified", "audit_trail"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "description", "tags"]}),
        (
            "Where and how big",
            {"fields": ["website", "city", "neighbourhood", "size_band", "innersource"]},
        ),
        (
            "Moderation (change these with the actions of the list)",
            {"fields": [*ListingAdmin.moderation_fields, "featured", "verified"]},
        ),
        ("History", {"fields": ["audit_trail"]}),
    ]
    actions = [
        *ListingAdmin.actions,
        "feature_selected",
        "unfeature_selected",
        "verify_selected",
        "unverify_selected",
        "merge_selected",
    ]

    def set_flag(self, request, queryset, flag: str, value: bool, done: str):
        self.run_service(
            request,
            queryset.exclude(**{flag: value}),
            lambda listing, actor: services.organization_set_flags(
                organization=listing, actor=actor, **{flag: value}
            ),
            done,
        )

    @admin.action(description="Feature selected organizations")
    def feature_selected(self, request, queryset):
        self.set_flag(request, queryset, "featured", True, "featured")

    @admin.action(description="Stop featuring selected organizations")
    def unfeature_selected(self, request, queryset):
        self.set_flag(request, queryset, "featured", False, "no longer featured")

    @admin.action(description="Mark selected organizations verified")
    def verify_selected(self, request, queryset):
        self.set_flag(request, queryset, "verified", True, "verified")

    @admin.action(description="Remove the verified mark")
    def unverify_selected(self, request, queryset):
        self.set_flag(request, queryset, "verified", False, "no longer verified")

    merge_service = staticmethod(services.organization_merge)
    merge_moves = "projects, members, pledges, events, tags and old addresses"

    def merge_candidates(self, queryset):
        return queryset.annotate(
            project_count=Count("project_roles", distinct=True),
            member_count=Count("memberships", distinct=True),
        )

    def merge_description(self, organization) -> str:
        return describe_for_merge(
            organization,
            plural(organization.project_count, "project"),
            plural(organization.member_count, "member"),
        )


@admin.register(Project)
class ProjectAdmin(ListingAdmin):
    list_display = ["name", "status", "license", "seeking_contributors", "created_at"]
    list_filter = [
        "status",
        ("license", admin.AllValuesFieldListFilter),
        "seeking_contributors",
        "tags",
    ]
    search_fields = ["name", "slug", "description", "pitch", "repository_url"]
    inlines = [ProjectOrganizationRoleInline, ProjectUserInline]
    readonly_fields = [*ListingAdmin.moderation_fields, "audit_trail"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "tags"]}),
        ("Code", {"fields": ["repository_url", "homepage", "license"]}),
        (
            "Help wanted",
            {"fields": ["seeking_contributors", "pitch", "help_wanted", "contact_url"]},
        ),
        (
            "Moderation (change these with the actions of the list)",
            {"fields": ListingAdmin.moderation_fields},
        ),
        ("History", {"fields": ["audit_trail"]}),
    ]
    actions = [*ListingAdmin.actions, "merge_selected"]
    merge_service = staticmethod(services.project_merge)
    merge_moves = "organizations and their roles, tags, logged hours, pledges and old addresses"

    def merge_candidates(self, queryset):
        return queryset.annotate(organization_count=Count("roles", distinct=True))

    def merge_description(self, project) -> str:
        return describe_for_merge(project, plural(project.organization_count, "organization"))


# --- Memberships --------------------------------------------------------------------------


class OptionalReasonForm(ReasonForm):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Optional: sent to each person with the decision.",
    )


class MembershipForm(forms.ModelForm):
    """Checks here repeat the services' owner rules so staff see a form error rather than
    an error page; membership_add and membership_change_role enforce them either way."""

    def _active_owners(self, organization):
        return Membership.objects.filter(
            organization=organization,
            role=Membership.Role.OWNER,
            status=Membership.Status.ACTIVE,
        )

    def clean_role(self):
        role = self.cleaned_data["role"]
        membership = self.instance
        if (
            membership.pk is not None
            and membership.status == Membership.Status.ACTIVE
            and self.initial.get("role") == Membership.Role.OWNER
            and role != Membership.Role.OWNER
            and not self._active_owners(membership.organization).exclude(pk=membership.pk).exists()
        ):
            raise ValidationError("An organization keeps at least one owner.")
        return role

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization")
        if (
            self.instance.pk is None
            and organization is not None
            and cleaned.get("role") != Membership.Role.OWNER
            and not self._active_owners(organization).exists()
        ):
            self.add_error(
                "role", f"{organization} has no owner yet: add its first person as owner."
            )
        return cleaned


@admin.register(Membership)
class MembershipAdmin(KeyedInitialDataMixin, ServiceActionsMixin, admin.ModelAdmin):
    form = MembershipForm
    ordering = [pending_first(Membership.Status.PENDING), "-created_at"]
    list_display = ["user", "organization", "role", "status", "created_at", "decided_by"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "user__display_name", "organization__name"]
    list_select_related = ["user", "organization", "decided_by"]
    autocomplete_fields = ["user", "organization"]
    actions = ["approve_selected", "reject_selected", "remove_selected"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "organization", "role"]
        return [
            "user",
            "organization",
            "role",
            "status",
            "message",
            "created_at",
            "decided_by",
            "decided_at",
            "audit_trail",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "user",
            "organization",
            "status",
            "message",
            "created_at",
            "decided_by",
            "decided_at",
            "audit_trail",
        ]

    def has_delete_permission(self, request, obj=None):
        # Removing goes through the "remove" action, which keeps an owner in place.
        return False

    @admin.display(description="History")
    def audit_trail(self, obj):
        return audit_trail_html(obj)

    def save_model(self, request, obj, form, change):
        if change:
            if "role" in form.changed_data:
                obj.role = form.initial["role"]
                services.membership_change_role(
                    membership=obj, actor=request.user, role=form.cleaned_data["role"]
                )
            return
        membership = services.membership_add(
            organization=obj.organization, actor=request.user, user=obj.user, role=obj.role
        )
        obj.pk = membership.pk
        obj.refresh_from_db()

    @admin.action(description="Approve selected memberships")
    def approve_selected(self, request, queryset):
        pending = queryset.filter(status=Membership.Status.PENDING).select_related(
            "organization", "user"
        )
        self.run_service(request, pending, services.membership_decide, "approved", approve=True)

    @admin.action(description="Reject selected memberships (with an optional reason)")
    def reject_selected(self, request, queryset):
        pending = queryset.filter(status=Membership.Status.PENDING).select_related(
            "organization", "user"
        )

        def apply(reason):
            decide = services.membership_decide
            self.run_service(request, pending, decide, "rejected", approve=False, reason=reason)

        return ask_for_reason(
            self,
            request,
            pending,
            action="reject_selected",
            title="Reject memberships",
            intro="Each person is told by e-mail, with the reason if you give one.",
            apply=apply,
            form_class=OptionalReasonForm,
        )

    @admin.action(description="Remove selected memberships")
    def remove_selected(self, request, queryset):
        self.run_service(request, queryset, services.membership_remove, "removed")


# --- Proposed edits -----------------------------------------------------------------------


@admin.register(ListingRevision)
class ListingRevisionAdmin(ServiceActionsMixin, admin.ModelAdmin):
    """Edits to published listings, waiting for a decision. The change page is a read-only
    review screen (proposed against current values); decisions are the list's actions."""

    ordering = [pending_first(ListingRevision.Status.PENDING), "-created_at"]
    list_display = ["__str__", "listing_link", "status", "proposed_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["organization__name", "project__name", "proposed_by__email"]
    list_select_related = ["organization", "project", "proposed_by"]
    fields = [
        "listing_link",
        "status",
        "proposed_by",
        "created_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "comparison",
    ]
    readonly_fields = fields
    actions = ["approve_selected", "reject_selected"]
    service_keyword = "revision"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Allowed on the list (the actions need it), never on one revision's page.
        return obj is None and super().has_change_permission(request)

    @admin.display(description="Listing")
    def listing_link(self, obj):
        listing = obj.listing
        url = reverse(f"admin:directory_{listing._meta.model_name}_change", args=[listing.pk])
        return format_html('<a href="{}">{}</a>', url, listing)

    @admin.display(description="What the edit changes")
    def comparison(self, obj):
        listing = obj.listing
        rows = []
        for name, before, proposed in queries.revision_changes(obj):
            if name == "tags":
                label = "Tags"
                tags = Tag.objects.filter(pk__in=[*(before or ()), *proposed])
                names = dict(tags.values_list("pk", "name"))
                before, proposed = (
                    None if ids is None else ", ".join(sorted(names.get(pk, "?") for pk in ids))
                    for ids in (before, proposed)
                )
            else:
                label = capfirst(listing._meta.get_field(name).verbose_name)
            rows.append((label, "—" if before is None else before, proposed))
        return format_html(
            "<table><thead><tr><th>Field</th><th>Before</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            "Proposed" if obj.status == ListingRevision.Status.PENDING else "After",
            format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.action(description="Approve selected edits (they go live)")
    def approve_selected(self, request, queryset):
        pending = queryset.filter(status=ListingRevision.Status.PENDING)
        self.run_service(request, pending, services.revision_approve, "approved", noun="edit")

    @admin.action(description="Reject selected edits (with a reason)")
    def reject_selected(self, request, queryset):
        pending = queryset.filter(status=ListingRevision.Status.PENDING)

        def apply(reason):
            count = 0
            for revision in pending:
                services.revision_reject(revision=revision, actor=request.user, reason=reason)
                count += 1
            self.message_user(request, f"{plural(count, 'edit')} rejected.", messages.SUCCESS)

        return ask_for_reason(
            self,
            request,
            pending,
            action="reject_selected",
            title="Reject edits",
            intro="The listings keep showing their current text.",
            apply=apply,
        )


# --- Tags and old addresses ---------------------------------------------------------------


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "organization_count", "project_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                organization_total=Count("organizations", distinct=True),
                project_total=Count("projects", distinct=True),
            )
        )

    organization_count = annotated_column("organization_total", "Organizations")
    project_count = annotated_column("project_total", "Projects")


@admin.register(SlugRedirect)
class SlugRedirectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Old addresses that keep working. Written only by renames and merges."""

    list_display = ["old_slug", "target", "created_at"]
    search_fields = ["old_slug", "organization__name", "project__name"]
    list_select_related = ["organization", "project"]
    ordering = ["-created_at"]

    @admin.display(description="Redirects to")
    def target(self, obj):
        return obj.organization or obj.project
