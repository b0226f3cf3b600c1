"""Event pages' helpers: an event's own time zone, and what its organizers may do next."""

from django import template
from django.template.loader import render_to_string

from events import zones
from events.authoring import send_back_reason
from events.models import Event
from events.permissions import publishes_at_once, user_can_create_events, user_can_duplicate

register = template.Library()


@register.filter
def event_zone(event: Event):
    """The zone to show `event`'s times in: `{% timezone event|event_zone %}`."""
    return zones.event_zone(event)


@register.filter
def other_zone_name(event: Event) -> str:
    """The event's zone name when it is not the hub's (to say so next to its times), else ""."""
    name = zones.event_zone(event).key
    return "" if zones.is_hub_zone(name) else name.replace("_", " ")


@register.simple_tag
def event_start_text(event: Event) -> str:
    """The event's start as the e-mails write it (events/email/_when.txt), to put in a
    sentence: `{% event_start_text event as when %}`."""
    return render_to_string("events/email/_when.txt", {"event": event})


@register.simple_tag(takes_context=True)
def may_create_events(context) -> bool:
    request = context.get("request")
    return request is not None and user_can_create_events(request.user)


@register.inclusion_tag("events/authoring/_status_actions.html", takes_context=True)
def status_actions(context, event: Event, *, where: str):
    """Publish, submit for review or withdraw, and duplicate: the buttons that apply to
    `event` for the person looking (its organizers), on the event page or the manage pages."""
    user = context["request"].user
    return {
        "event": event,
        "where": where,
        "publishes_at_once": publishes_at_once(user=user, event=event),
        "can_duplicate": user_can_duplicate(user=user, event=event),
        "send_back_reason": send_back_reason(event),
        "csrf_token": context.get("csrf_token"),
    }
