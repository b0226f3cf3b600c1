"""Who organizes an event: the one place for that rule (pages, API, services)."""

from django.db.models import QuerySet
from django.db.models.functions import Lower

from directory.models import Organization
from directory.permissions import member_can_manage, organization_is_public
from directory.queries import organizations_managed_by, public_organizations, public_organizations_q
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


# --- Who creates and publishes events ---------------------------------------------------------


def authoring_organizations(user) -> QuerySet:
    """The organizations `user` may create events for: published ones they own or administer
    (staff: every published one). An unpublished organization runs no new events."""
    if not user.is_authenticated:
        return Organization.objects.none()
    organizations = public_organizations() if user.is_staff else organizations_managed_by(user)
    return organizations.filter(public_organizations_q()).order_by(Lower("name"))


def user_can_create_events(user) -> bool:
    """Whether `user` may open /events/new/: staff, and owners and admins of a published
    organization."""
    if not user.is_authenticated:
        return False
    return user.is_staff or authoring_organizations(user).exists()


def user_can_create_event_for(*, user, organization: Organization | None) -> bool:
    """Staff for any published organization (or none: the hub's own events); owners and
    admins for their published organization."""
    if not user.is_authenticated:
        return False
    if organization is None:
        return user.is_staff
    return organization_is_public(organization) and member_can_manage(
        user=user, organization=organization
    )


def user_can_duplicate(*, user, event: Event) -> bool:
    """A copy is a new event of the same organization: who may create one for it."""
    return user_can_create_event_for(user=user, organization=event.organization)


def publishes_at_once(*, user, event: Event) -> bool:
    """An event of a verified organization, or one staff publish, needs no review."""
    return user.is_staff or (event.organization is not None and event.organization.verified)
