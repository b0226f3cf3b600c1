"""Account e-mails a worker builds from ids, so that no secret waits in the outbox."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from hub.models import User
from hub.notifications import hub_context


def password_reset_url(user: User) -> str:
    """A fresh link that lets `user` choose a new password (allauth's token and URL)."""
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return f"{settings.HUB_SITE_URL}{path}"


def password_reset_send(*, user_id: int, email: str) -> bool:
    """Mail a reset link to an active person; True when it went out.

    The token is made now, from the person's current password, so a link mailed later
    than asked is still good, and a person who deleted their account is sent nothing.
    """
    user = User.objects.filter(pk=user_id, is_active=True, deleted_at__isnull=True).first()
    if user is None:
        return False
    # In the person's language, the link to the reset page too.
    with translation.override(user.preferred_language):
        context = {**hub_context(), "user": user, "email": email}
        context["password_reset_url"] = password_reset_url(user)
        message = get_adapter().render_mail("account/email/password_reset_key", email, context)
    message.send()
    return True
