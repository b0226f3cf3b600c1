"""Who organizes an event: the one place for that rule (pages, API, services)."""

from directory.permissions import member_can_manage, organization_is_public
from events.models import Event, SessionProposal


def user_can_organize(*, user, event: Event) -> bool:
    """Staff, the event's organizers, and admins of the organizing organization."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if event.organizers.filter(pk=user.pk).exists():
        return True
    return event.organization is not None and member_can_manage(
        user=user, organization=event.organization
    )


# --- Who sees an event or a proposal: the object checks of the rules in `events.queries` ----


def event_is_public(event: Event) -> bool:
    """Whether the public sees `event` (`queries.public_events`)."""
    from events import queries  # queries imports this module

    return event.status in queries.PUBLIC_STATUSES


def public_organizer(event: Event):
    """The organizing organization the public may see named with `event`: none while that
    organization is unpublished (the event itself may still be public: staff publish it)."""
    if event.organization_id is None or not organization_is_public(event.organization):
        return None
    return event.organization


def user_can_view_event(*, user, event: Event) -> bool:
    """The public's events, and those `user` organizes (`queries.public_events`)."""
    return event_is_public(event) or user_can_organize(user=user, event=event)


def proposal_is_public(proposal: SessionProposal) -> bool:
    """Whether the public sees `proposal` (`queries.public_proposals_q`)."""
    from events import queries

    return proposal.status in queries.PUBLIC_PROPOSAL_STATUSES and event_is_public(proposal.event)
