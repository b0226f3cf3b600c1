"""The upcoming events section of the organization page (registered in `EventsConfig.ready()`)."""

from events.queries import upcoming_events_of


def organization_events_section(request, organization, *, can_manage: bool) -> dict | None:
    upcoming_events = upcoming_events_of(organization)
    if not upcoming_events:
        return None
    return {
        "template": "events/organization_section.html",
        "context": {"upcoming_events": upcoming_events},
    }
