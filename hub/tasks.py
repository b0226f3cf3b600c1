"""Thin Celery tasks: one call each into the module that does the work."""

import smtplib

from celery import shared_task

from hub import account_emails, jobs
from hub.emails import email_from_payload

SMTP_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**SMTP_RETRY)
def send_email_task(payload: dict) -> None:
    email_from_payload(payload).send()


@shared_task(**SMTP_RETRY)
def send_password_reset_task(user_id: int, email: str) -> None:
    account_emails.password_reset_send(user_id=user_id, email=email)


@shared_task
def outbox_flush_task() -> int:
    return jobs.outbox_flush()
