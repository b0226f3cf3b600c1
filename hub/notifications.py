"""E-mail notifications: the kinds people can switch off, one-click unsubscribe, and the
ledger that makes every job send each message at most once."""

import logging
import re
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import timezone, translation

from hub.models import NotificationSetting, SentNotification, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    default: bool
    # Transactional mail (a ticket, "you are in") answers something the person did:
    # it always goes out and carries no unsubscribe link.
    transactional: bool = False


KINDS = {
    kind.key: kind
    for kind in [
        Kind("ticket", "Tickets", "Your ticket or waitlist place.", True, transactional=True),
        Kind(
            "waitlist_promotion",
            "A seat for you",
            "When you move up from the waitlist.",
            True,
            transactional=True,
        ),
        Kind(
            "event_update",
            "Changes to your events",
            "When an event you registered for is cancelled, or its organizers write.",
            True,
            transactional=True,
        ),
        Kind(
            "review_decision",
            "Decisions on what you wrote",
            "When staff publish or turn down a practice note you submitted.",
            True,
            transactional=True,
        ),
        Kind(
            "event_reminder",
            "Event reminders",
            "A day before an event you registered for, with your ticket.",
            True,
        ),
        Kind(
            "schedule_change",
            "Changes to sessions you starred",
            "When a starred session moves or is cancelled.",
            True,
        ),
        Kind(
            "pledge_reminder",
            "Reminders to log your hours",
            "At the start of each period of your organization's pledge.",
            True,
        ),
        Kind(
            "pending_review",
            "Hours waiting for your review",
            "For organization admins: logs pending for more than a week.",
            True,
        ),
        Kind(
            "ask_update",
            "Asks you maintain or offered hours to",
            "When such an ask closes: its hours met, past its date, or closed by hand.",
            True,
        ),
        Kind(
            "weekly_digest",
            "Weekly digest",
            "New organizations and projects, upcoming events, projects seeking help.",
            False,
        ),
    ]
}

UNSUBSCRIBE_SALT = "hub.notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 365


def wants(user: User, kind: str) -> bool:
    setting = NotificationSetting.objects.filter(user=user, kind=kind).first()
    return setting.enabled if setting else KINDS[kind].default


def preferences_of(user: User) -> list[tuple[Kind, bool]]:
    """Each kind a person can switch, with their choice."""
    chosen = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "enabled"))
    return [
        (kind, chosen.get(key, kind.default))
        for key, kind in KINDS.items()
        if not kind.transactional
    ]


def users_who_want(kind: str):
    """Active people who get `kind`, as a queryset (for batch jobs)."""
    users = User.objects.filter(is_active=True)
    if KINDS[kind].default:
        return users.exclude(notification_settings__kind=kind, notification_settings__enabled=False)
    return users.filter(notification_settings__kind=kind, notification_settings__enabled=True)


@transaction.atomic
def preference_set(*, user: User, kind: str, enabled: bool) -> None:
    if kind not in KINDS or KINDS[kind].transactional:
        raise ValueError(f"Not a kind people switch: {kind!r}")
    NotificationSetting.objects.update_or_create(
        user=user, kind=kind, defaults={"enabled": enabled}
    )


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and kind a token stands for, or None if it is tampered with or expired."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("k") not in KINDS:
        return None
    return user, data["k"]


def unsubscribe_url(user: User, kind: str) -> str:
    path = reverse("unsubscribe", kwargs={"token": unsubscribe_token(user, kind)})
    return f"{settings.HUB_SITE_URL}{path}"


def hub_context() -> dict:
    """What every e-mail template may use besides its own context."""
    return {
        "hub_name": settings.HUB_NAME,
        "hub_postal_address": settings.HUB_POSTAL_ADDRESS,
        "site_url": settings.HUB_SITE_URL,
    }


def build_message(
    *, kind: str, user: User, template: str, context: dict, attachments: Iterable = ()
) -> EmailMultiAlternatives:
    """A plain-text and an HTML part from `<template>.txt/.html` and `_subject.txt`, the
    hub's name and address in the footer, and RFC 8058 one-click unsubscribe headers for
    mail people can switch off. Written in the recipient's language, links included,
    whatever language the job runs in."""
    with translation.override(user.preferred_language):
        return _message(
            kind=kind, user=user, template=template, context=context, attachments=attachments
        )


def _message(
    *, kind: str, user: User, template: str, context: dict, attachments: Iterable
) -> EmailMultiAlternatives:
    context = {"user": user, **hub_context(), "kind": KINDS[kind], **context}
    headers = {}
    if not KINDS[kind].transactional:
        link = unsubscribe_url(user, kind)
        context["unsubscribe_url"] = link
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    # One line; no-break spaces stay (French puts them before ':').
    subject = re.sub(r"[ \t\r\n]+", " ", render_to_string(f"{template}_subject.txt", context))
    subject = subject.strip()
    body = render_to_string(f"{template}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email], headers=headers)
    # Mail without its own HTML template gets its text, with links made clickable.
    html = select_template([f"{template}.html", "hub/email/from_text.html"])
    message.attach_alternative(html.render({**context, "text": body}), "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message


def claim(kind: str, user: User, key: str) -> SentNotification | None:
    """Reserve the right to send (kind, user, key); None if someone already did.

    The claim commits before the mail goes out: if the job dies after sending, its retry
    finds the claim and sends nothing (at most once, never twice).
    """
    try:
        with transaction.atomic():
            return SentNotification.objects.create(kind=kind, recipient=user, key=key)
    except IntegrityError:
        return None


def send_once(
    *,
    kind: str,
    user: User,
    key: str,
    build: Callable[[], EmailMultiAlternatives],
    connection=None,
) -> bool:
    """Send the message `build()` makes, unless this (kind, user, key) went out before or
    the person switched the kind off. True when it was sent."""
    if not KINDS[kind].transactional and not wants(user, kind):
        return False
    ledger = claim(kind, user, key)
    if ledger is None:
        return False
    message = build()
    try:
        (connection or mail.get_connection()).send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        # This address bounces: note it and move on, never retry it forever.
        logger.warning("Notification %s to %s refused: %s", kind, user.email, error)
        SentNotification.objects.filter(pk=ledger.pk).update(error=str(error)[:1000])
        return False
    except Exception:
        # Anything else (SMTP away): give the claim back so the retry can send it.
        SentNotification.objects.filter(pk=ledger.pk).delete()
        raise
    SentNotification.objects.filter(pk=ledger.pk).update(sent_at=timezone.now())
    return True
