"""Who may do what with asks: the one place for these rules (pages, API, admin, services).

A project's maintainers post its asks, change and close them, and see the offers made to
them: staff, the active owners and admins of an organization that maintains the project
(the directory's own sense of "maintains", `directory.permissions.user_can_edit_project`),
and the person who listed the project while no organization maintains it. Which asks a
person may see is decided by `pledges.asks.queries`.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from directory.models import Membership, Project, ProjectRole
from directory.permissions import MANAGING_ROLES
from directory.queries import public_projects_q
from hub.models import User
from pledges.asks.models import Ask, Offer


def _managing_memberships() -> QuerySet:
    """Active owner and admin memberships of organizations that maintain the outer project."""
    return Membership.objects.filter(
        organization__project_roles__project=OuterRef("pk"),
        organization__project_roles__role=ProjectRole.Role.MAINTAINER,
        status=Membership.Status.ACTIVE,
        role__in=MANAGING_ROLES,
    )


def _has_maintaining_organization() -> Exists:
    return Exists(
        ProjectRole.objects.filter(project=OuterRef("pk"), role=ProjectRole.Role.MAINTAINER)
    )


def projects_maintained_by(user) -> QuerySet:
    """The published projects whose asks `user` posts (every published one for staff)."""
    projects = Project.objects.filter(public_projects_q())
    if not user.is_authenticated:
        return projects.none()
    if user.is_staff:
        return projects
    return projects.filter(
        Exists(_managing_memberships().filter(user=user))
        | (Q(created_by=user) & ~_has_maintaining_organization())
    )


def user_maintains(*, user, project: Project) -> bool:
    """`projects_maintained_by` for one project, published or not."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        Project.objects.filter(pk=project.pk)
        .filter(
            Exists(_managing_memberships().filter(user=user))
            | (Q(created_by=user) & ~_has_maintaining_organization())
        )
        .exists()
    )


def maintainers_of(project: Project) -> QuerySet:
    """The people who maintain `project` (staff aside): whom its asks' news reaches."""
    managing = Membership.objects.filter(
        user=OuterRef("pk"),
        organization__project_roles__project=project,
        organization__project_roles__role=ProjectRole.Role.MAINTAINER,
        status=Membership.Status.ACTIVE,
        role__in=MANAGING_ROLES,
    )
    maintained = ProjectRole.objects.filter(project=project, role=ProjectRole.Role.MAINTAINER)
    lister = Q(pk=project.created_by_id) & ~Exists(maintained)
    return User.objects.filter(is_active=True).filter(Exists(managing) | lister)


def user_can_offer(*, user, ask: Ask) -> bool:
    """Anyone signed in offers hours to an open ask (its maintainers too: they may give time
    to their own project under their employer's pledge)."""
    return user.is_authenticated and ask.is_open


def user_can_withdraw(*, user, offer: Offer) -> bool:
    """The person who offered; staff too (an offer made by mistake or abuse)."""
    return user.is_authenticated and (offer.person_id == user.pk or user.is_staff)
