"""The e-mail of staff's decision on a practice note, to its author once (hub.notifications
keeps the ledger)."""

from chamber.models import PracticeNote
from hub.models import AuditEntry
from hub.notifications import build_message, send_once

KIND = "review_decision"


def send_practice_decision(note_id: int, decision_id: int) -> bool:
    """Published or turned down, with the reason. `decision_id` is the decision's audit row:
    it tells this decision from a later one on the same note. True when it was sent."""
    note = PracticeNote.objects.select_related("author", "organization").get(pk=note_id)
    decision = AuditEntry.objects.get(pk=decision_id)
    author = note.author
    if author is None or not author.is_active:
        return False
    published = decision.action == "practice.publish"
    template = (
        "chamber/email/practice_published" if published else "chamber/email/practice_rejected"
    )
    return send_once(
        kind=KIND,
        user=author,
        key=f"practice-{note.pk}-decision-{decision.pk}",
        build=lambda: build_message(
            kind=KIND,
            user=author,
            template=template,
            # Links are made in the template, inside the author's language.
            context={"note": note, "reason": decision.detail.get("reason", "")},
        ),
    )
