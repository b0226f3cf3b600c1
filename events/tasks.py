"""Thin Celery tasks: primary keys in, one call to events.notifications."""

import smtplib

from celery import shared_task

from events import authoring_mail, notifications

RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY)
def send_ticket_task(registration_id: int) -> None:
    notifications.send_ticket(registration_id)


@shared_task(**RETRY)
def send_promotion_task(registration_id: int) -> None:
    notifications.send_promotion(registration_id)


@shared_task(**RETRY)
def send_event_cancelled_task(event_id: int, reason: str) -> None:
    notifications.send_event_cancelled(event_id, reason)


@shared_task(**RETRY)
def send_event_message_task(event_id: int, message_key: str, subject: str, body: str) -> None:
    notifications.send_event_message(event_id, message_key, subject, body)


@shared_task(**RETRY)
def send_schedule_changes_task(event_id: int) -> None:
    notifications.send_schedule_changes(event_id)


@shared_task(**RETRY)
def send_review_decision_task(event_id: int, decision_id: int) -> None:
    authoring_mail.send_review_decision(event_id, decision_id)
