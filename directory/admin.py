"""Staff curation of the directory: a moderation queue, pending work first.

Every decision (publish, reject, archive, feature, verify, merge, a new address, a member
approved) goes through directory.services, so each leaves an audit row and reaches the
people concerned, exactly as it would from any other screen. The change forms keep the
moderation fields read-only for that reason: the actions are the way to change them.
"""

from typing import NamedTuple

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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

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
)
from hub.audit import audit_record
from hub.models import AuditEntry

REASON_TEMPLATE = "admin/directory/action_reason.html"
# The moderation actions' labels, the same for organizations and projects (their messages
# name the one or the other).
LISTING_ACTIONS = {
    "publish": gettext_lazy("Publish selected listings"),
    "reject": gettext_lazy("Reject selected listings (with a reason)"),
    "archive": gettext_lazy("Archive selected listings"),
    "reject_title": gettext_lazy("Reject listings"),
    "reject_intro": gettext_lazy(
        "These listings will be hidden. The reason is sent to each submitter."
    ),
}
MODERATION_FIELDSET = gettext_lazy("Moderation (change these with the actions of the list)")
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
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Be specific: the person reads this and fixes what you point out."),
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


class ModerationTexts(NamedTuple):
    """What a moderation queue's actions say, in whole sentences for one kind of row (French
    agrees the participles with the noun): the three actions' labels, the reason page's title
    and introduction, and the three success messages (plural forms counted by "count")."""

    publish: str
    reject: str
    archive: str
    reject_title: str
    reject_intro: str
    published: str
    rejected: str
    archived: str


def moderation_actions(texts: ModerationTexts, *, publish, reject, archive):
    """The actions of a moderation queue of rows with a ListingStatus (organizations,
    projects, practice notes): publish, reject with a reason, archive, each row through its
    service (see ServiceActionsMixin.run_service)."""

    @admin.action(description=texts.publish)
    def publish_selected(modeladmin, request, queryset):
        rows = queryset.exclude(status=ListingStatus.PUBLISHED)
        modeladmin.run_service(request, rows, publish, texts.published)

    @admin.action(description=texts.reject)
    def reject_selected(modeladmin, request, queryset):
        return ask_for_reason(
            modeladmin,
            request,
            queryset,
            action="reject_selected",
            title=texts.reject_title,
            intro=texts.reject_intro,
            apply=lambda reason: modeladmin.run_service(
                request, queryset, reject, texts.rejected, reason=reason
            ),
        )

    @admin.action(description=texts.archive)
    def archive_selected(modeladmin, request, queryset):
        rows = queryset.exclude(status=ListingStatus.ARCHIVED)
        modeladmin.run_service(request, rows, archive, texts.archived)

    return publish_selected, reject_selected, archive_selected


def audit_trail_html(obj):
    """The object's audit rows, newest first: who changed what, and when."""
    if obj is None or obj.pk is None:
        return "—"
    entries = AuditEntry.objects.filter(
        target_type=obj._meta.label_lower, target_id=obj.pk
    ).select_related("actor")[:25]
    if not entries:
        return _("Nothing recorded yet.")
    rows = format_html_join(
        "",
        "<li>{} · {} · {}{}</li>",
        (
            (
                date_format(localtime(entry.created_at), "DATETIME_FORMAT"),
                entry.actor or _("system"),
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
                _(
                    "This address still redirects to %(target)s; choose another so old links "
                    "keep working."
                ),
                params={"target": redirect.organization or redirect.project},
            )
        return slug


class OrganizationProjectRoleInline(admin.TabularInline):
    model = ProjectRole
    fk_name = "organization"
    fields = ["project", "role"]
    autocomplete_fields = ["project"]
    extra = 0
    verbose_name = gettext_lazy("project")
    verbose_name_plural = gettext_lazy("projects and roles")


class ProjectOrganizationRoleInline(admin.TabularInline):
    model = ProjectRole
    fk_name = "project"
    fields = ["organization", "role"]
    autocomplete_fields = ["organization"]
    extra = 0
    verbose_name = gettext_lazy("organization")
    verbose_name_plural = gettext_lazy("organizations and roles")


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

    @admin.display(description=gettext_lazy("History"))
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

    # Merging duplicates (the subclasses' "merge_selected" action): the service, what the
    # action says ("choose_two", the page's "title" and "intro": what moves), and how each of
    # the two is described.
    merge_service = None
    merge_texts: dict[str, str] = {}

    def merge_candidates(self, queryset):
        return queryset

    def merge_description(self, listing) -> str:
        return describe_for_merge(listing)

    @admin.action(description=gettext_lazy("Merge two duplicates"))
    def merge_selected(self, request, queryset):
        listings = list(self.merge_candidates(queryset).order_by("created_at", "pk"))
        if len(listings) != 2:
            self.message_user(request, self.merge_texts["choose_two"], messages.WARNING)
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
                _("Merged %(duplicate)s into %(keep)s; its address now redirects there.")
                % {"duplicate": duplicate_name, "keep": keep.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": self.merge_texts["title"],
            "intro": self.merge_texts["intro"],
            "form": form,
            "listings": listings,
            "action": "merge_selected",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, MERGE_TEMPLATE, context)


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label=gettext_lazy("Keep"))

    def __init__(self, *args, listings, describe, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(listing.pk, describe(listing)) for listing in listings]


def describe_for_merge(listing, *counts: str) -> str:
    """A listing as a merge offers it: name, address, status, its numbers, when it was listed."""
    listed = date_format(localtime(listing.created_at), "DATE_FORMAT")
    details = ", ".join(
        [listing.get_status_display().lower(), *counts, _("listed %(date)s") % {"date": listed}]
    )
    return f"{listing.name} (/{listing.slug}/, {details})"


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
            gettext_lazy("Where and how big"),
            {"fields": ["website", "city", "neighbourhood", "size_band", "innersource"]},
        ),
        (
            MODERATION_FIELDSET,
            {"fields": [*ListingAdmin.moderation_fields, "featured", "verified"]},
        ),
        (gettext_lazy("History"), {"fields": ["audit_trail"]}),
    ]
    actions = [
        *ListingAdmin.actions,
        "feature_selected",
        "unfeature_selected",
        "verify_selected",
        "unverify_selected",
        "merge_selected",
    ]
    publish_selected, reject_selected, archive_selected = moderation_actions(
        ModerationTexts(
            **LISTING_ACTIONS,
            published=ngettext_lazy(
                "%(count)d organization published; its submitter is told by e-mail.",
                "%(count)d organizations published; their submitters are told by e-mail.",
                "count",
            ),
            rejected=ngettext_lazy(
                "%(count)d organization rejected.", "%(count)d organizations rejected.", "count"
            ),
            archived=ngettext_lazy(
                "%(count)d organization archived.", "%(count)d organizations archived.", "count"
            ),
        ),
        publish=services.listing_publish,
        reject=services.listing_reject,
        archive=services.listing_archive,
    )

    def set_flag(self, request, queryset, flag: str, value: bool, done: str):
        self.run_service(
            request,
            queryset.exclude(**{flag: value}),
            lambda listing, actor: services.organization_set_flags(
                organization=listing, actor=actor, **{flag: value}
            ),
            done,
        )

    @admin.action(description=gettext_lazy("Feature selected organizations"))
    def feature_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d organization featured.", "%(count)d organizations featured.", "count"
        )
        self.set_flag(request, queryset, "featured", True, done)

    @admin.action(description=gettext_lazy("Stop featuring selected organizations"))
    def unfeature_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d organization no longer featured.",
            "%(count)d organizations no longer featured.",
            "count",
        )
        self.set_flag(request, queryset, "featured", False, done)

    @admin.action(description=gettext_lazy("Mark selected organizations verified"))
    def verify_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d organization verified.", "%(count)d organizations verified.", "count"
        )
        self.set_flag(request, queryset, "verified", True, done)

    @admin.action(description=gettext_lazy("Remove the verified mark"))
    def unverify_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d organization no longer verified.",
            "%(count)d organizations no longer verified.",
            "count",
        )
        self.set_flag(request, queryset, "verified", False, done)

    merge_service = staticmethod(services.organization_merge)
    merge_texts = {
        "choose_two": gettext_lazy("Select exactly two organizations to merge."),
        "title": gettext_lazy("Merge two organizations"),
        "intro": gettext_lazy(
            "Choose the organization to keep. The other one's projects, members, pledges, "
            "events, tags and old addresses move to it, its own address redirects to it, and "
            "it is deleted. This cannot be undone."
        ),
    }

    def merge_candidates(self, queryset):
        return queryset.annotate(
            project_count=Count("project_roles", distinct=True),
            member_count=Count("memberships", distinct=True),
        )

    def merge_description(self, organization) -> str:
        return describe_for_merge(
            organization,
            ngettext("%(count)d project", "%(count)d projects", organization.project_count)
            % {"count": organization.project_count},
            ngettext("%(count)d member", "%(count)d members", organization.member_count)
            % {"count": organization.member_count},
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
        (gettext_lazy("Code"), {"fields": ["repository_url", "homepage", "license"]}),
        (
            gettext_lazy("Help wanted"),
            {"fields": ["seeking_contributors", "pitch", "help_wanted", "contact_url"]},
        ),
        (MODERATION_FIELDSET, {"fields": ListingAdmin.moderation_fields}),
        (gettext_lazy("History"), {"fields": ["audit_trail"]}),
    ]
    actions = [*ListingAdmin.actions, "merge_selected"]
    publish_selected, reject_selected, archive_selected = moderation_actions(
        ModerationTexts(
            **LISTING_ACTIONS,
            published=ngettext_lazy(
                "%(count)d project published; its submitter is told by e-mail.",
                "%(count)d projects published; their submitters are told by e-mail.",
                "count",
            ),
            rejected=ngettext_lazy(
                "%(count)d project rejected.", "%(count)d projects rejected.", "count"
            ),
            archived=ngettext_lazy(
                "%(count)d project archived.", "%(count)d projects archived.", "count"
            ),
        ),
        publish=services.listing_publish,
        reject=services.listing_reject,
        archive=services.listing_archive,
    )
    merge_service = staticmethod(services.project_merge)
    merge_texts = {
        "choose_two": gettext_lazy("Select exactly two projects to merge."),
        "title": gettext_lazy("Merge two projects"),
        "intro": gettext_lazy(
            "Choose the project to keep. The other one's organizations and their roles, tags, "
            "logged hours, pledges and old addresses move to it, its own address redirects to "
            "it, and it is deleted. This cannot be undone."
        ),
    }

    def merge_candidates(self, queryset):
        return queryset.annotate(organization_count=Count("roles", distinct=True))

    def merge_description(self, project) -> str:
        count = project.organization_count
        organizations = ngettext("%(count)d organization", "%(count)d organizations", count)
        return describe_for_merge(project, organizations % {"count": count})


# --- Memberships --------------------------------------------------------------------------


class OptionalReasonForm(ReasonForm):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Optional: sent to each person with the decision."),
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
            raise ValidationError(_("An organization keeps at least one owner."))
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
                "role",
                _("%(organization)s has no owner yet: add its first person as owner.")
                % {"organization": organization},
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

    @admin.display(description=gettext_lazy("History"))
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

    @admin.action(description=gettext_lazy("Approve selected memberships"))
    def approve_selected(self, request, queryset):
        pending = queryset.filter(status=Membership.Status.PENDING).select_related(
            "organization", "user"
        )
        done = ngettext_lazy(
            "%(count)d membership approved.", "%(count)d memberships approved.", "count"
        )
        self.run_service(request, pending, services.membership_decide, done, approve=True)

    @admin.action(description=gettext_lazy("Reject selected memberships (with an optional reason)"))
    def reject_selected(self, request, queryset):
        pending = queryset.filter(status=Membership.Status.PENDING).select_related(
            "organization", "user"
        )

        def apply(reason):
            decide = services.membership_decide
            done = ngettext_lazy(
                "%(count)d membership rejected.", "%(count)d memberships rejected.", "count"
            )
            self.run_service(request, pending, decide, done, approve=False, reason=reason)

        return ask_for_reason(
            self,
            request,
            pending,
            action="reject_selected",
            title=_("Reject memberships"),
            intro=_("Each person is told by e-mail, with the reason if you give one."),
            apply=apply,
            form_class=OptionalReasonForm,
        )

    @admin.action(description=gettext_lazy("Remove selected memberships"))
    def remove_selected(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d membership removed.", "%(count)d memberships removed.", "count"
        )
        self.run_service(request, queryset, services.membership_remove, done)


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

    @admin.display(description=gettext_lazy("Listing"))
    def listing_link(self, obj):
        listing = obj.listing
        url = reverse(f"admin:directory_{listing._meta.model_name}_change", args=[listing.pk])
        return format_html('<a href="{}">{}</a>', url, listing)

    @admin.display(description=gettext_lazy("What the edit changes"))
    def comparison(self, obj):
        listing = obj.listing
        rows = []
        for name, before, proposed in queries.revision_changes(obj):
            if name == "tags":
                label = _("Tags")
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
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("Field"),
            _("Before"),
            _("Proposed") if obj.status == ListingRevision.Status.PENDING else _("After"),
            format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.action(description=gettext_lazy("Approve selected edits (they go live)"))
    def approve_selected(self, request, queryset):
        pending = queryset.filter(status=ListingRevision.Status.PENDING)
        done = ngettext_lazy("%(count)d edit approved.", "%(count)d edits approved.", "count")
        self.run_service(request, pending, services.revision_approve, done)

    @admin.action(description=gettext_lazy("Reject selected edits (with a reason)"))
    def reject_selected(self, request, queryset):
        pending = queryset.filter(status=ListingRevision.Status.PENDING)

        def apply(reason):
            count = 0
            for revision in pending:
                services.revision_reject(revision=revision, actor=request.user, reason=reason)
                count += 1
            rejected = ngettext("%(count)d edit rejected.", "%(count)d edits rejected.", count)
            self.message_user(request, rejected % {"count": count}, messages.SUCCESS)

        return ask_for_reason(
            self,
            request,
            pending,
            action="reject_selected",
            title=_("Reject edits"),
            intro=_("The listings keep showing their current text."),
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

    organization_count = annotated_column("organization_total", gettext_lazy("Organizations"))
    project_count = annotated_column("project_total", gettext_lazy("Projects"))


@admin.register(SlugRedirect)
class SlugRedirectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Old addresses that keep working. Written only by renames and merges."""

    list_display = ["old_slug", "target", "created_at"]
    search_fields = ["old_slug", "organization__name", "project__name"]
    list_select_related = ["organization", "project"]
    ordering = ["-created_at"]

    @admin.display(description=gettext_lazy("Redirects to"))
    def target(self, obj):
        return obj.organization or obj.project
