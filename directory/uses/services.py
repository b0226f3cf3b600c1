"""Every change to who uses what: an organization declares, changes or withdraws its use of
a listed project. Each change leaves an audit row and makes the directory's cached numbers
and pages stale once it commits (the "used by" facet counts declarations)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Organization, Project, ProjectUse
from directory.permissions import (
    project_is_public,
    user_can_declare_use_for,
    user_can_withdraw_use,
)
from directory.queries import directory_cache_invalidate
from hub.audit import audit_record
from hub.locks import row_lock
from hub.models import User

NOTE_MAX_LENGTH = ProjectUse._meta.get_field("note").max_length


def _checked(*, project: Project, status: str, note: str) -> str:
    """The note, trimmed, once the project, the status and the note are acceptable."""
    errors = {}
    if not project_is_public(project):
        errors["project"] = _("Choose a project published in the directory.")
    if status not in ProjectUse.Status.values:
        errors["status"] = _("Choose in production, evaluating or stopped.")
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Keep the note to %(limit)s characters (it has %(length)s).") % {
            "limit": NOTE_MAX_LENGTH,
            "length": len(note),
        }
    if errors:
        raise ValidationError(errors)
    return note


def _locked_use(organization: Organization, project: Project) -> ProjectUse | None:
    with row_lock():
        return (
            ProjectUse.objects.select_for_update()
            .filter(organization=organization, project=project)
            .first()
        )


def _created(*, organization, project, status, note, actor) -> ProjectUse | None:
    """A new declaration, or None when another request made it first (the unique
    constraint refuses this one inside a savepoint; the transaction goes on)."""
    try:
        with transaction.atomic():
            return ProjectUse.objects.create(
                organization=organization,
                project=project,
                status=status,
                note=note,
                declared_by=actor,
            )
    except IntegrityError:
        return None


@transaction.atomic
def use_declare(
    *, organization: Organization, project: Project, status: str, note: str = "", actor: User
) -> tuple[ProjectUse, bool]:
    """An owner or admin says the organization uses `project` (in production, evaluating or
    stopped), with an optional note. Declaring again changes the status and the note of the
    one declaration there is; True when it was made now."""
    if not user_can_declare_use_for(user=actor, organization=organization):
        raise PermissionDenied(
            _("Only the owners and admins of a published organization say what it uses.")
        )
    note = _checked(project=project, status=status, note=note)
    use = _locked_use(organization, project)
    created = False
    if use is None:
        use = _created(
            organization=organization, project=project, status=status, note=note, actor=actor
        )
        created = use is not None
        if use is None:
            use = _locked_use(organization, project)
    if not created:
        if (use.status, use.note) == (status, note):
            return use, False
        if use.status != status:
            use.since = timezone.now()
        use.status, use.note, use.declared_by = status, note, actor
        use.save(update_fields=["status", "note", "since", "declared_by", "updated_at"])
    transaction.on_commit(directory_cache_invalidate)
    audit_record(
        actor=actor,
        action="organization.use_declare" if created else "organization.use_change",
        target=organization,
        detail={"project": project.slug, "status": status, "note": note},
    )
    return use, created


@transaction.atomic
def use_withdraw(*, use: ProjectUse, actor: User) -> None:
    """The organization no longer says it uses the project (its owners and admins, or staff)."""
    if not user_can_withdraw_use(user=actor, organization=use.organization):
        raise PermissionDenied(
            _("Only the organization's owners and admins withdraw what it says.")
        )
    deleted, _per_model = ProjectUse.objects.filter(pk=use.pk).delete()
    if not deleted:
        return
    transaction.on_commit(directory_cache_invalidate)
    audit_record(
        actor=actor,
        action="organization.use_withdraw",
        target=use.organization,
        detail={"project": use.project.slug, "status": use.status},
    )
