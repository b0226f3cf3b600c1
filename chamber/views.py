import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from chamber import queries, services
from chamber.forms import EndorseForm, PracticeForm
from chamber.permissions import (
    position_is_public,
    practice_is_public,
    user_can_edit_practice,
    user_can_withdraw,
)
from directory.exports import spreadsheet_safe
from directory.templatetags.directory_tags import facet_filters
from hub.audit import audit_record
from hub.errors import found_or_404
from hub.form_errors import service_result
from hub.markdown import markdown_excerpt, render_markdown
from hub.pagecache import cache_anonymous_page

PAGE_SIZE = 20

# --- Practice notes ---------------------------------------------------------------------------


@require_safe
@cache_anonymous_page
def practice_index(request):
    query = queries.PracticeQuery.from_querydict(request.GET)
    page = Paginator(queries.practice_list(query), PAGE_SIZE).get_page(request.GET.get("page"))
    facets = queries.practice_facets(query)
    context = {
        "query": query,
        "page": page,
        "facets": facets,
        "active_filters": facet_filters(request.GET, query, facets, ("tag", "organization")),
        "may_write": bool(queries.organizations_for_practice(request.user)[:1]),
    }
    return render(request, "chamber/practice_index.html", context)


def _practice_or_404(slug: str, user):
    return found_or_404(queries.practice_for_visitor(slug, user), "No such practice note.")


@require_safe
@cache_anonymous_page
def practice_detail(request, slug):
    note = _practice_or_404(slug, request.user)
    context = {
        "note": note,
        "text_html": render_markdown(note.text),
        "meta_description": note.summary or markdown_excerpt(note.text, 30),
        "is_public": practice_is_public(note),
        "can_edit": user_can_edit_practice(user=request.user, note=note),
    }
    return render(request, "chamber/practice_detail.html", context)


def _practice_form_page(request, form, *, note=None, status=200):
    return render(
        request, "chamber/practice_form.html", {"form": form, "note": note}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_create(request):
    organizations = queries.organizations_for_practice(request.user)
    if not organizations.exists():
        return render(request, "chamber/practice_not_member.html", status=403)
    initial = {}
    wanted = queries.SLUG.match(request.GET.get("organization", ""))
    if wanted:
        initial["organization"] = organizations.filter(slug=wanted.group()).first()
    form = PracticeForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            note = service_result(
                form,
                services.practice_submit,
                author=request.user,
                organization=data["organization"],
                data=data,
                tags=data["tags"],
            )
            if note is not None:
                messages.success(
                    request, _("Thank you. Staff review every note before it is published.")
                )
                return redirect(note)
        return _practice_form_page(request, form, status=400)
    return _practice_form_page(request, form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_edit(request, slug):
    note = _practice_or_404(slug, request.user)
    if not user_can_edit_practice(user=request.user, note=note):
        raise PermissionDenied(_("Only the note's author edits it."))
    form = PracticeForm(
        request.POST or None,
        instance=note,
        organizations=queries.organizations_for_practice(request.user),
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            saved = service_result(
                form,
                services.practice_edit,
                note=note,
                actor=request.user,
                data=data,
                tags=data["tags"],
                organization=data["organization"],
            )
            if saved is not None:
                messages.success(
                    request, _("Saved. Staff review the note before it is public again.")
                )
                return redirect(saved)
        # The form wrote the invalid values onto the instance: read the note afresh.
        return _practice_form_page(
            request, form, note=_practice_or_404(slug, request.user), status=400
        )
    return _practice_form_page(request, form, note=note)


# --- Positions --------------------------------------------------------------------------------


@require_safe
@cache_anonymous_page
def position_index(request):
    positions = list(queries.position_list())
    context = {
        "open_positions": [p for p in positions if p.open_for_endorsement],
        "closed_positions": [p for p in positions if not p.open_for_endorsement],
    }
    return render(request, "chamber/position_index.html", context)


def _position_or_404(slug: str, user):
    return found_or_404(queries.position_for_visitor(slug, user), "No such position.")


def _position_page(request, position, *, form=None, status=200):
    groups = queries.endorsers_by_kind(position)
    managed = list(queries.organizations_that_may_endorse(request.user))
    endorsed_ids = queries.organizations_endorsing(position, managed)
    may_endorse = position.open_for_endorsement and len(endorsed_ids) < len(managed)
    if form is None and may_endorse:
        form = EndorseForm(
            organizations=queries.organizations_that_may_endorse(request.user).exclude(
                pk__in=endorsed_ids
            )
        )
    context = {
        "position": position,
        "text_html": render_markdown(position.text),
        "groups": groups,
        "endorsement_count": sum(len(group.endorsements) for group in groups),
        "form": form,
        "endorsed_by_mine": [org for org in managed if org.pk in endorsed_ids],
        "is_public": position_is_public(position),
    }
    return render(request, "chamber/position_detail.html", context, status=status)


@require_safe
@cache_anonymous_page
def position_detail(request, slug):
    return _position_page(request, _position_or_404(slug, request.user))


@require_POST
@login_required
def endorse(request, slug):
    position = _position_or_404(slug, request.user)
    organizations = queries.organizations_that_may_endorse(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Only owners and admins of a published organization endorse."))
    form = EndorseForm(request.POST, organizations=organizations)
    if form.is_valid():
        organization = form.cleaned_data["organization"]
        endorsed = service_result(
            form,
            services.endorsement_create,
            position=position,
            organization=organization,
            actor=request.user,
        )
        if endorsed is not None:
            _endorsement, created = endorsed
            if created:
                messages.success(
                    request, _("%(name)s endorses this position.") % {"name": organization.name}
                )
            else:
                messages.info(
                    request,
                    _("%(name)s already endorses this position.") % {"name": organization.name},
                )
            return redirect(position)
    return _position_page(request, position, form=form, status=400)


@require_POST
@login_required
def withdraw(request, slug):
    position = _position_or_404(slug, request.user)
    endorsement = queries.endorsement_by(position, request.POST.get("organization", ""))
    if endorsement is None:
        raise Http404("This organization does not endorse this position.")
    if not user_can_withdraw(user=request.user, endorsement=endorsement):
        raise PermissionDenied(_("Only the organization's owners and admins withdraw its name."))
    services.endorsement_withdraw(endorsement=endorsement, actor=request.user)
    messages.success(
        request,
        _("%(name)s no longer endorses this position.") % {"name": endorsement.organization.name},
    )
    return redirect(position)


ENDORSER_COLUMNS = [
    "organization",
    "kind",
    "city",
    "website",
    "status",
    "endorsed_by",
    "endorsed_at",
]


@require_safe
@login_required
def endorsers_csv(request, slug):
    """Staff's list of a position's endorsers (to hand to a council, say), audited."""
    if not request.user.is_staff:
        raise PermissionDenied(_("Only staff export endorsers."))
    position = _position_or_404(slug, request.user)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ENDORSER_COLUMNS)
    rows = 0
    for endorsement in queries.endorsements_for_export(position):
        organization = endorsement.organization
        person = endorsement.endorsed_by
        writer.writerow(
            [
                spreadsheet_safe(str(value))
                for value in (
                    organization.name,
                    organization.get_kind_display(),
                    organization.city,
                    organization.website,
                    organization.get_status_display(),
                    person.email if person else "",
                    endorsement.created_at.isoformat(),
                )
            ]
        )
        rows += 1
    audit_record(
        actor=request.user, action="position.export", target=position, detail={"rows": rows}
    )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{position.slug}-endorsers-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
