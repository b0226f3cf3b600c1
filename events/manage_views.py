"""Organizer pages: attendees, check-in, export, message, edit, cancel.

Each view parses its input, checks `user_can_organize`, calls one service and renders.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events import attendees, services
from events.manage_forms import (
    AttendeeFilterForm,
    CancelForm,
    CheckInForm,
    EventEditForm,
    MessageForm,
)
from events.models import Event, Registration
from events.permissions import user_can_organize
from events.services import event_update
from hub.audit import audit_record
from hub.bounded import parse_id
from hub.form_errors import service_result

PAGE_SIZE = 50
LIST_PARAMETERS = ("q", "status", "page")


def organizer_view(view):
    """Anonymous people sign in first; signed-in people who do not organize the event get 403."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        event = get_object_or_404(Event.objects.select_related("organization"), slug=slug)
        if not user_can_organize(user=request.user, event=event):
            raise PermissionDenied(_("Only the event's organizers see this page."))
        return view(request, event, *args, **kwargs)

    return wrapper


def went_through(request, service: Callable, /, **arguments) -> bool:
    """Calls `service`; True when it went through, else its refusal (ValidationError or
    PermissionDenied) is the page's error message."""
    try:
        service(**arguments)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        return False
    return True


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def _manage_url(event: Event, query: str = "") -> str:
    """The attendee list, keeping only its own search parameters from `query`."""
    url = reverse("events:manage", kwargs={"slug": event.slug})
    params = QueryDict(query)
    kept = {key: params[key] for key in LIST_PARAMETERS if params.get(key)}
    return f"{url}?{urlencode(kept)}" if kept else url


def _local_time(moment) -> str:
    local = timezone.localtime(moment)
    time = date_format(local, "TIME_FORMAT")
    if local.date() == timezone.localdate():
        return time
    return _("%(time)s on %(date)s") % {"time": time, "date": date_format(local, "DATE_FORMAT")}


def _context(event: Event, section: str, **extra) -> dict:
    return {"event": event, "section": section, **extra}


def _filtered_attendees(request, event: Event):
    """The attendee list as the query string filters it (the page and the CSV agree); a
    malformed filter shows everyone."""
    filter_form = AttendeeFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {"q": "", "status": ""}
    registrations = attendees.attendee_list(event, q=filters["q"], status=filters["status"])
    return filter_form, filters, registrations


@require_safe
@organizer_view
def manage(request, event):
    filter_form, filters, registrations = _filtered_attendees(request, event)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    questions = attendees.event_questions(event)
    rows = [
        (
            registration,
            [pair for pair in attendees.custom_answers(registration, questions) if pair[1]],
        )
        for registration in page.object_list
    ]
    list_query = urlencode({k: v for k, v in filters.items() if v})
    context = _context(
        event,
        "attendees",
        counts=attendees.attendee_counts(event),
        check_in_form=CheckInForm(),
        filter_form=filter_form,
        filtered=any(filters.values()),
        page=page,
        rows=rows,
        list_query=list_query,
        return_query=request.GET.urlencode(),
        export_url=reverse("events:manage-export", kwargs={"slug": event.slug})
        + (f"?{list_query}" if list_query else ""),
    )
    return render(request, "events/manage/attendees.html", context)


@require_POST
@organizer_view
def check_in(request, event):
    """Check in by typed or scanned ticket code, or by the button on a person's row."""
    registration_id = request.POST.get("registration", "")
    if registration_id:
        # Anything but a plausible id is simply not found (a huge number would overflow).
        registration = get_object_or_404(
            Registration, pk=parse_id(registration_id) or 0, event=event
        )
        ticket_code = registration.ticket_code
    else:
        form = CheckInForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["ticket_code"]))
            return redirect(_manage_url(event, request.POST.get("return_query", "")))
        ticket_code = form.cleaned_data["ticket_code"]
    try:
        result = services.registration_check_in(
            event=event, actor=request.user, ticket_code=ticket_code
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        name = result.registration.user.get_full_name()
        if result.already:
            messages.warning(
                request,
                _("Already checked in at %(when)s: %(name)s.")
                % {"when": _local_time(result.registration.checked_in_at), "name": name},
            )
        else:
            messages.success(request, _("Checked in: %(name)s.") % {"name": name})
    return redirect(_manage_url(event, request.POST.get("return_query", "")))


@require_safe
@organizer_view
def export(request, event):
    _page, filters, registrations = _filtered_attendees(request, event)
    text, count = attendees.attendees_csv(event, registrations.iterator(chunk_size=500))
    audit_record(
        actor=request.user,
        action="event.export",
        target=event,
        detail={"rows": count, **{k: v for k, v in filters.items() if v}},
    )
    # The byte order mark lets spreadsheet programs recognise UTF-8 (names with accents).
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    filename = f"{event.slug}-attendees-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@organizer_view
def message(request, event):
    recipients = services.seats_taken(event)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if recipients == 0:
            form.add_error(None, _("Nobody holds a seat yet, so there is nobody to write to."))
        else:
            sent = service_result(
                form,
                services.event_message_attendees,
                event=event,
                actor=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["text"],
            )
            if sent is not None:
                messages.success(
                    request,
                    ngettext(
                        "Your message is on its way to %(sent)s person.",
                        "Your message is on its way to %(sent)s people.",
                        sent,
                    )
                    % {"sent": sent},
                )
                return redirect("events:manage", slug=event.slug)
    return render(
        request,
        "events/manage/message.html",
        _context(event, "message", form=form, recipients=recipients),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@organizer_view
def edit(request, event):
    taken = services.seats_taken(event)
    # The form works on a copy, so a refused edit leaves `event` (and the page) as it was.
    form = EventEditForm(
        request.POST or None, instance=Event.objects.get(pk=event.pk), seats_taken=taken
    )
    if event.status == Event.Status.CANCELLED:
        form = None
    elif request.method == "POST" and form.is_valid():
        saved = service_result(
            form, event_update, event=event, actor=request.user, data=form.update_data()
        )
        if saved is not None:
            messages.success(request, _("The event is saved."))
            return redirect("events:manage", slug=event.slug)
    return render(
        request, "events/manage/edit.html", _context(event, "edit", form=form, seats_taken=taken)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@organizer_view
def cancel(request, event):
    form = CancelForm(request.POST or None)
    if request.method == "POST" and event.status != Event.Status.CANCELLED and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        cancelled = service_result(
            form, services.event_cancel, event=event, actor=request.user, reason=reason
        )
        if cancelled is not None:
            messages.success(
                request,
                _("The event is cancelled. Everyone registered is being told by e-mail."),
            )
            return redirect("events:manage", slug=event.slug)
    counts = attendees.attendee_counts(event)
    return render(
        request,
        "events/manage/cancel.html",
        _context(
            event,
            "cancel",
            form=form,
            counts=counts,
            to_tell=counts.confirmed + counts.checked_in + counts.waitlisted,
        ),
    )
