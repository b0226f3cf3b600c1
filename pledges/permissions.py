"""Who may do what with pledges: the one place for these rules (pages, API, admin, services).

Which pledges and logs a person may see is decided by `pledges.queries` (querysets);
the checks here judge one loaded object by the same rules.
"""

from directory.permissions import member_can_manage, user_is_active_member
from pledges.models import Contribution, Pledge
from pledges.queries import pledge_is_public, reviewers_other_than


def user_can_manage_pledge(*, user, pledge: Pledge) -> bool:
    """Staff and the pledging organization's owners and admins."""
    return member_can_manage(user=user, organization=pledge.organization)


def user_can_view_pledge(*, user, pledge: Pledge) -> bool:
    """`queries.pledges_visible_to` for one pledge: public ones for everyone, every pledge
    of an organization for its people, everything for staff."""
    if pledge_is_public(pledge) or (user.is_authenticated and user.is_staff):
        return True
    return user_is_active_member(user=user, organization=pledge.organization)


def user_can_log_hours(*, user, pledge: Pledge) -> bool:
    return user_is_active_member(user=user, organization=pledge.organization)


def has_other_reviewer(*, organization_id: int, contributor_id: int) -> bool:
    """Whether an owner or admin of the organization other than the contributor can review
    their logs; when not, hub staff review them (the queue in admin)."""
    return reviewers_other_than(organization=organization_id, contributor=contributor_id).exists()


def user_can_review(*, user, contribution: Contribution) -> bool:
    """Nobody reviews their own hours: the organization's other owners and admins do, and
    hub staff. (The service says so in its own words before asking this.)"""
    return user.pk != contribution.contributor_id and user_can_manage_pledge(
        user=user, pledge=contribution.pledge
    )
