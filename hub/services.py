from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from hub.emails import email_to_payload
from hub.jobs import enqueue_on_commit
from hub.models import User
from hub.tasks import send_email_task, send_password_reset_task


def email_queue(*, message: EmailMessage) -> None:
    """Deliver `message` from a worker once the current transaction commits."""
    enqueue_on_commit(send_email_task, email_to_payload(message))


def password_reset_queue(*, user: User, email: str) -> None:
    """Send `user` a password-reset link at `email` from a worker.

    The job carries the person's id and address only: a reset link is as good as the
    password, so it is made when the message is sent and never written to the outbox.
    """
    enqueue_on_commit(send_password_reset_task, user.pk, email)


@transaction.atomic
def user_update_profile(
    *, user: User, display_name: str, show_name_on_pledges: bool | None = None
) -> User:
    user.display_name = display_name.strip()
    fields = ["display_name"]
    if show_name_on_pledges is not None:
        user.show_name_on_pledges = show_name_on_pledges
        fields.append("show_name_on_pledges")
    user.save(update_fields=fields)
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Keep the language a person chose; their e-mails are written in it from now on."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(
            {"language": _("The hub does not offer %(language)r.") % {"language": language}}
        )
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def api_token_regenerate(*, user: User) -> Token:
    """Issue the person a new API token; any old key stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
