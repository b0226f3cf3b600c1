"""Thin Celery tasks of the jobs that combine apps: reminders and the weekly digest.

They lived in `hub.tasks` before the apps were layered; they keep the names they were
registered under there, which CELERY_BEAT_SCHEDULE and messages already in the broker use.
"""

from celery import shared_task

from hub.tasks import SMTP_RETRY
from portal import digest, reminders


@shared_task(name="hub.tasks.event_reminders_task", **SMTP_RETRY)
def event_reminders_task() -> int:
    return reminders.send_event_reminders().sent


@shared_task(name="hub.tasks.pledge_reminders_task", **SMTP_RETRY)
def pledge_reminders_task() -> int:
    return reminders.send_pledge_reminders().sent


@shared_task(name="hub.tasks.pending_review_reminders_task", **SMTP_RETRY)
def pending_review_reminders_task() -> int:
    return reminders.send_pending_review_reminders().sent


@shared_task(
    name="hub.tasks.weekly_digest_task", **SMTP_RETRY, time_limit=3600, soft_time_limit=3500
)
def weekly_digest_task() -> int:
    return digest.send_digest().sent
