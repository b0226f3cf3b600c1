"""Organizer pages of the programme: moderating proposals, rooms, slots and the grid.

Each view parses its input, checks the organizer (through `organizer_view`), calls one
service in `events.program.services` and redirects back with a message.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events import queries as event_queries
from events.manage_views import (
    _context,
    _error_text,
    organizer_view,
    went_through,
)
from events.models import Event, Room, ScheduledSession, SessionProposal, TimeSlot
from events.program import queries, services
from events.program.forms import MergeForm, RoomForm, SlotForm
from hub.bounded import parse_id
from hub.form_errors import service_result


def _id(value) -> int:
    """A plausible primary key from a form, or 0 (which matches nothing)."""
    return parse_id(value) or 0


def _program_or_404(event: Event) -> None:
    if not event.has_program:
        raise Http404("This event has no session board.")


@require_safe
@organizer_view
def sessions(request, event):
    _program_or_404(event)
    statuses = SessionProposal.Status.values
    proposals = list(
        queries.proposals_with_votes(
            event,
            proposals=event_queries.proposals_visible_to(request.user, event, can_organize=True),
        ).order_by("status", "-vote_count", "-created_at")
    )
    visible = [p for p in proposals if p.is_visible]
    rows = [
        (p, MergeForm(proposal=p, candidates=visible, auto_id=f"merge-{p.pk}-%s"))
        for p in proposals
    ]
    counts = dict.fromkeys(statuses, 0)
    for proposal in proposals:
        counts[proposal.status] += 1
    return render(
        request,
        "events/manage/sessions.html",
        _context(event, "sessions", rows=rows, counts=counts),
    )


@require_POST
@organizer_view
def moderate(request, event, pk):
    proposal = get_object_or_404(SessionProposal, pk=pk, event=event)
    action = request.POST.get("action", "")
    if went_through(
        request, services.proposal_moderate, proposal=proposal, actor=request.user, action=action
    ):
        done = {
            "accept": _("“%(title)s” is accepted."),
            "unaccept": _("“%(title)s” is back to proposed."),
            "hide": _("“%(title)s” is hidden."),
            "restore": _("“%(title)s” is back on the board."),
        }
        text = done.get(action, _("“%(title)s” is changed."))
        messages.success(request, text % {"title": proposal.title})
    return _back(request, event)


@require_POST
@organizer_view
def merge(request, event, pk):
    proposal = get_object_or_404(SessionProposal, pk=pk, event=event)
    into = SessionProposal.objects.filter(pk=_id(request.POST.get("into")), event=event).first()
    if into is None:
        messages.error(request, _("Choose the proposal to keep."))
        return _back(request, event)
    if went_through(
        request, services.proposal_merge, proposal=proposal, into=into, actor=request.user
    ):
        messages.success(
            request,
            _("“%(title)s” is merged into “%(into)s”.")
            % {"title": proposal.title, "into": into.title},
        )
    return _back(request, event)


def _back(request, event, section="sessions"):
    where = request.POST.get("next")
    if where == "schedule":
        return redirect("events:manage-schedule", slug=event.slug)
    if where == "session":
        pk = _id(request.POST.get("proposal"))
        return redirect("events:session", slug=event.slug, pk=pk)
    # Only the two organizer pages a form may come back to; anything else is the sessions list.
    section = section if section in ("sessions", "schedule") else "sessions"
    return redirect(f"events:manage-{section}", slug=event.slug)


@require_POST
@organizer_view
def board(request, event):
    """Open or close proposals and voting."""
    _program_or_404(event)
    is_open = request.POST.get("open") == "1"
    if went_through(
        request, services.board_set_open, event=event, actor=request.user, is_open=is_open
    ):
        messages.success(
            request,
            _("Proposals and voting are open.")
            if is_open
            else _("Proposals and voting are closed."),
        )
    return _back(request, event, section=request.POST.get("section", "sessions"))


def _grid_choices(event: Event):
    """Accepted proposals for a free cell: those not on the grid, and those to move."""
    proposals = list(
        SessionProposal.objects.filter(event=event, status=SessionProposal.Status.ACCEPTED)
        .annotate(vote_count=Count("votes", distinct=True))
        .select_related("scheduled__room", "scheduled__slot")
        .order_by("-vote_count", "title")
    )
    unplaced = [p for p in proposals if not hasattr(p, "scheduled")]
    placed = [p for p in proposals if hasattr(p, "scheduled")]
    return unplaced, placed


@require_safe
@organizer_view
def schedule(request, event):
    _program_or_404(event)
    return _schedule_page(request, event)


def _schedule_page(request, event, *, room_form=None, slot_form=None, status=200):
    grid = queries.schedule_grid(event)
    unplaced, placed = _grid_choices(event)
    slot_form = slot_form or SlotForm(initial=_next_slot(event, grid.slots))
    context = _context(
        event,
        "schedule",
        grid=grid,
        unplaced=unplaced,
        placed=placed,
        room_form=room_form or RoomForm(),
        slot_form=slot_form,
        accepted_count=len(unplaced) + len(placed),
        proposed_count=event.proposals.filter(status=SessionProposal.Status.PROPOSED).count(),
    )
    return render(request, "events/manage/schedule.html", context, status=status)


def _next_slot(event: Event, slots: list) -> dict:
    """A sensible default for the next slot: an hour after the last one ends."""
    start = slots[-1].ends_at if slots else event.starts_at
    end = min(start + timedelta(hours=1), event.ends_at)
    if end <= start:
        return {}
    return {"starts_at": timezone.localtime(start), "ends_at": timezone.localtime(end)}


@require_POST
@organizer_view
def room_add(request, event):
    _program_or_404(event)
    form = RoomForm(request.POST)
    if form.is_valid():
        room = service_result(
            form, services.room_save, event=event, actor=request.user, data=form.cleaned_data
        )
        if room is not None:
            messages.success(request, _("Room “%(name)s” added.") % {"name": room.name})
            return redirect("events:manage-schedule", slug=event.slug)
    return _schedule_page(request, event, room_form=form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@organizer_view
def room_edit(request, event, pk):
    room = get_object_or_404(Room, pk=pk, event=event)
    return _grid_part_page(
        request,
        event,
        room,
        kind="room",
        form=RoomForm(request.POST or None, instance=Room.objects.get(pk=room.pk)),
        save=lambda data: services.room_save(event=event, actor=request.user, data=data, room=room),
        delete=lambda: services.room_delete(room=room, actor=request.user),
        saved=_("The room is saved."),
        deleted=_("Room “%(name)s” deleted.") % {"name": room.name},
    )


@require_POST
@organizer_view
def slot_add(request, event):
    _program_or_404(event)
    form = SlotForm(request.POST)
    if form.is_valid():
        slot = service_result(
            form, services.slot_save, event=event, actor=request.user, **form.cleaned_data
        )
        if slot is not None:
            messages.success(request, _("Time slot added."))
            return redirect("events:manage-schedule", slug=event.slug)
    return _schedule_page(request, event, slot_form=form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@organizer_view
def slot_edit(request, event, pk):
    slot = get_object_or_404(TimeSlot, pk=pk, event=event)
    initial = {
        "starts_at": timezone.localtime(slot.starts_at),
        "ends_at": timezone.localtime(slot.ends_at),
    }
    return _grid_part_page(
        request,
        event,
        slot,
        kind="slot",
        form=SlotForm(request.POST or None, initial=initial),
        save=lambda data: services.slot_save(event=event, actor=request.user, slot=slot, **data),
        delete=lambda: services.slot_delete(slot=slot, actor=request.user),
        saved=_("The time slot is saved."),
        deleted=_("Time slot deleted."),
    )


def _grid_part_page(request, event, part, *, kind, form, save, delete, saved, deleted):
    """The page of one room or time slot (`kind`): POST saves the form through `save`, or
    deletes the part through `delete` (refused while sessions are placed in it); either
    way back to the schedule, or the page again with what went wrong."""
    if request.method == "POST" and request.POST.get("delete"):
        try:
            delete()
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(f"events:manage-{kind}", slug=event.slug, pk=part.pk)
        messages.success(request, deleted)
        return redirect("events:manage-schedule", slug=event.slug)
    if (
        request.method == "POST"
        and form.is_valid()
        and service_result(form, save, data=form.cleaned_data) is not None
    ):
        messages.success(request, saved)
        return redirect("events:manage-schedule", slug=event.slug)
    return render(
        request,
        f"events/manage/{kind}.html",
        _context(event, "schedule", form=form, kind=kind, **{kind: part}),
        status=400 if request.method == "POST" else 200,
    )


def _cell(event: Event, data) -> tuple[Room | None, TimeSlot | None]:
    room = Room.objects.filter(pk=_id(data.get("room")), event=event).first()
    slot = TimeSlot.objects.filter(pk=_id(data.get("slot")), event=event).first()
    return room, slot


def _place_page_url(event: Event, room: Room, slot: TimeSlot) -> str:
    return (
        reverse("events:manage-place", kwargs={"slug": event.slug})
        + f"?room={room.pk}&slot={slot.pk}"
    )


@require_http_methods(["GET", "HEAD", "POST"])
@organizer_view
def place(request, event):
    """A free cell of the grid: GET shows the accepted sessions to place there (or to move
    there from another cell), one choice each; POST places the one chosen."""
    _program_or_404(event)
    room, slot = _cell(event, request.POST if request.method == "POST" else request.GET)
    if room is None or slot is None:
        messages.error(request, _("That room or slot no longer exists."))
        return redirect("events:manage-schedule", slug=event.slug)
    if request.method != "POST":
        return _place_page(request, event, room, slot)
    proposal = SessionProposal.objects.filter(
        pk=_id(request.POST.get("proposal")), event=event
    ).first()
    if proposal is None:
        messages.error(request, _("Choose a session to place."))
        return redirect(_place_page_url(event, room, slot))
    try:
        result = services.session_place(proposal=proposal, room=room, slot=slot, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        return redirect(_place_page_url(event, room, slot))
    where = {"title": proposal.title, "room": room.name, "slot": slot}
    if result.moved_from:
        messages.success(request, _("“%(title)s” moved to %(room)s, %(slot)s.") % where)
    else:
        messages.success(request, _("“%(title)s” placed in %(room)s, %(slot)s.") % where)
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("events:manage-schedule", slug=event.slug)


def _place_page(request, event, room: Room, slot: TimeSlot):
    taken = ScheduledSession.objects.filter(room=room, slot=slot).select_related("proposal").first()
    unplaced, placed = _grid_choices(event)
    context = _context(
        event, "schedule", room=room, slot=slot, taken=taken, unplaced=unplaced, placed=placed
    )
    return render(request, "events/manage/place.html", context)


@require_POST
@organizer_view
def unplace(request, event):
    session = ScheduledSession.objects.filter(
        pk=_id(request.POST.get("session")), slot__event=event
    ).first()
    if session is None:
        messages.info(request, _("That session was not on the grid any more."))
    else:
        title = session.proposal.title
        if went_through(request, services.session_remove, session=session, actor=request.user):
            messages.success(request, _("“%(title)s” is off the grid.") % {"title": title})
    return redirect("events:manage-schedule", slug=event.slug)


@require_POST
@organizer_view
def auto_grid(request, event):
    _program_or_404(event)
    try:
        result = services.schedule_propose_grid(event=event, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        if result.placed:
            counts = {"placed": result.placed, "left_over": result.left_over}
            if result.left_over:
                text = ngettext(
                    "Placed %(placed)s session. %(left_over)s did not fit: add rooms or slots. "
                    "Adjust the grid as you like.",
                    "Placed %(placed)s sessions. %(left_over)s did not fit: add rooms or slots. "
                    "Adjust the grid as you like.",
                    result.placed,
                )
            else:
                text = ngettext(
                    "Placed %(placed)s session. Adjust the grid as you like.",
                    "Placed %(placed)s sessions. Adjust the grid as you like.",
                    result.placed,
                )
            messages.success(request, text % counts)
        elif result.left_over:
            messages.warning(request, _("No free cell fits: add rooms or time slots first."))
        else:
            messages.info(request, _("Nothing left to place."))
    return redirect("events:manage-schedule", slug=event.slug)


@require_POST
@organizer_view
def publish(request, event):
    _program_or_404(event)
    published = request.POST.get("published") == "1"
    if went_through(
        request, services.schedule_publish, event=event, actor=request.user, published=published
    ):
        messages.success(
            request,
            _("The schedule is public. People who star sessions hear of later changes.")
            if published
            else _("The schedule is hidden from the public again."),
        )
    return redirect("events:manage-schedule", slug=event.slug)
