"""Who organizes an event: the one place for that rule (pages, API, services)."""

from directory.permissions import member_can_manage
from events.models import Event


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
