"""Who may do what in the chamber: the one place for these rules (pages, API, admin, services).

Which notes and positions a person may see is decided by `chamber.queries` (querysets); the
checks here judge one loaded object by the same rules.
"""

from django.utils import timezone
from rest_framework import permissions

from chamber.models import Endorsement, Position, PracticeNote
from chamber.queries import PUBLIC_LISTING_STATUS, organizations_that_may_endorse
from directory.models import Organization
from directory.permissions import (
    MANAGING_ROLES,
    member_can_manage,
    organization_is_public,
    user_is_active_member,
)


def practice_is_public(note: PracticeNote) -> bool:
    """`queries.PUBLIC_PRACTICE` for one loaded note (with its organization)."""
    return note.status == PUBLIC_LISTING_STATUS and organization_is_public(note.organization)


def user_can_view_practice(*, user, note: PracticeNote) -> bool:
    """`queries.practices_visible_to` for one note."""
    if practice_is_public(note):
        return True
    return user.is_authenticated and (user.is_staff or note.author_id == user.pk)


def user_can_write_practice_for(*, user, organization: Organization) -> bool:
    """An active member (any role) of a published organization writes notes on its behalf."""
    return organization_is_public(organization) and user_is_active_member(
        user=user, organization=organization
    )


def user_can_edit_practice(*, user, note: PracticeNote) -> bool:
    """Its author, while still a member of its organization. Staff change notes in admin."""
    return (
        user.is_authenticated
        and note.author_id == user.pk
        and user_is_active_member(user=user, organization=note.organization)
    )


def position_is_public(position: Position, *, now=None) -> bool:
    """`queries.public_positions_q` for one position."""
    return position.published_at is not None and position.published_at <= (now or timezone.now())


def user_can_view_position(*, user, position: Position) -> bool:
    return position_is_public(position) or (user.is_authenticated and user.is_staff)


def user_can_endorse_for(*, user, organization: Organization) -> bool:
    """An endorsement speaks for the organization: only its active owners and admins give
    it, and only for a published organization. Staff do not speak for members."""
    return organization_is_public(organization) and user_is_active_member(
        user=user, organization=organization, roles=MANAGING_ROLES
    )


def user_can_withdraw(*, user, endorsement: Endorsement) -> bool:
    """The organization's owners and admins take their name back; staff may too (a name
    added by mistake or abuse)."""
    return member_can_manage(user=user, organization=endorsement.organization)


class MayEndorseOrReadOnly(permissions.BasePermission):
    """Anyone reads endorsements; endorsing and withdrawing need a signed-in owner or admin
    of a published organization (the service then checks the organization named)."""

    message = "Only owners and admins of a published organization endorse positions."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.is_staff or organizations_that_may_endorse(user).exists()
