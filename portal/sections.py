"""The upcoming events section of the organization page (registered in `PortalConfig.ready()`).

It belongs to `events` (events/apps.py would register it); it waits here, in the top layer,
until the unconference's move into `events/program/` has landed.
"""

from events.queries import upcoming_events_of


def organization_events_section(request, organization, *, can_manage: bool) -> dict | None:
    upcoming_events = upcoming_events_of(organization)
    if not upcoming_events:
        return None
    return {
        "template": "events/organization_section.html",
        "context": {"upcoming_events": upcoming_events},
    }
