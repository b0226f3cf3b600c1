"""Thin Celery tasks: primary keys in, one call to chamber.notifications."""

import smtplib

from celery import shared_task

from chamber import notifications

RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY)
def send_practice_decision_task(note_id: int, decision_id: int) -> None:
    notifications.send_practice_decision(note_id, decision_id)
