"""Deleting an account: every app lets go of the person in one transaction."""

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from directory.models import Membership, Organization
from directory.services import lock_organization, membership_remove
from events.models import Registration, Star, Vote
from events.services import registration_cancel
from hub.audit import audit_record
from hub.locks import row_lock
from hub.models import DELETED_EMAIL_DOMAIN, ForgeAccount, NotificationSetting, User
from hub.pagecache import public_pages_changed
from pledges.asks import services as asks_services


class LastOwnerError(ValidationError):
    """The person is the last owner of organizations that still have other members."""

    def __init__(self, organizations: list[Organization]):
        self.organizations = organizations
        names = ", ".join(organization.name for organization in organizations)
        super().__init__(
            ngettext(
                "You are the last owner of %(names)s, which has other members. Make one of "
                "them an owner (or transfer ownership to them) on the organization's members "
                "page first, then delete your account.",
                "You are the last owner of %(names)s, which have other members. Make one of "
                "their members an owner (or transfer ownership) on each organization's members "
                "page first, then delete your account.",
                len(organizations),
            )
            % {"names": names},
            code="last_owner",
        )


def members_page(organization: Organization) -> str:
    return reverse("directory:organization-members", kwargs={"slug": organization.slug})


def organizations_needing_an_owner(user: User) -> list[Organization]:
    """Organizations the person alone owns while other people are members of them."""
    active = Q(memberships__status=Membership.Status.ACTIVE)
    owned = Membership.objects.filter(
        user=user, role=Membership.Role.OWNER, status=Membership.Status.ACTIVE
    ).values("organization")
    return list(
        # A subquery, not a join: the counts below must see every membership.
        Organization.objects.filter(pk__in=owned)
        .annotate(
            owners=Count("memberships", filter=active & Q(memberships__role=Membership.Role.OWNER)),
            members=Count("memberships", filter=active),
        )
        .filter(owners=1, members__gt=1)
        .order_by("name")
    )


@transaction.atomic(durable=True)
def account_delete(*, user: User, password: str) -> None:
    """Delete the person's account, or refuse and change nothing.

    The user row stays, anonymised: their approved hours still count towards their
    organization's pledge, and pages name them "A former member". Everything else that is
    theirs goes: future registrations (each freed seat goes to the waitlist), votes, stars,
    memberships, forge accounts (and connected sign-ins), skills and offers to asks, e-mail
    addresses and choices, the API token; changing the password ends every session.
    """
    with row_lock():
        user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password):
        raise ValidationError({"password": _("That is not your password.")})
    blocking = organizations_needing_an_owner(user)
    if blocking:
        raise LastOwnerError(blocking)

    # Anonymise first, so the audit rows the services below write name "A former member".
    user.email = f"former-member-{user.pk}@{DELETED_EMAIL_DOMAIN}"
    user.display_name = ""
    user.show_name_on_pledges = False
    user.is_active = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()

    future = Registration.objects.filter(
        user=user,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        event__starts_at__gt=user.deleted_at,
    )
    cancelled = 0
    for registration in future.order_by("pk"):
        registration_cancel(registration=registration, actor=user)
        cancelled += 1
    # What people told organizers about themselves goes; the attendance record stays.
    Registration.objects.filter(user=user).update(
        accessibility_needs="", dietary_requirements="", answers={}
    )

    memberships = list(Membership.objects.filter(user=user).select_related("organization"))
    for membership in memberships:
        _membership_end(membership, actor=user)

    votes, _per_model = Vote.objects.filter(user=user).delete()
    stars, _per_model = Star.objects.filter(user=user).delete()
    forge_accounts, _per_model = ForgeAccount.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):
        apps.get_model("socialaccount", "SocialAccount").objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    NotificationSetting.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    asks_left = asks_services.person_leaves(user=user)

    audit_record(
        actor=user,
        action="account.delete",
        target=user,
        detail={
            "registrations_cancelled": cancelled,
            "memberships_ended": len(memberships),
            "votes_removed": votes,
            "stars_removed": stars,
            "forge_accounts_removed": forge_accounts,
            **asks_left,
        },
    )
    # Pages that named the person (pledge boards, session hosts) must not serve old copies.
    transaction.on_commit(public_pages_changed)


def _membership_end(membership: Membership, *, actor: User) -> None:
    # Locked like every membership change, so nobody joins while the last person leaves.
    lock_organization(membership.organization_id)
    others = Membership.objects.filter(
        organization=membership.organization, status=Membership.Status.ACTIVE
    ).exclude(pk=membership.pk)
    if membership.role == Membership.Role.OWNER and not others.exists():
        # The last person of the organization leaves: there is nobody to hand ownership
        # to, and the rule "an organization with members keeps an owner" holds.
        audit_record(actor=actor, action="membership.leave", target=membership)
        membership.delete()
        return
    membership_remove(membership=membership, actor=actor)
