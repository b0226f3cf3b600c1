"""A person's forge accounts: typed in (declared) or connected through OAuth (proven).

Logged hours carry links to pull requests, commits and issues; a link checks out when its
author is one of the person's accounts (pledges/evidence.py). A declared name proves
nothing on its own, so the reviewer is told which kind matched, and when someone else
declared the same name too.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from hub.audit import audit_record
from hub.locks import row_lock
from hub.models import ForgeAccount, User

MAX_FORGE_ACCOUNTS = 10
# GitHub allows letters, digits and single hyphens; GitLab and Gitea also dots and
# underscores. One pattern for all three: what none of them allows is refused here.
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_])?")
# allauth's provider ids, for the forges a connected account proves.
PROVIDER_FORGES = {"github": ForgeAccount.Forge.GITHUB, "gitlab": ForgeAccount.Forge.GITLAB}


def username_clean(value: str) -> str:
    """The user name as the forge spells it, without a leading @; ValidationError otherwise."""
    name = (value or "").strip().removeprefix("@")
    if not USERNAME_PATTERN.fullmatch(name):
        raise ValidationError(
            {"username": _("A user name has letters, digits, '-', '_' or '.' (up to 100).")}
        )
    return name


def forge_accounts_of(user: User) -> QuerySet:
    """The person's accounts, each with `claimed_by_others`: someone else added it too."""
    others = ForgeAccount.objects.filter(forge=OuterRef("forge")).exclude(user=OuterRef("user"))
    others = others.annotate(name=Lower("username")).filter(name=Lower(OuterRef("username")))
    return ForgeAccount.objects.filter(user=user).annotate(claimed_by_others=Exists(others))


def _same_name(forge: str, username: str) -> QuerySet:
    return ForgeAccount.objects.filter(forge=forge, username__iexact=username)


@transaction.atomic
def forge_account_add(*, user: User, forge: str, username: str) -> ForgeAccount:
    """Declare a forge user name on the person's profile."""
    if forge not in ForgeAccount.Forge.values:
        raise ValidationError({"forge": _("Choose GitHub, GitLab or Codeberg.")})
    username = username_clean(username)
    label = ForgeAccount.Forge(forge).label
    # Locks the person's row: two adds at once cannot pass the cap or the duplicate check.
    with row_lock():
        User.objects.select_for_update().filter(pk=user.pk).first()
    if _same_name(forge, username).filter(user=user).exists():
        raise ValidationError({
            "username": _("%(username)s on %(forge)s is on your profile already.")
            % {"username": username, "forge": label}
        })  # fmt: skip
    if _same_name(forge, username).filter(proven=True).exists():
        raise ValidationError(
            {
                "username": _("%(username)s on %(forge)s is connected to someone else's profile.")
                % {"username": username, "forge": label}
            }
        )
    if ForgeAccount.objects.filter(user=user).count() >= MAX_FORGE_ACCOUNTS:
        raise ValidationError(
            _("A profile holds at most %(count)d forge accounts.") % {"count": MAX_FORGE_ACCOUNTS}
        )
    account = ForgeAccount.objects.create(user=user, forge=forge, username=username)
    audit_record(actor=user, action="forge_account.add", target=account)
    return account


@transaction.atomic
def forge_account_remove(*, user: User, account: ForgeAccount) -> None:
    if account.user_id != user.pk:
        raise PermissionDenied(_("Only the person it belongs to removes a forge account."))
    audit_record(actor=user, action="forge_account.remove", target=account)
    account.delete()


@transaction.atomic
def forge_account_prove(*, user: User, forge: str, username: str) -> ForgeAccount:
    """The person connected this account through the forge's sign-in: it is theirs.

    A proof outweighs a declaration, and the latest proof outweighs an older one (a name
    renamed and taken by someone else on the forge): anyone else holding the name keeps it
    as declared only.
    """
    username = username_clean(username)
    _same_name(forge, username).exclude(user=user).filter(proven=True).update(proven=False)
    account = _same_name(forge, username).filter(user=user).first()
    if account is None:
        account = ForgeAccount.objects.create(
            user=user, forge=forge, username=username, proven=True
        )
    elif not account.proven or account.username != username:
        account.proven, account.username = True, username
        account.save(update_fields=["proven", "username"])
    audit_record(actor=user, action="forge_account.prove", target=account)
    return account


def social_account_connected(sender, request, sociallogin, **kwargs) -> None:
    """allauth's `social_account_added`/`_updated`: a connected GitHub or GitLab account
    proves the user name it signed in as."""
    account = sociallogin.account
    forge = PROVIDER_FORGES.get(account.provider)
    data = account.extra_data or {}
    username = data.get("login") or data.get("username")
    if forge and username and account.user_id:
        forge_account_prove(user=account.user, forge=forge, username=username)
