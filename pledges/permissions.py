"""Who may do what with pledges: the one place for these rules."""

from directory.models import ListingStatus, Membership, Organization
from directory.permissions import member_can_manage
from pledges.models import Pledge


def user_is_member(*, user, organization: Organization) -> bool:
    """An active member of the organization, whatever the role."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organization=organization, status=Membership.Status.ACTIVE
    ).exists()


def user_can_manage_pledge(*, user, pledge: Pledge) -> bool:
    """Staff and the pledging organization's owners and admins."""
    return member_can_manage(user=user, organization=pledge.organization)


def user_can_view_pledge(*, user, pledge: Pledge) -> bool:
    """Public pledges of published organizations for everyone; private ones for the
    organization's admins and staff."""
    if pledge.public and pledge.organization.status == ListingStatus.PUBLISHED:
        return True
    return user_can_manage_pledge(user=user, pledge=pledge)


def user_can_log_hours(*, user, pledge: Pledge) -> bool:
    return user_is_member(user=user, organization=pledge.organization)
