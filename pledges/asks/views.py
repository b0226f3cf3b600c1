"""Ask pages: the list of open asks and one ask with its progress, posting, changing and
closing them (their maintainers), offering hours and taking them back, and the skills a
person lists (from /me/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory.templatetags.directory_tags import facet_filters
from hub.admin_tools import error_text
from hub.errors import found_or_404
from hub.form_errors import add_service_errors
from hub.markdown import markdown_excerpt, render_markdown
from hub.pagecache import cache_anonymous_page
from pledges.asks import queries, services
from pledges.asks.forms import AskForm, OfferForm, SkillsForm
from pledges.asks.permissions import projects_maintained_by, user_can_offer, user_maintains

PAGE_SIZE = 20
FACET_NAMES = ("skill", "project", "kind", "hours")


@require_safe
@cache_anonymous_page
def index(request):
    today = timezone.localdate()
    query = queries.AskQuery.from_querydict(request.GET)
    page = Paginator(queries.ask_list(query, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    facets = queries.ask_facets(query, today=today)
    context = {
        "query": query,
        "page": page,
        "facets": facets,
        "active_filters": facet_filters(request.GET, query, facets, FACET_NAMES),
        "may_post": request.user.is_authenticated and projects_maintained_by(request.user).exists(),
    }
    return render(request, "pledges/asks/index.html", context)


def _ask_or_404(pk: int, user):
    return found_or_404(queries.ask_for_visitor(pk, user), _("No such ask."))


def _detail_page(request, ask, *, offer_form=None, status=200):
    user = request.user
    maintains = user_maintains(user=user, project=ask.project)
    my_offer = queries.offer_of(ask, user)
    may_offer = my_offer is None and user_can_offer(user=user, ask=ask)
    context = {
        "ask": ask,
        "text_html": render_markdown(ask.text),
        "how_to_start_html": render_markdown(ask.how_to_start),
        "meta_description": markdown_excerpt(ask.text, 30),
        "is_public": queries.ask_is_public(ask),
        "given_by": queries.hours_given_by_organization(ask),
        "maintains": maintains,
        "offers": list(queries.active_offers(ask)) if maintains else [],
        "my_offer": my_offer,
        "offer_form": (offer_form or OfferForm()) if may_offer else None,
    }
    return render(request, "pledges/asks/detail.html", context, status=status)


@require_safe
@cache_anonymous_page
def detail(request, pk):
    return _detail_page(request, _ask_or_404(pk, request.user))


def _form_page(request, form, *, ask=None, status=200):
    return render(request, "pledges/asks/form.html", {"form": form, "ask": ask}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request):
    projects = projects_maintained_by(request.user)
    if not projects.exists():
        raise PermissionDenied(_("Only the maintainers of a listed project post asks."))
    initial = {"project": request.GET.get("project", "")}
    form = AskForm(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ask = services.ask_post(
                    project=data["project"], actor=request.user, data=data, skills=data["skills"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Your ask is posted. People who offer hours show here.")
                )
                return redirect(ask)
        return _form_page(request, form, status=400)
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    ask = _ask_or_404(pk, request.user)
    if not user_maintains(user=request.user, project=ask.project):
        raise PermissionDenied(_("Only the project's maintainers change its asks."))
    form = AskForm(
        request.POST or None, instance=ask, projects=projects_maintained_by(request.user)
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ask = services.ask_edit(
                    ask=ask, actor=request.user, data=data, skills=data["skills"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your changes to the ask are saved."))
                return redirect(ask)
        # The form wrote the invalid values onto the instance: read the ask afresh.
        return _form_page(request, form, ask=_ask_or_404(pk, request.user), status=400)
    return _form_page(request, form, ask=ask)


@require_POST
@login_required
def close(request, pk):
    ask = _ask_or_404(pk, request.user)
    if services.ask_close(ask=ask, actor=request.user):
        messages.success(request, _("The ask is closed. The people who offered hours hear of it."))
    else:
        messages.info(request, _("This ask was closed already."))
    return redirect(ask)


@require_POST
@login_required
def offer(request, pk):
    ask = _ask_or_404(pk, request.user)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            made, created = services.offer_make(
                ask=ask,
                person=request.user,
                hours=form.cleaned_data["hours"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            hours = {"hours": number_format(made.hours.normalize())}
            if created:
                messages.success(
                    request,
                    _("Thank you: you offer %(hours)s hours. The maintainers see it.") % hours,
                )
            else:
                messages.info(request, _("You already offer %(hours)s hours to this ask.") % hours)
            return redirect(ask)
    return _detail_page(request, ask, offer_form=form, status=400)


@require_POST
@login_required
def withdraw(request, pk):
    ask = _ask_or_404(pk, request.user)
    mine = queries.offer_of(ask, request.user)
    if mine is None:
        messages.info(request, _("You have no offer on this ask."))
    else:
        services.offer_withdraw(offer=mine, actor=request.user)
        messages.success(request, _("Your offer is withdrawn."))
    return redirect(ask)


def me_context(user) -> dict:
    """What /me/ shows of asks (portal.views.me): the person's skills and their form, the
    asks that match them, their offers."""
    return {
        "skills_form": SkillsForm(initial={"skills": list(queries.skills_of(user))}),
        "asks_for_me": queries.asks_matching_person(user),
        "my_offers": list(queries.offers_of(user)[:20]),
    }


@require_POST
@login_required
def skills(request):
    form = SkillsForm(request.POST)
    if form.is_valid():
        try:
            services.skills_set(user=request.user, skills=form.cleaned_data["skills"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Your skills are saved."))
    else:
        messages.error(request, " ".join(form.errors.get("skills", [_("Choose listed skills.")])))
    return redirect(reverse("me") + "#skills-title")
