import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from directory import imports, permissions, queries, services
from directory.forms import (
    ClaimForm,
    MemberAddForm,
    MemberRejectForm,
    MemberRoleForm,
    OrganizationForm,
    OwnershipTransferForm,
    ProjectForm,
    ProjectSubmitForm,
    RepositoryImportChoiceForm,
    RepositoryImportSourceForm,
    RepositoryPrefillForm,
    role_choices,
)
from directory.licenses import spdx_licenses
from directory.models import Membership, Organization, Project, ProjectHealth, SlugRedirect, Tag
from directory.sections import organization_sections
from directory.templatetags.directory_tags import querystring_with
from directory.uses import views as uses_views
from hub.form_errors import add_service_errors
from hub.pagecache import cache_anonymous_page

PAGE_SIZE = 20


@cache_anonymous_page
def index(request):
    query = queries.DirectoryQuery.from_querydict(request.GET)
    organization_count, project_count = queries.directory_counts(query)
    if query.tab == "all":
        total = organization_count + project_count
        rows = queries.PagedRows(
            total, lambda offset, limit: queries.directory_page_rows(query, offset, limit)
        )
    else:
        organizations, projects = queries.directory_results(query)
        listings = organizations if query.tab == "organizations" else projects
        total = organization_count if query.tab == "organizations" else project_count
        rows = queries.PagedRows(
            total,
            lambda offset, limit: queries.directory_tab_page(
                query, listings.prefetch_related("tags"), offset, limit
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = queries.directory_facets(query)
    context = {
        "query": query,
        "page": page,
        "total": total,
        "organization_count": organization_count,
        "project_count": project_count,
        "facets": facets,
        "city_selected": _city_selected(facets["city"], query.city),
        "health_hints": HEALTH_HINTS,
        "used_by_hints": USED_BY_HINTS,
        "suggestions": queries.did_you_mean(query.q) if query.q and total == 0 else [],
        "sorts": queries.SORTS,
        "active_filters": active_filters(request.GET, query),
    }
    return render(request, "directory/index.html", context)


# The title of each activity facet's link: what the word means.
HEALTH_HINTS = {
    ProjectHealth.Activity.ACTIVE: gettext_lazy("A commit in the last 90 days"),
    ProjectHealth.Activity.QUIET: gettext_lazy("No commit in the last 90 days"),
    ProjectHealth.Activity.ARCHIVED: gettext_lazy("Archived on its forge"),
}
USED_BY_HINTS = {
    queries.USED_BY_PUBLIC: gettext_lazy("Run or evaluated by a public body in the directory")
}


def _city_selected(city_choices, city: str) -> str:
    """The city facet's value the filter names: cities match whatever their case."""
    return next(
        (value for value, _label, _count in city_choices if value.lower() == city.lower()), city
    )


def active_filters(get_params, query: queries.DirectoryQuery) -> list[tuple[str, str]]:
    """(label, link that removes it) for each filter in use, shown above the results."""
    filters = []
    if query.kind:
        label = Organization.Kind(query.kind).label
        filters.append((label, querystring_with(get_params, kind=None)))
    if query.tags:
        names = dict(Tag.objects.filter(slug__in=query.tags).values_list("slug", "name"))
        for slug in query.tags:
            filters.append((names.get(slug, slug), querystring_with(get_params, toggle_tag=slug)))
    if query.license:
        filters.append((query.license, querystring_with(get_params, license=None)))
    if query.city:
        filters.append((query.city, querystring_with(get_params, city=None)))
    if query.seeking:
        filters.append((_("Seeking contributors"), querystring_with(get_params, seeking=None)))
    if query.innersource:
        filters.append((_("InnerSource programs"), querystring_with(get_params, innersource=None)))
    if query.health:
        filters.append((query.health_label, querystring_with(get_params, health=None)))
    if query.used_by:
        filters.append((_("Used by public bodies"), querystring_with(get_params, used_by=None)))
    return filters


def _redirect_old_slug(field: str, slug: str, user):
    """To a renamed listing's new address, when the person may see it: the new slug is
    the listing's name, which an unpublished listing keeps to itself."""
    redirect_row = (
        SlugRedirect.objects.filter(old_slug=slug, **{f"{field}__isnull": False})
        .select_related(field)
        .first()
    )
    listing = getattr(redirect_row, field, None)
    if listing is None or not permissions.user_can_view_listing(user=user, listing=listing):
        raise Http404("No such listing.")
    return redirect(listing, permanent=True)


def _viewable(model, slug: str, user):
    """A listing the person may see: published, or their own / their organization's."""
    listing = model.objects.filter(slug=slug).first()
    if listing is None:
        return None
    return listing if permissions.user_can_view_listing(user=user, listing=listing) else None


def _shown_listing(model, detail, slug: str, user):
    """The listing a detail page shows: published (read by `detail` with what the page needs)
    or else one the person may see; None when neither."""
    try:
        return detail(slug)
    except model.DoesNotExist:
        return _viewable(model, slug, user)


@cache_anonymous_page
def organization_detail(request, slug):
    organization = _shown_listing(Organization, queries.organization_detail, slug, request.user)
    if organization is None:
        return _redirect_old_slug("organization", slug, request.user)
    membership = (
        Membership.objects.filter(user=request.user, organization=organization).first()
        if request.user.is_authenticated
        else None
    )
    can_manage = permissions.member_can_manage(user=request.user, organization=organization)
    context = {
        "organization": organization,
        "project_roles": queries.organization_project_roles(organization),
        "membership": membership,
        "can_manage": can_manage,
        "claim_form": ClaimForm(),
        # What higher apps show here (pledges, upcoming events): directory.sections.
        "sections": organization_sections(request, organization, can_manage=can_manage),
        **uses_views.organization_page_context(request, organization, can_manage=can_manage),
    }
    return render(request, "directory/organization_detail.html", context)


@cache_anonymous_page
def project_detail(request, slug):
    project = _shown_listing(Project, queries.project_detail, slug, request.user)
    if project is None:
        return _redirect_old_slug("project", slug, request.user)
    context = {
        "project": project,
        "roles": queries.project_organization_roles(project),
        "can_edit": permissions.user_can_edit_project(user=request.user, project=project),
        "license_name": spdx_licenses().get(project.license, {}).get("name", ""),
        **uses_views.project_page_context(project),
    }
    return render(request, "directory/project_detail.html", context)


@login_required
def submit(request):
    kind = "project" if request.GET.get("type") == "project" else "organization"
    managed = queries.organizations_managed_by(request.user)
    if kind == "project" and request.POST.get("action") == "prefill":
        return _submit_prefilled(request, managed)
    if kind == "organization":
        form = OrganizationForm(request.POST or None, request.FILES or None)
    else:
        form = ProjectSubmitForm(
            request.POST or None, request.FILES or None, managed_organizations=managed
        )
    if request.method == "POST" and form.is_valid():
        data = _listing_data(form, exclude=("organization", "role"))
        try:
            if kind == "organization":
                listing = services.organization_submit(
                    user=request.user,
                    data=data,
                    tags=list(form.cleaned_data["tags"]),
                    logo=form.cleaned_data["logo"],
                )
            else:
                listing = services.project_submit(
                    user=request.user,
                    data=data,
                    tags=list(form.cleaned_data["tags"]),
                    organization=form.cleaned_data.get("organization"),
                    role=form.cleaned_data.get("role") or "maintainer",
                    logo=form.cleaned_data["logo"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Thank you: %(name)s is waiting for review. "
                    "You will hear from us by e-mail, and you can follow it on your account page."
                )
                % {"name": listing.name},
            )
            return redirect(listing)
    return _submit_page(request, form, kind)


def _submit_page(request, form, kind, *, prefill_form=None, prefill=None):
    if kind == "project" and prefill_form is None:
        prefill_form = RepositoryPrefillForm(prefix="prefill")
    context = {
        "form": form,
        "kind": kind,
        "spdx_ids": list(spdx_licenses()),
        "prefill_form": prefill_form,
        "prefill": prefill,
    }
    return render(request, "directory/submit.html", context)


def _submit_prefilled(request, managed):
    """The first step of listing a project: the form, filled from the repository's forge."""
    prefill_form = RepositoryPrefillForm(request.POST, prefix="prefill")
    prefill = None
    if prefill_form.is_valid():
        try:
            prefill = imports.repository_prefill(url=prefill_form.cleaned_data["repository_url"])
        except ValidationError as exc:
            prefill_form.add_error("repository_url", exc)
    form = ProjectSubmitForm(
        initial=prefill.initial if prefill else None, managed_organizations=managed
    )
    return _submit_page(request, form, "project", prefill_form=prefill_form, prefill=prefill)


LOGO_FIELDS = ("logo", "remove_logo")


def _listing_data(form, *, exclude=()) -> dict:
    """The listing's own fields of a valid form; tags and the logo go to the services apart."""
    left_out = {"tags", *LOGO_FIELDS, *exclude}
    return {k: v for k, v in form.cleaned_data.items() if k not in left_out}


def _logo_arguments(form) -> dict:
    return {
        "logo": form.cleaned_data["logo"],
        "remove_logo": form.cleaned_data.get("remove_logo", False),
    }


def _listing_edit(request, listing, form_class, **context):
    """The edit page of an organization or a project the user may edit: the form is bound to
    a fresh copy, so a refused edit does not leave the listing itself half changed."""
    form = form_class(
        request.POST or None,
        request.FILES or None,
        instance=type(listing).objects.get(pk=listing.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.listing_edit(
                listing=listing,
                actor=request.user,
                data=_listing_data(form),
                tags=list(form.cleaned_data["tags"]),
                **_logo_arguments(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _edit_message(request, revision)
            return redirect(listing)
    return render(request, "directory/edit.html", {"form": form, "listing": listing, **context})


@login_required
def organization_edit(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    if not permissions.member_can_manage(user=request.user, organization=organization):
        raise PermissionDenied
    return _listing_edit(request, organization, OrganizationForm)


@login_required
def project_edit(request, slug):
    project = get_object_or_404(Project, slug=slug)
    if not permissions.user_can_edit_project(user=request.user, project=project):
        raise PermissionDenied
    return _listing_edit(request, project, ProjectForm, spdx_ids=list(spdx_licenses()))


def _edit_message(request, revision) -> None:
    if revision is None:
        messages.success(request, _("Your changes are saved."))
    else:
        messages.info(
            request,
            _(
                "Thank you: your changes go live once staff have reviewed them. "
                "Until then the listing shows its current text."
            ),
        )


@require_POST
@login_required
def organization_claim(request, slug):
    organization = get_object_or_404(Organization.objects.published(), slug=slug)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell us how you are connected to the organization."))
        return redirect(organization)
    services.membership_claim(
        user=request.user, organization=organization, message=form.cleaned_data["message"]
    )
    messages.success(
        request,
        _(
            "Your claim is sent. The organization's owners (or hub staff) will review it; "
            "we have e-mailed you a copy and will tell you their decision by e-mail."
        ),
    )
    return redirect(organization)


def _members_page(request, organization, *, add_form=None, transfer_form=None, status=200):
    memberships = list(queries.organization_memberships(organization))
    can_manage_owners = permissions.member_can_manage_owners(
        user=request.user, organization=organization
    )
    # Transferring hands over the actor's own ownership, so only an owner is offered it.
    is_owner = any(
        m.user_id == request.user.pk
        and m.role == Membership.Role.OWNER
        and m.status == Membership.Status.ACTIVE
        for m in memberships
    )
    context = {
        "organization": organization,
        "memberships": memberships,
        "add_form": add_form or MemberAddForm(with_owner=can_manage_owners),
        "transfer_form": (
            (transfer_form or OwnershipTransferForm(organization=organization))
            if is_owner
            else None
        ),
        "roles": role_choices(with_owner=can_manage_owners),
        "can_manage_owners": can_manage_owners,
        "active_owners": sum(
            m.role == Membership.Role.OWNER and m.status == Membership.Status.ACTIVE
            for m in memberships
        ),
    }
    return render(request, "directory/members.html", context, status=status)


def _managed_organization(request, slug) -> Organization:
    organization = get_object_or_404(Organization, slug=slug)
    if not permissions.member_can_manage(user=request.user, organization=organization):
        raise PermissionDenied
    return organization


@login_required
def organization_members(request, slug):
    organization = _managed_organization(request, slug)
    if request.method != "POST":
        return _members_page(request, organization)
    can_manage_owners = permissions.member_can_manage_owners(
        user=request.user, organization=organization
    )
    add_form = MemberAddForm(request.POST, with_owner=can_manage_owners)
    if add_form.is_valid():
        try:
            services.membership_add(
                organization=organization,
                actor=request.user,
                user=add_form.user,
                role=add_form.cleaned_data["role"],
            )
        except ValidationError as exc:
            add_service_errors(add_form, exc)
        except PermissionDenied as exc:
            add_form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(person)s is now a member.") % {"person": add_form.user})
            return redirect("directory:organization-members", slug=organization.slug)
    return _members_page(request, organization, add_form=add_form, status=400)


@require_POST
@login_required
def organization_member_change(request, slug, membership_id):
    organization = get_object_or_404(Organization, slug=slug)
    membership = get_object_or_404(Membership, pk=membership_id, organization=organization)
    action = request.POST.get("action")
    leaving = action == "remove" and membership.user_id == request.user.pk
    if not leaving and not permissions.member_can_manage(
        user=request.user, organization=organization
    ):
        raise PermissionDenied
    try:
        if action == "approve":
            services.membership_decide(membership=membership, actor=request.user, approve=True)
        elif action == "reject":
            form = MemberRejectForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["reason"])
            services.membership_decide(
                membership=membership,
                actor=request.user,
                approve=False,
                reason=form.cleaned_data["reason"],
            )
        elif action == "remove":
            services.membership_remove(membership=membership, actor=request.user)
        elif action == "role":
            form = MemberRoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a role."))
            services.membership_change_role(
                membership=membership, actor=request.user, role=form.cleaned_data["role"]
            )
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        # An admin acting on an owner: say why on the page rather than an error page.
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("You left the organization.") if leaving else _("Membership updated.")
        )
        if leaving:
            return redirect(organization)
    return redirect("directory:organization-members", slug=organization.slug)


@require_POST
@login_required
def organization_transfer(request, slug):
    organization = _managed_organization(request, slug)
    form = OwnershipTransferForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            new_owner = services.membership_transfer_ownership(
                organization=organization,
                actor=request.user,
                to_membership=form.cleaned_data["to_membership"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("directory:organization-members", slug=organization.slug)
        else:
            messages.success(
                request,
                _(
                    "%(person)s now owns %(organization)s; you stay on as an admin. "
                    "We have e-mailed you both."
                )
                % {"person": new_owner.user, "organization": organization.name},
            )
            return redirect("directory:organization-members", slug=organization.slug)
    return _members_page(request, organization, transfer_form=form, status=400)


@login_required
def organization_import(request, slug):
    """An organization's admins list its repositories from a forge: a preview, then a job."""
    organization = _managed_organization(request, slug)
    data = request.POST if request.method == "POST" else request.GET
    source_form = RepositoryImportSourceForm(data if "source" in data else None)
    candidates, choice_form, owner = None, None, None
    if source_form.is_valid():
        owner = source_form.cleaned_data["source"]
        if request.method == "POST":
            choice_form = RepositoryImportChoiceForm(request.POST, owner=owner)
            if choice_form.is_valid():
                services.repository_import_request(
                    organization=organization,
                    actor=request.user,
                    source=owner.url,
                    urls=choice_form.cleaned_data["repositories"],
                    run_key=str(choice_form.cleaned_data["run_key"]),
                    required_file=source_form.required_file,
                )
                messages.success(
                    request,
                    _(
                        "The import has started. We will e-mail you the counts (imported, "
                        "already listed, skipped) when it is done; they also appear under "
                        "“Imports so far”. Imported projects wait for staff review."
                    ),
                )
                return redirect("directory:organization-import", slug=organization.slug)
        try:
            candidates = imports.import_candidates(owner=owner, topic=source_form.topic_filter)
        except ValidationError as exc:
            source_form.add_error("source", exc)
        else:
            choice_form = choice_form or RepositoryImportChoiceForm(
                initial={"run_key": uuid.uuid4()}, owner=owner
            )
    context = {
        "organization": organization,
        "source_form": source_form,
        "owner": owner,
        "candidates": candidates,
        "choice_form": choice_form,
        "runs": imports.import_runs(organization),
        "required_file": source_form.required_file if candidates is not None else "",
    }
    return render(request, "directory/import.html", context, status=200)
