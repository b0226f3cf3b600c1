"""The one way the hub enqueues background jobs."""

from celery import Task
from django.db import transaction


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """Send `task` to the workers once the current transaction commits.

    A job must never see data that was rolled back, nor run before its rows are
    visible. `robust` keeps a broker outage from turning a committed request into
    an error page: the failure is logged and the data stays saved.
    """
    transaction.on_commit(lambda: task.delay(*args, **kwargs), robust=True)
