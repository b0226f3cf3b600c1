"""Thin Celery tasks: primary keys in, one call to events.notifications."""

from celery import shared_task

from events import authoring_mail, notifications
from hub.tasks import SMTP_RETRY


@shared_task(**SMTP_RETRY)
def send_ticket_task(registration_id: int) -> None:
    notifications.send_ticket(registration_id)


@shared_task(**SMTP_RETRY)
def send_promotion_task(registration_id: int) -> None:
    notifications.send_promotion(registration_id)


@shared_task(**SMTP_RETRY)
def send_event_cancelled_task(event_id: int, reason: str) -> None:
    notifications.send_event_cancelled(event_id, reason)


@shared_task(**SMTP_RETRY)
def send_event_message_task(event_id: int, message_key: str, subject: str, body: str) -> None:
    notifications.send_event_message(event_id, message_key, subject, body)


@shared_task(**SMTP_RETRY)
def send_seat_offer_task(registration_id: int) -> None:
    notifications.send_seat_offer(registration_id)


@shared_task(**SMTP_RETRY)
def send_offer_expired_task(registration_id: int) -> None:
    notifications.send_offer_expired(registration_id)


@shared_task
def expire_seat_offers_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): offers that ran out go to the next person."""
    from events import waitlist  # waitlist enqueues the tasks of this module

    return waitlist.offers_expire()


@shared_task(**SMTP_RETRY)
def announce_schedule_changes_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): tell people who starred sessions what changed, once
    the organizers have stopped editing the grid for a while."""
    return notifications.announce_schedule_changes()


@shared_task(**SMTP_RETRY)
def send_review_decision_task(event_id: int, decision_id: int) -> None:
    authoring_mail.send_review_decision(event_id, decision_id)
