"""Checks behind /healthz: each answers "ok", "error" or, for the broker, "eager"."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from hub.celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database unreachable")
        return "error"
    return "ok"


def check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:
        logger.exception("Health check: cache unreachable")
        return "error"
    return "ok" if ok else "error"


def check_broker() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            # One try, bounded by the socket timeouts: /healthz answers fast on a frozen Redis.
            conn.ensure_connection(max_retries=0, timeout=settings.HUB_REDIS_TIMEOUT)
    except Exception:
        logger.exception("Health check: broker unreachable")
        return "error"
    return "ok"


def health_report() -> dict:
    report = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
    }
    report["status"] = "ok" if report["database"] == "ok" else "error"
    return report
