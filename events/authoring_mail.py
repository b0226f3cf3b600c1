"""The e-mail of staff's review decision on an event, to its organizers, each once
(hub.notifications keeps the ledger)."""

from django.core import mail

from events.models import Event
from hub.models import AuditEntry
from hub.notifications import build_message, send_once


def send_review_decision(event_id: int, decision_id: int) -> int:
    """Staff's decision on an event submitted for review, to each of its organizers once.
    `decision_id` is the decision's audit row: it says which decision and why, and tells this
    decision from a later one on the same event. Returns how many were sent."""
    event = Event.objects.get(pk=event_id)
    decision = AuditEntry.objects.get(pk=decision_id)
    template = (
        "events/email/review_approved"
        if decision.action == "event.review_approve"
        else "events/email/review_sent_back"
    )
    sent = 0
    with mail.get_connection() as connection:
        for organizer in event.organizers.filter(is_active=True):
            sent += send_once(
                kind="event_update",
                user=organizer,
                key=f"event-{event.pk}-review-{decision.pk}",
                build=lambda person=organizer: build_message(
                    kind="event_update",
                    user=person,
                    template=template,
                    context={"event": event, "reason": decision.detail.get("reason", "")},
                ),
                connection=connection,
            )
    return sent
