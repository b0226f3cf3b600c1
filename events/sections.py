"""The events section of the organization page (registered in `EventsConfig.ready()`):
upcoming events for everyone; for the organization's managers also its drafts and events
waiting for review, and a link to create one."""

from directory.permissions import organization_is_public
from events.queries import unpublished_events_of, upcoming_events_of


def organization_events_section(request, organization, *, can_manage: bool) -> dict | None:
    upcoming_events = upcoming_events_of(organization)
    may_create = can_manage and organization_is_public(organization)
    unpublished_events = unpublished_events_of(organization) if can_manage else []
    if not (upcoming_events or may_create or unpublished_events):
        return None
    return {
        "template": "events/organization_section.html",
        "context": {
            "upcoming_events": upcoming_events,
            "unpublished_events": unpublished_events,
            "may_create": may_create,
        },
    }
