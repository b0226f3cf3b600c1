"""E-mail messages as JSON task arguments, and back."""

from django.core.mail import EmailMessage, EmailMultiAlternatives


def email_to_payload(message: EmailMessage) -> dict:
    """A JSON-safe description of `message`, fit to travel as a task argument."""
    alternatives = getattr(message, "alternatives", [])
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "html": next(
            (content for content, mimetype in alternatives if mimetype == "text/html"), None
        ),
    }


def email_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or None,
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    return message
