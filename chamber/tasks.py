"""Thin Celery tasks: primary keys in, one call to chamber.notifications."""

from celery import shared_task

from chamber import notifications
from hub.tasks import SMTP_RETRY


@shared_task(**SMTP_RETRY)
def send_practice_decision_task(note_id: int, decision_id: int) -> None:
    notifications.send_practice_decision(note_id, decision_id)
