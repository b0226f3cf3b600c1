"""Pledge pages: the public list and leaderboards, one pledge's history, making and
changing pledges, logging hours and reviewing them."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory.models import Organization
from directory.permissions import member_can_manage
from hub.admin_tools import error_text
from hub.audit import audit_record
from hub.bounded import parse_ids
from hub.form_errors import add_service_errors
from hub.models import FORMER_MEMBER
from hub.pagecache import cache_anonymous_page
from pledges import charts, exports, queries, services
from pledges.forms import ContributionForm, PledgeForm, RejectForm
from pledges.leaderboards import CachedPublicPledges, leaderboards
from pledges.models import Contribution, Pledge
from pledges.permissions import (
    has_other_reviewer,
    user_can_log_hours,
    user_can_manage_pledge,
)
from pledges.queries import pledge_is_public

PAGE_SIZE = 30
MY_LOGS_LIMIT = 50
REVIEW_LIMIT = 200


def _visible_pledge(request, pk: int) -> tuple[Pledge, dict]:
    """The pledge and what the visitor may do with it; 404 for a pledge that is not public
    (private, or of an organization the hub has not published) unless the visitor is one of
    the organization's people or staff."""
    pledge = get_object_or_404(Pledge.objects.select_related("organization"), pk=pk)
    can_manage = user_can_manage_pledge(user=request.user, pledge=pledge)
    is_member = user_can_log_hours(user=request.user, pledge=pledge)
    # user_can_view_pledge, from the answers above rather than asking the database again.
    if not (pledge_is_public(pledge) or can_manage or is_member):
        raise Http404("No such pledge.")
    can_log = is_member and pledge.is_active
    return pledge, {"can_manage": can_manage, "is_member": is_member, "can_log": can_log}


def _pledge_to_manage(request, pk: int, refusal: str) -> Pledge:
    """The pledge, for one of its organization's owners and admins; anyone else is refused
    (`refusal`: the message, a whole sentence)."""
    pledge, can = _visible_pledge(request, pk)
    if not can["can_manage"]:
        raise PermissionDenied(refusal)
    return pledge


def _service_told(request, success: str, service, /, **arguments) -> None:
    """Calls `service` for a button that comes back to a page: `success`, or the service's
    refusal, is the page's message."""
    try:
        service(**arguments)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)


def _reviewer_of_own_logs(request, pledge: Pledge) -> str:
    """Who reviews the visitor's own logs under the pledge, as the page says it."""
    if has_other_reviewer(organization_id=pledge.organization_id, contributor_id=request.user.pk):
        return _("another owner or admin of %(name)s") % {"name": pledge.organization.name}
    return _("hub staff")


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- Public pages ---------------------------------------------------------------------------


@require_safe
@cache_anonymous_page
def index(request):
    today = timezone.localdate()
    page = Paginator(CachedPublicPledges(today), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = charts.attach_progress(page.object_list, today)
    context = {"page": page, "boards": leaderboards(), "today": today}
    return render(request, "pledges/index.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@cache_anonymous_page
def detail(request, pk):
    pledge, can = _visible_pledge(request, pk)
    form = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if not can["is_member"]:
            raise PermissionDenied(
                _("Only members of the pledging organization log hours under it.")
            )
        form = ContributionForm(request.POST, pledge=pledge)
        if form.is_valid():
            try:
                services.contribution_log(pledge=pledge, user=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: %(hours)s hours logged. "
                        "They count once approved by %(reviewer)s."
                    )
                    % {
                        "hours": f"{form.cleaned_data['hours'].normalize():f}",
                        "reviewer": _reviewer_of_own_logs(request, pledge),
                    },
                )
                return redirect(pledge)
    return render(request, "pledges/detail.html", _detail_context(request, pledge, can, form))


def _people_rows(rows: list[dict], viewer) -> list[dict]:
    """Names only for people who chose to show them (and "You" for the visitor)."""
    people = []
    for row in rows:
        if viewer.is_authenticated and row["contributor"] == viewer.pk:
            name, named = "You", True
        elif row["contributor__deleted_at"]:
            name, named = FORMER_MEMBER, False
        elif row["contributor__show_name_on_pledges"]:
            name, named = row["contributor__display_name"] or "A member", True
        else:
            name, named = "A member", False
        people.append(
            {
                "name": name,
                "named": named,
                "approved": row["approved"] or 0,
                "pending": row["pending"] or 0,
            }
        )
    return people


def _detail_context(request, pledge: Pledge, can: dict, form=None) -> dict:
    today = timezone.localdate()
    history = queries.pledge_history(pledge, today)
    span = queries.current_period(pledge, today)
    current = history[-1] if history and history[-1].span == span else None
    shown_span = current.span if current else (history[-1].span if history else span)
    all_time_approved = sum((p.approved for p in history), 0)
    all_time_evidenced = sum((p.evidenced for p in history), 0)
    if len(history) == queries.HISTORY_LIMIT:
        all_time_approved, all_time_evidenced = queries.approved_hours(pledge)
    context = {
        "pledge": pledge,
        "organization": pledge.organization,
        "target_projects": list(pledge.target_projects.all()),
        "history": list(reversed(history)),
        "current": current,
        "shown_span": shown_span,
        "all_time_approved": all_time_approved,
        "all_time_evidenced": all_time_evidenced,
        "chart": charts.bar_chart(history, today),
        "people": _people_rows(queries.period_by_person(pledge, shown_span), request.user),
        "projects": queries.period_by_project(pledge, shown_span),
        "working_hours_per_person": pledge.working_hours_per_person,
        **can,
    }
    if can["can_log"]:
        context["form"] = form or ContributionForm(pledge=pledge, initial={"date": today})
    if can["is_member"]:
        context["own_logs_reviewer"] = _reviewer_of_own_logs(request, pledge)
        context["my_logs"] = list(
            queries.contributions_of(request.user).filter(pledge=pledge)[:MY_LOGS_LIMIT]
        )
    if can["can_manage"]:
        context["pending"] = list(queries.pending_contributions(pledge)[:REVIEW_LIMIT])
        # Nobody reviews their own: the bulk form is offered only for the others' logs.
        context["others_pending"] = any(
            log.contributor_id != request.user.pk for log in context["pending"]
        )
        context["reject_form"] = RejectForm()
    return context


@require_safe
@login_required
def export_csv(request, pk):
    pledge = _pledge_to_manage(request, pk, "export its logs")
    audit_record(actor=request.user, action="pledge.export", target=pledge)
    return exports.pledge_csv(pledge)


# --- Making and changing pledges --------------------------------------------------------------


def _pledge_form_page(request, form, *, save, saved_message, context):
    """The pledge form for a new pledge or a change: `save` is the service, given the form's
    data; what it refuses shows on the form, what it saves is announced with `saved_message`."""
    if request.method == "POST" and form.is_valid():
        try:
            pledge = save(
                data=form.service_data(),
                target_projects=list(form.cleaned_data["target_projects"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, saved_message(pledge))
            return redirect(pledge)
    return render(request, "pledges/pledge_form.html", {"form": form, **context})


@login_required
def pledge_new(request):
    slug = request.GET.get("organization", "")
    organization = get_object_or_404(Organization.objects.published(), slug=slug)
    if not member_can_manage(user=request.user, organization=organization):
        raise PermissionDenied(_("Only the organization's owners and admins make its pledges."))
    form = PledgeForm(
        request.POST or None, initial={"starts_on": timezone.localdate().replace(day=1)}
    )
    return _pledge_form_page(
        request,
        form,
        save=partial(services.pledge_create, organization=organization, actor=request.user),
        saved_message=lambda pledge: _("Pledge made: %(pledge)s.") % {"pledge": pledge.describe()},
        context={"organization": organization},
    )


@login_required
def pledge_edit(request, pk):
    pledge = _pledge_to_manage(
        request, pk, _("Only the organization's owners and admins change its pledges.")
    )
    form = PledgeForm(request.POST or None, initial=PledgeForm.initial_from(pledge))
    return _pledge_form_page(
        request,
        form,
        save=partial(services.pledge_update, pledge=pledge, actor=request.user),
        saved_message=lambda pledge: _("Your changes to the pledge are saved."),
        context={"organization": pledge.organization, "pledge": pledge},
    )


@require_POST
@login_required
def pledge_end(request, pk):
    pledge = _pledge_to_manage(
        request, pk, _("Only the organization's owners and admins end its pledges.")
    )
    _service_told(
        request,
        _("The pledge has ended. Its history stays on this page."),
        services.pledge_end,
        pledge=pledge,
        actor=request.user,
    )
    return redirect(pledge)


# --- A person's own logs ------------------------------------------------------------------------


def _own_log(request, pk: int) -> Contribution:
    """The visitor's own log; anyone else's is not found, so ids reveal nothing."""
    return get_object_or_404(
        Contribution.objects.select_related("pledge__organization"),
        pk=pk,
        contributor_id=request.user.pk,
    )


@login_required
def contribution_edit(request, pk):
    contribution = _own_log(request, pk)
    pledge = contribution.pledge
    if contribution.status != Contribution.Status.PENDING:
        messages.error(request, _("Only logs waiting for review can be changed."))
        return redirect(_safe_next(request, pledge.get_absolute_url()))
    form = ContributionForm(
        request.POST or None, pledge=pledge, initial=ContributionForm.initial_from(contribution)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_update(
                contribution=contribution, user=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your log is changed. It still waits for review."))
            return redirect(_safe_next(request, pledge.get_absolute_url()))
    return render(
        request,
        "pledges/contribution_form.html",
        {
            "form": form,
            "contribution": contribution,
            "pledge": pledge,
            "next": _safe_next(request, ""),
        },
    )


@require_POST
@login_required
def contribution_withdraw(request, pk):
    contribution = _own_log(request, pk)
    _service_told(
        request,
        _("Your log is withdrawn."),
        services.contribution_withdraw,
        contribution=contribution,
        user=request.user,
    )
    return redirect(_safe_next(request, contribution.pledge.get_absolute_url()))


# --- Review -------------------------------------------------------------------------------------


def _reviewable(request, pk: int, log_pk: int | None = None):
    pledge = _pledge_to_manage(
        request, pk, _("Only the organization's owners and admins review its hours.")
    )
    if log_pk is None:
        return pledge, None
    return pledge, get_object_or_404(Contribution, pk=log_pk, pledge=pledge)


def _review_redirect(pledge: Pledge):
    return redirect(f"{pledge.get_absolute_url()}#review")


@require_POST
@login_required
def contribution_approve(request, pk, log_pk):
    pledge, contribution = _reviewable(request, pk, log_pk)
    _service_told(
        request,
        _("Approved %(hours)s hours of %(day)s.")
        % {"hours": f"{contribution.hours.normalize():f}", "day": contribution.date},
        services.contribution_approve,
        contribution=contribution,
        actor=request.user,
    )
    return _review_redirect(pledge)


@require_POST
@login_required
def contribution_reject(request, pk, log_pk):
    pledge, contribution = _reviewable(request, pk, log_pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, so the person can correct the log."))
        return _review_redirect(pledge)
    _service_told(
        request,
        _("Rejected the log of %(day)s; its author sees your reason on their account page.")
        % {"day": contribution.date},
        services.contribution_reject,
        contribution=contribution,
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )
    return _review_redirect(pledge)


@require_POST
@login_required
def contributions_approve(request, pk):
    pledge, _no_log = _reviewable(request, pk)
    ids = parse_ids(request.POST.getlist("contribution"), limit=REVIEW_LIMIT)
    if not ids:
        messages.error(request, _("Tick the logs to approve first."))
        return _review_redirect(pledge)
    logs = list(queries.pending_contributions(pledge).filter(pk__in=ids))
    changed = services.contributions_approve(contributions=logs, actor=request.user)
    own = sum(log.contributor_id == request.user.pk for log in logs)
    approved = ngettext("Approved %(n)s log.", "Approved %(n)s logs.", changed) % {"n": changed}
    if own:
        approved += " " + _("Your own logs (%(n)s) wait for someone else to review them.") % {
            "n": own
        }
    messages.success(request, approved)
    return _review_redirect(pledge)
