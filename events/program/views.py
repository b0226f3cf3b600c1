"""Public pages of the programme: the session board, a proposal, votes, stars, the schedule
and its iCal feeds. Every page works without JavaScript; every change is a POST form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events import queries as event_queries
from events.calendar import CONTENT_TYPE, schedule_calendar_bytes
from events.manage_views import _error_text, went_through
from events.models import Event, SessionProposal
from events.permissions import event_is_public, proposal_is_public, user_can_organize
from events.program import queries, services
from events.program.forms import MergeForm, ProposalForm
from hub.errors import found_or_404
from hub.form_errors import add_service_errors
from hub.pagecache import cache_anonymous_page


def _event_or_404(slug: str, user) -> Event:
    return found_or_404(
        queries.program_event(slug, user), "No such event, or it has no session board."
    )


def _proposal_or_404(event: Event, pk: int, user, *, organizer: bool) -> SessionProposal:
    """A proposal of `event` that `user` may open (`proposals_visible_to`); with
    `organizer`, whatever its status for people who organize the event (the caller decides
    what they see of it)."""
    visible = event_queries.proposals_visible_to(user, event, can_organize=organizer)
    proposal = queries.proposals_with_votes(event, user=user, proposals=visible).filter(pk=pk)
    proposal = proposal.first()
    if proposal is None:
        raise Http404("No such session.")
    return proposal


def _back(request, default):
    """Back to the page the form was on (the list keeps its sort order), or `default`."""
    target = request.POST.get("next", "")
    # A path on this site only: redirect() would take any other word for a view name to reverse.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default)


def _private(response):
    response["Cache-Control"] = "private, no-cache"
    return response


def _board_context(request, event: Event) -> dict:
    user = request.user
    return {
        "event": event,
        "closed_reason": queries.board_closed_reason(event),
        "can_propose": queries.can_propose(user=user, event=event),
        "can_vote": queries.holds_seat(user=user, event=event),
        "can_organize": user_can_organize(user=user, event=event),
    }


@require_safe
@cache_anonymous_page
def sessions(request, slug):
    event = _event_or_404(slug, request.user)
    sort = "new" if request.GET.get("sort") == "new" else "votes"
    proposals = list(
        queries.sorted_proposals(queries.proposals_with_votes(event, user=request.user), sort)
    )
    context = {
        **_board_context(request, event),
        "proposals": proposals,
        "sort": sort,
        "total_votes": sum(p.vote_count for p in proposals),
    }
    response = render(request, "events/program/sessions.html", context)
    return _private(response) if request.user.is_authenticated else response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def propose(request, slug):
    event = _event_or_404(slug, request.user)
    context = _board_context(request, event)
    form = ProposalForm(request.POST or None, event=event)
    if context["closed_reason"] or not context["can_propose"]:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                event=event, actor=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, _error_text(error))
            return redirect("events:sessions", slug=event.slug)
        else:
            messages.success(request, _("Your session is on the board. Tell people to vote!"))
            return redirect(proposal)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/program/propose.html", {**context, "form": form}, status=status)


@require_safe
@cache_anonymous_page
def session(request, slug, pk):
    event = _event_or_404(slug, request.user)
    can_organize = user_can_organize(user=request.user, event=event)
    proposal = _proposal_or_404(event, pk, request.user, organizer=True)
    # The event as loaded and checked above (with its organization): no query to check again.
    proposal.event = event
    merged_into = proposal.merged_into
    if merged_into is not None and merged_into.event_id == event.pk:
        merged_into.event = event
    # Not an organizer: viewing comes down to whether the public sees it.
    if not can_organize and not proposal_is_public(proposal):
        # A merged proposal's address leads to the session it joined, when that one is seen.
        if merged_into is not None and proposal_is_public(merged_into):
            messages.info(
                request,
                _("“%(title)s” was merged into this session.") % {"title": proposal.title},
            )
            return redirect(proposal.merged_into)
        raise Http404("No such session.")
    context = {
        **_board_context(request, event),
        "proposal": proposal,
        "hosts": [proposal.proposer, *proposal.co_hosts.all()],
        "placement": getattr(proposal, "scheduled", None) if proposal.room_name else None,
    }
    if can_organize and proposal.is_visible:
        candidates = queries.proposals_with_votes(event).order_by("title")
        context["merge_form"] = MergeForm(proposal=proposal, candidates=candidates)
    response = render(request, "events/program/session.html", context)
    return _private(response) if request.user.is_authenticated else response


@require_POST
@login_required
def vote(request, slug, pk):
    return _mark(
        request,
        slug,
        pk,
        undo_action="withdraw",
        add=services.vote_cast,
        remove=services.vote_withdraw,
        added=_("You voted for “%(title)s”."),
        removed=_("Your vote for “%(title)s” is taken back."),
    )


@require_POST
@login_required
def star(request, slug, pk):
    return _mark(
        request,
        slug,
        pk,
        undo_action="unstar",
        add=services.star_add,
        remove=services.star_remove,
        added=_("“%(title)s” is on your schedule."),
        removed=_("“%(title)s” is off your schedule."),
    )


def _mark(request, slug, pk, *, undo_action, add, remove, added, removed):
    """A person's vote or star on a proposal, or (`action=<undo_action>`) taking it back."""
    event = _event_or_404(slug, request.user)
    proposal = _proposal_or_404(event, pk, request.user, organizer=False)
    proposal.event = event
    undo = request.POST.get("action") == undo_action
    if went_through(request, remove if undo else add, proposal=proposal, user=request.user):
        messages.success(request, (removed if undo else added) % {"title": proposal.title})
    return _back(request, proposal)


def _schedule_event(slug: str, user) -> tuple[Event, bool, bool]:
    """The event of a schedule page, whether `user` organizes it, and whether the grid is
    shown: published grids to all, previews to organizers."""
    event = _event_or_404(slug, user)
    can_organize = user_can_organize(user=user, event=event)
    shown = can_organize or (event.schedule_published and event_is_public(event))
    return event, can_organize, shown


def _not_published(request, event: Event):
    """A friendly page (200) instead of a bare 404: the event is there, its grid is not yet."""
    context = {**_board_context(request, event), "section": "schedule"}
    response = render(request, "events/program/schedule_pending.html", context)
    return _private(response) if request.user.is_authenticated else response


@require_safe
@cache_anonymous_page
def schedule(request, slug):
    event, can_organize, shown = _schedule_event(slug, request.user)
    if not shown:
        return _not_published(request, event)
    grid = queries.schedule_grid(event, user=request.user)
    context = {
        "event": event,
        "grid": grid,
        "can_organize": can_organize,
        "is_preview": not event.schedule_published,
    }
    response = render(request, "events/program/schedule.html", context)
    return _private(response) if request.user.is_authenticated else response


@require_safe
@never_cache
@login_required
def my_schedule(request, slug):
    event, can_organize, shown = _schedule_event(slug, request.user)
    if not shown:
        return _not_published(request, event)
    context = {
        "event": event,
        "sessions": queries.my_sessions(event, request.user),
        "can_organize": can_organize,
        "is_preview": not event.schedule_published,
    }
    return render(request, "events/program/my_schedule.html", context)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def schedule_ics(request, slug):
    event = event_queries.public_event(slug)
    if event is None or not event.has_program or not event.schedule_published:
        raise Http404("The schedule is not published.")
    sessions = queries.schedule_grid(event).sessions
    body = schedule_calendar_bytes(event, sessions, absolute_url=request.build_absolute_uri)
    return _ics(body, f"{event.slug}-schedule.ics")


@require_safe
@never_cache
@login_required
def my_schedule_ics(request, slug):
    event = event_queries.public_event(slug)
    if event is None or not event.has_program or not event.schedule_published:
        raise Http404("The schedule is not published.")
    sessions = queries.my_sessions(event, request.user)
    body = schedule_calendar_bytes(
        event, sessions, absolute_url=request.build_absolute_uri, name="My sessions"
    )
    response = _ics(body, f"{event.slug}-my-sessions.ics")
    response["Cache-Control"] = "private, no-store"
    return response
