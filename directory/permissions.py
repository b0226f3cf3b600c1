"""Who may change what in the directory: the one place for these rules (pages, API, services)."""

from rest_framework import permissions

from directory.models import ListingStatus, Membership, Organization, Project, ProjectRole

MANAGING_ROLES = [Membership.Role.OWNER, Membership.Role.ADMIN]


def user_is_active_member(*, user, organization: Organization, roles=None) -> bool:
    """An active member of the organization: in one of `roles` when given, else in any role."""
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(
        user=user, organization=organization, status=Membership.Status.ACTIVE
    )
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


def _staff_or_active_member_in(*, user, organization: Organization, roles) -> bool:
    if user.is_authenticated and user.is_staff:
        return True
    return user_is_active_member(user=user, organization=organization, roles=roles)


def member_can_manage(*, user, organization: Organization) -> bool:
    """Staff, and the organization's active owners and admins."""
    return _staff_or_active_member_in(user=user, organization=organization, roles=MANAGING_ROLES)


def user_can_edit_project(*, user, project: Project) -> bool:
    """Staff, owners and admins of an organization that maintains the project, and its
    submitter while it is not yet published."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if project.created_by_id == user.pk and project.status != ListingStatus.PUBLISHED:
        return True
    return Membership.objects.filter(
        user=user,
        organization__project_roles__project=project,
        organization__project_roles__role=ProjectRole.Role.MAINTAINER,
        status=Membership.Status.ACTIVE,
        role__in=MANAGING_ROLES,
    ).exists()


def listing_can_manage(*, user, listing: Organization | Project) -> bool:
    if isinstance(listing, Organization):
        return member_can_manage(user=user, organization=listing)
    return user_can_edit_project(user=user, project=listing)


class CanManageListingOrReadOnly(permissions.IsAuthenticatedOrReadOnly):
    """Anyone reads; signed-in members submit; only a listing's managers change it."""

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return listing_can_manage(user=request.user, listing=obj)


def member_can_manage_owners(*, user, organization: Organization) -> bool:
    """Staff, and the organization's active owners: only they grant or take away the owner
    role, so an admin can never demote, remove or lock out the people above them."""
    return _staff_or_active_member_in(
        user=user, organization=organization, roles=[Membership.Role.OWNER]
    )


# --- Who sees a listing: the object checks of the rules in `directory.queries` ---------------


def organization_is_public(organization: Organization) -> bool:
    """Whether the public sees `organization` (`queries.public_organizations`)."""
    from directory import queries  # imported here: this part of the module is appended

    return organization.status == queries.PUBLIC_LISTING_STATUS


def project_is_public(project: Project) -> bool:
    """Whether the public sees `project` (`queries.public_projects`)."""
    from directory import queries

    return project.status == queries.PUBLIC_LISTING_STATUS


def user_can_view_organization(*, user, organization: Organization) -> bool:
    """The public's organizations, and the ones `user` manages (`queries.public_organizations`)."""
    return organization_is_public(organization) or member_can_manage(
        user=user, organization=organization
    )


def user_can_view_project(*, user, project: Project) -> bool:
    """The public's projects, and the ones `user` may edit (`queries.public_projects`)."""
    return project_is_public(project) or user_can_edit_project(user=user, project=project)


def user_can_view_listing(*, user, listing: Organization | Project) -> bool:
    if isinstance(listing, Organization):
        return user_can_view_organization(user=user, organization=listing)
    return user_can_view_project(user=user, project=listing)


# --- Who says an organization uses a project (directory.uses) --------------------------------


def user_can_declare_use_for(*, user, organization: Organization) -> bool:
    """A declaration speaks for the organization: only its active owners and admins make or
    change one, and only for a published organization. Staff do not speak for members."""
    return organization_is_public(organization) and user_is_active_member(
        user=user, organization=organization, roles=MANAGING_ROLES
    )


def user_can_withdraw_use(*, user, organization: Organization) -> bool:
    """The organization's owners and admins take a declaration back; staff may too (one
    made by mistake or abuse)."""
    return member_can_manage(user=user, organization=organization)
