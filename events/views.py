"""Public event pages: the list, an event, registering and cancelling, the ticket, iCal."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST, require_safe

from directory.templatetags.directory_tags import querystring_with
from events import calendar, feeds, queries, services
from events.filters import EventFilter
from events.forms import RegistrationForm
from events.models import Event, Registration
from events.notifications import ticket_qr_svg
from events.permissions import event_is_public, user_can_organize
from hub.errors import found_or_404
from hub.pagecache import cache_anonymous_page

PAGE_SIZE = 20


@require_safe
@cache_anonymous_page
def index(request):
    now = timezone.now()
    filters = EventFilter.for_page(request.GET, queries.public_events(), now=now)
    query = filters.wanted
    page = Paginator(queries.event_list(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.without_hidden_organizers(page.object_list)
    for event in page.object_list:
        seats = queries.SeatsInfo(capacity=event.capacity, taken=event.seats_taken)
        event.seats_text = queries.seats_label(event, seats, now=now)
        event.seats_full = seats.is_full
    facets = queries.event_facets(filters)
    context = {
        "query": query,
        "page": page,
        "facets": facets,
        "kinds": Event.Kind.choices,
        "active_filters": _active_filters(request, query, facets),
    }
    return render(request, "events/index.html", context)


def _active_filters(request, query, facets) -> list[tuple[str, str]]:
    """(label, link that removes it) for each filter in use."""
    filters = []
    if query.kind:
        filters.append((Event.Kind(query.kind).label, querystring_with(request.GET, kind=None)))
    if query.month:
        start, _end = queries.parse_month(query.month)
        filters.append(
            (date_format(start, "YEAR_MONTH_FORMAT"), querystring_with(request.GET, month=None))
        )
    if query.organization:
        names = {slug: name for slug, name, _ in facets["organization"]}
        name = names.get(query.organization)
        if name is None:
            organization = queries.organization_named(query.organization)
            name = organization.name if organization else query.organization
        filters.append((name, querystring_with(request.GET, organization=None)))
    return filters


def _event_or_404(slug: str, user) -> Event:
    return found_or_404(queries.event_for_visitor(slug, user), "No such event.")


def _detail_context(request, event: Event, form: RegistrationForm | None = None) -> dict:
    registration = queries.registration_of(request.user, event)
    seats = queries.SeatsInfo(capacity=event.capacity, taken=services.seats_taken(event))
    action = queries.visitor_action(
        event=event, user=request.user, registration=registration, seats=seats
    )
    can_organize = user_can_organize(user=request.user, event=event)
    if not can_organize:
        [event] = queries.without_hidden_organizers([event])
    if hasattr(event, "organizer_list"):
        organizers = event.organizer_list
    else:
        organizers = list(event.organizers.all())
    named_organizers = [person.display_name for person in organizers if person.display_name]
    return {
        "event": event,
        "registration": registration,
        "seats": seats,
        "waitlist_length": queries.waitlist_length(event) if seats.is_full else 0,
        "action": action,
        "form": form
        if form is not None
        else (RegistrationForm(event=event) if action.form_shown else None),
        "can_organize": can_organize,
        "show_online_link": bool(event.online_url)
        and (can_organize or (registration is not None and registration.holds_seat)),
        "organizer_names": named_organizers,
        "unnamed_organizers": len(organizers) - len(named_organizers),
        "is_public": event_is_public(event),
    }


@require_safe
@cache_anonymous_page
def detail(request, slug):
    event = _event_or_404(slug, request.user)
    response = render(request, "events/detail.html", _detail_context(request, event))
    if not event_is_public(event) or request.user.is_authenticated:
        # A preview or a page with the person's own registration is for them only.
        response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
@login_required
def register(request, slug):
    event = _event_or_404(slug, request.user)
    form = RegistrationForm(request.POST, event=event)
    answers = form.service_arguments() if form.is_valid() else {}
    if not form.is_valid():
        context = _detail_context(request, event, form=form)
        if context["action"].form_shown:
            return render(request, "events/detail.html", context, status=400)
        # No form to correct (already registered, or registration closed): the service
        # answers with the existing registration or the reason.
    try:
        result = services.registration_create(event=event, user=request.user, **answers)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(event)
    registration = result.registration
    if not result.created:
        messages.info(request, _("You were already registered for this event."))
    elif registration.status == Registration.Status.WAITLISTED:
        messages.success(
            request,
            _(
                "You are number %(position)s on the waitlist. "
                "We will e-mail you as soon as a seat is yours."
            )
            % {"position": registration.waitlist_position},
        )
    else:
        messages.success(request, _("You have a seat. Your ticket is on its way by e-mail."))
    return redirect(event)


@require_POST
@login_required
def cancel(request, slug):
    event = _event_or_404(slug, request.user)
    registration = queries.registration_of(request.user, event)
    if registration is None:
        messages.info(request, _("You had no registration to cancel."))
        return redirect(event)
    was_waitlisted = registration.status == Registration.Status.WAITLISTED
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(
            request,
            _("You left the waitlist.") if was_waitlisted else _("Your registration is cancelled."),
        )
    # The cancel button on /me/ brings the person back there.
    return redirect("me" if request.POST.get("next") == "me" else event)


def _ticket_registration(request, slug) -> Registration:
    """The person's own active registration for a public event, or 404."""
    event = queries.public_event(slug)
    registration = queries.registration_of(request.user, event) if event else None
    if registration is None:
        raise Http404("No ticket.")
    registration.event = event
    return registration


@require_safe
@never_cache
@login_required
def ticket(request, slug):
    registration = _ticket_registration(request, slug)
    return render(
        request,
        "events/ticket.html",
        {"registration": registration, "event": registration.event},
    )


@require_safe
@cache_control(private=True, max_age=3600)
@login_required
def ticket_svg(request, slug):
    registration = _ticket_registration(request, slug)
    if not registration.has_ticket:
        raise Http404("No seat yet.")
    response = HttpResponse(ticket_qr_svg(registration.ticket_code), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def event_calendar(request, slug):
    event = queries.public_event(slug)
    if event is None:
        raise Http404("No such event.")
    body = calendar.calendar_bytes([event], absolute_url=request.build_absolute_uri)
    return _ics_response(body, f"{event.slug}.ics")


@require_safe
def calendar_feed(request):
    body = calendar.calendar_bytes(
        queries.calendar_feed_events(),
        absolute_url=request.build_absolute_uri,
        name=f"{settings.HUB_NAME} events",
    )
    return _ics_response(body, "events.ics")


@require_safe
def personal_calendar(request, pk, token):
    """A person's secret calendar address, for calendar apps: no sign-in, the token is the key."""
    feed = feeds.feed_for_token(pk, token)
    if feed is None:
        raise Http404("No such calendar.")
    body = calendar.personal_calendar_bytes(
        feeds.feed_registrations(feed.user),
        feeds.feed_sessions(feed.user),
        absolute_url=request.build_absolute_uri,
        name=f"My events ({settings.HUB_NAME})",
    )
    response = _ics_response(body, "my-events.ics")
    response["Cache-Control"] = "private, no-store"
    return response
