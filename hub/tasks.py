import smtplib

from celery import shared_task

from hub.emails import email_from_payload


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_email_task(payload: dict) -> None:
    email_from_payload(payload).send()
