"""The one way the hub enqueues background jobs: a transactional outbox."""

import logging
from datetime import timedelta

from celery import Task
from django.db import transaction
from django.utils import timezone

from hub.models import OutboxJob

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args) -> None:
    """Run `task(*args)` on a worker once the current transaction commits.

    The job is saved in the same transaction, so it exists exactly when the change does:
    a rollback drops both. After commit it goes to the broker at once; if the broker is
    away the request still succeeds and `outbox_flush` sends the job later.
    """
    job = OutboxJob.objects.create(task_name=task.name, args=list(args))
    # The job was written by this very transaction: no need to read it back.
    transaction.on_commit(lambda: _hand_over(job))


def outbox_dispatch(job_id: int) -> bool:
    """Hand one job to the broker; True when it went. Errors are recorded, never raised."""
    job = OutboxJob.objects.filter(pk=job_id, dispatched_at__isnull=True).first()
    if job is None:
        return False
    return _hand_over(job)


def _hand_over(job: OutboxJob) -> bool:
    from hub.celery import app

    try:
        app.tasks[job.task_name].apply_async(args=job.args)
    except Exception as error:  # noqa: BLE001 - the broker is away: keep the job for later
        logger.warning("Job %s stays in the outbox: %s", job, error)
        OutboxJob.objects.filter(pk=job.pk).update(
            attempts=job.attempts + 1, last_error=str(error)[:1000]
        )
        return False
    OutboxJob.objects.filter(pk=job.pk).update(
        dispatched_at=timezone.now(), attempts=job.attempts + 1, last_error=""
    )
    return True


KEEP_DISPATCHED = timedelta(days=7)


def outbox_flush(*, older_than_seconds: int = 10, limit: int = 1000) -> int:
    """Hand over jobs that missed the broker, forget old dispatched ones; returns how
    many went."""
    now = timezone.now()
    OutboxJob.objects.filter(dispatched_at__lt=now - KEEP_DISPATCHED).delete()
    pending = OutboxJob.objects.filter(
        dispatched_at__isnull=True, created_at__lte=now - timedelta(seconds=older_than_seconds)
    )
    return sum(outbox_dispatch(pk) for pk in pending.values_list("pk", flat=True)[:limit])
