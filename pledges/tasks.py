"""Thin Celery tasks: primary keys in, one call to pledges.evidence."""

from contextlib import suppress

from celery import shared_task

from hub.forge import ForgeRateLimited
from pledges import evidence


@shared_task
def evidence_check_task(evidence_id: int) -> None:
    # A rate limit is recorded on the link; the periodic retry checks it once the forge allows.
    with suppress(ForgeRateLimited):
        evidence.evidence_check(evidence_id=evidence_id)


@shared_task
def evidence_retry_task() -> None:
    evidence.evidence_retry_due()
