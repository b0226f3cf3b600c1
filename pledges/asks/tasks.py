"""Thin Celery tasks: primary keys in, one call to the asks' services or notifications."""

from celery import shared_task

from hub.tasks import SMTP_RETRY
from pledges.asks import notifications


@shared_task(**SMTP_RETRY)
def send_ask_closed_task(ask_id: int) -> int:
    return notifications.send_ask_closed(ask_id)


@shared_task
def asks_close_due_task() -> dict:
    from pledges.asks.services import asks_close_due  # the services enqueue the task above

    return asks_close_due()
