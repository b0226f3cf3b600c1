"""Pages of who uses what: the organization's own page of its declarations (its owners and
admins declare, change and withdraw there), and what the organization and project pages show."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from directory.models import Organization, Project
from directory.permissions import user_can_declare_use_for, user_can_withdraw_use
from directory.uses import queries, services
from directory.uses.forms import ProjectUseForm
from hub.form_errors import add_service_errors

# --- What the directory's own pages show ------------------------------------------------------


def organization_page_context(request, organization: Organization, *, can_manage: bool) -> dict:
    """The organization page's "uses" section: its public declarations, and for its owners
    and admins the form to declare one and the buttons to change or withdraw (`can_manage`:
    `permissions.member_can_manage`, which is who may withdraw)."""
    may_declare = can_manage and user_can_declare_use_for(
        user=request.user, organization=organization
    )
    return {
        "uses": list(queries.organization_uses(organization)),
        "use_form": ProjectUseForm(projects=queries.projects_to_declare()) if may_declare else None,
        "may_withdraw_uses": can_manage,
    }


def project_page_context(project: Project) -> dict:
    """The project page's "who uses it" section."""
    return {"users": queries.project_users_by_kind(project)}


# --- The organization's declarations ----------------------------------------------------------


def _organization_for_uses(request, slug: str) -> tuple[Organization, bool]:
    """The organization, and whether the person may declare for it; refused unless they may
    at least withdraw (its owners and admins, staff)."""
    organization = get_object_or_404(Organization, slug=slug)
    may_declare = user_can_declare_use_for(user=request.user, organization=organization)
    if not may_declare and not user_can_withdraw_use(user=request.user, organization=organization):
        raise PermissionDenied(_("Only the organization's owners and admins say what it uses."))
    return organization, may_declare


def _uses_page(request, organization, *, form, status=200):
    context = {
        "organization": organization,
        "declarations": queries.declarations_of(organization),
        "form": form,
    }
    return render(request, "directory/uses/manage.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization_uses(request, slug):
    organization, may_declare = _organization_for_uses(request, slug)
    projects = queries.projects_to_declare()
    if request.method != "POST":
        # "Change" on a declaration opens the form filled with it.
        existing = queries.declaration_of(organization, request.GET.get("project", ""))
        initial = (
            {"project": existing.project.slug, "status": existing.status, "note": existing.note}
            if existing
            else None
        )
        form = ProjectUseForm(initial=initial, projects=projects) if may_declare else None
        return _uses_page(request, organization, form=form)
    if not may_declare:
        raise PermissionDenied(_("Only the owners and admins of a published organization declare."))
    form = ProjectUseForm(request.POST, projects=projects)
    if form.is_valid():
        project = form.cleaned_data["project"]
        try:
            _use, created = services.use_declare(
                organization=organization,
                project=project,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            names = {"organization": organization.name, "project": project.name}
            if created:
                messages.success(
                    request, _("%(organization)s now says it uses %(project)s.") % names
                )
            else:
                done = _("%(organization)s updated what it says about %(project)s.")
                messages.success(request, done % names)
            return redirect(f"{organization.get_absolute_url()}#uses-title")
    return _uses_page(request, organization, form=form, status=400)


@require_POST
@login_required
def organization_use_withdraw(request, slug):
    organization, _may_declare = _organization_for_uses(request, slug)
    use = queries.declaration_of(organization, request.POST.get("project", ""))
    if use is None:
        raise Http404("The organization has not said it uses this project.")
    services.use_withdraw(use=use, actor=request.user)
    messages.success(
        request,
        _("%(organization)s no longer says it uses %(project)s.")
        % {"organization": organization.name, "project": use.project.name},
    )
    return redirect(f"{organization.get_absolute_url()}#uses-title")
