"""Row locks that give up: a change that cannot take its row lock within
`HUB_LOCK_TIMEOUT_MS` (5 seconds unless set) answers "busy, try again" instead of holding a
worker for as long as another transaction sits on the row.

    with row_lock():
        event = Event.objects.select_for_update().get(pk=event_id)

On PostgreSQL `row_lock()` sets `lock_timeout` for the rest of the transaction (SET LOCAL:
it ends with the transaction, so a pooled connection never keeps it) and turns the
database's "lock not available" into `LockBusy`; hub.middleware answers that, wherever it
comes from, with 503 and Retry-After: a page with the message, or JSON under /api/. SQLite
locks the whole database and waits for its own `timeout` instead.
"""

import math
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils.translation import gettext_lazy as _

DEFAULT_LOCK_TIMEOUT_MS = 5000
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout that expired


class LockBusy(Exception):
    """Someone else is changing the same thing right now; the request may simply be retried."""

    message = _("Someone else is changing this right now. Please try again in a moment.")

    def __init__(self, message: str | None = None, *, retry_after: int = 1):
        super().__init__(message or str(self.message))
        self.retry_after = retry_after


def lock_timeout_ms() -> int:
    return int(getattr(settings, "HUB_LOCK_TIMEOUT_MS", DEFAULT_LOCK_TIMEOUT_MS))


def retry_after_seconds() -> int:
    return max(1, math.ceil(lock_timeout_ms() / 1000))


def is_lock_timeout(error: BaseException) -> bool:
    cause = getattr(error, "__cause__", None)
    return (
        getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    ) == LOCK_NOT_AVAILABLE


@contextmanager
def row_lock(using: str = DEFAULT_DB_ALIAS):
    """Wait at most HUB_LOCK_TIMEOUT_MS for the row locks taken inside; LockBusy if not."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            # set_config(..., true) is SET LOCAL, with the value as a parameter.
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)", [f"{lock_timeout_ms()}ms"]
            )
    try:
        yield
    except OperationalError as error:
        if is_lock_timeout(error):
            raise LockBusy(retry_after=retry_after_seconds()) from error
        raise
