"""Small pieces every app's admin shares: actions that call a service per selected row."""

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from hub.audit import audit_record


def error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def annotated_column(annotation: str, description: str):
    """A changelist column showing a number the admin's get_queryset annotates, sortable by
    it (empty where a row was not read through that queryset, as on an add form)."""

    @admin.display(description=description, ordering=annotation)
    def column(modeladmin, obj):
        return getattr(obj, annotation, None)

    return column


class ServiceActionsMixin:
    """For admin actions: run one service per selected row, so every change keeps its rules
    and leaves its audit row; a refused row is reported and the others still go through.

    `done` is the whole success message with its plural forms, counted by "count"
    (ngettext_lazy("%(count)d event cancelled.", "%(count)d events cancelled.", "count")):
    other languages agree the noun and the verb with each other and with the number."""

    def run_each(self, request, objects: Iterable, service: Callable, done: str) -> int:
        count = 0
        for obj in objects:
            try:
                service(obj)
            except (ValidationError, PermissionDenied) as error:
                refusal = _("%(row)s: %(reason)s") % {"row": obj, "reason": error_text(error)}
                self.message_user(request, refusal, messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)
        return count

    # The keyword the app's services take one row by (listing_publish(listing=...)); empty
    # means the model's name (pledge_end(pledge=...)).
    service_keyword = ""

    def run_service(
        self,
        request,
        rows: Iterable,
        service: Callable,
        done: str,
        **kwargs,
    ) -> int:
        """`run_each` for a service called the apps' way: service(<row>, actor=staff, **kwargs)."""
        keyword = self.service_keyword or self.model._meta.model_name
        return self.run_each(
            request,
            rows,
            lambda row: service(**{keyword: row}, actor=request.user, **kwargs),
            done,
        )


class AuditedSaveMixin:
    """Staff's adds and edits in the change form leave an audit row naming the fields they
    changed: `audit_actions` is the action of an add, then of an edit."""

    audit_actions: tuple[str, str] = ("", "")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        create, edit = self.audit_actions
        audit_record(
            actor=request.user,
            action=edit if change else create,
            target=obj,
            detail={"fields": form.changed_data},
        )


class NoBulkDeleteMixin:
    """No "Delete selected" action: a row of this kind is deleted one at a time, where
    `has_delete_permission` can say no, or not at all."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdminMixin:
    """Rows written only by code (the services, the audit): staff read them and nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent that are added and removed elsewhere (by the people
    concerned, through the services): every field read-only, nothing added or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class KeyedInitialDataMixin:
    """An add form takes its first values from the query string (`?organization=3`); a value
    that is not a key of the related model is dropped, not handed to the autocomplete widget,
    which would look it up and fail with a server error."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.related_model is None:
                continue
            target = getattr(field, "target_field", None) or field.related_model._meta.pk
            try:
                for item in value if isinstance(value, list) else [value]:
                    target.to_python(item)
            except (ValidationError, ValueError, TypeError):
                del initial[name]
        return initial
