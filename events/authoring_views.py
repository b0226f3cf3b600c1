"""Organizers make events: /events/new/, and on an event's manage pages submit (publish),
withdraw and duplicate. Each view parses its input, checks permission, calls one service
from `events.authoring` and redirects or renders."""

import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events import authoring
from events.authoring_forms import DuplicateForm, EventCreateForm
from events.manage_views import organizer_view
from events.models import Event
from events.permissions import authoring_organizations, user_can_create_events, user_can_duplicate
from hub.form_errors import service_result

# What ?organization= may hold: a slug (anything else, a NUL byte too, is ignored).
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


@require_http_methods(["GET", "HEAD", "POST"])
def create(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user_can_create_events(request.user):
        raise PermissionDenied(
            "Owners and admins of a published organization create events here. Ask your "
            "organization's owner to make you an admin, or list your organization first."
        )
    initial = {}
    wanted = request.GET.get("organization") or ""
    if request.method != "POST" and SLUG.fullmatch(wanted):
        # ?organization=<slug> (from the organization's page) picks it, if the person may.
        preselected = authoring_organizations(request.user).filter(slug=wanted).first()
        if preselected is not None:
            initial["organization"] = preselected.pk
    form = EventCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        event = service_result(
            form, authoring.event_create, actor=request.user, **form.service_arguments()
        )
        if event is not None:
            messages.success(
                request,
                _(
                    "Your draft is saved. This is its page as the public will see it; publish it "
                    "when it is ready."
                ),
            )
            return redirect(event)
    return render(request, "events/authoring/new.html", {"form": form})


def _back(request, event: Event):
    """Back to the page the button was on: the event's page or its manage pages."""
    if request.POST.get("from") == "manage":
        return redirect("events:manage", slug=event.slug)
    return redirect(event)


@require_POST
@organizer_view
def submit(request, event):
    try:
        event = authoring.event_submit(event=event, actor=request.user)
    except ValidationError as error:
        messages.error(
            request,
            _("Fix the event before publishing it: %(problems)s")
            % {"problems": " ".join(error.messages)},
        )
        return redirect("events:manage-edit", slug=event.slug)
    if event.status == Event.Status.PUBLISHED:
        messages.success(request, _("Published: everyone can now find the event and register."))
    elif event.status == Event.Status.REVIEW:
        messages.success(
            request,
            _(
                "Submitted for review. Staff publish it or tell you what to change; you get an "
                "e-mail either way."
            ),
        )
    return _back(request, event)


@require_POST
@organizer_view
def withdraw(request, event):
    try:
        authoring.event_withdraw(event=event, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Withdrawn: the event is a draft again. Submit it when ready."))
    return _back(request, event)


@require_http_methods(["GET", "HEAD", "POST"])
@organizer_view
def duplicate(request, event):
    if not user_can_duplicate(user=request.user, event=event):
        raise PermissionDenied(_("Only owners and admins of the organization copy its events."))
    form = DuplicateForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        copy = service_result(
            form,
            authoring.event_duplicate,
            event=event,
            actor=request.user,
            title=form.cleaned_data["title"],
            starts_at=form.cleaned_data["starts_at"],
        )
        if copy is not None:
            messages.success(
                request,
                _(
                    "The copy is a draft. Check it here, then publish it; the original "
                    "“%(title)s” is unchanged."
                )
                % {"title": event.title},
            )
            return redirect(copy)
    return render(
        request,
        "events/manage/duplicate.html",
        {"event": event, "section": "duplicate", "form": form},
    )
