"""gunicorn in production: `gunicorn -c gunicorn.conf.py hub.wsgi:application`.

Used by the Dockerfile and docker-compose.yml. Every value can be set from the environment;
a flag on the command line still wins over this file (bench/run.py sets its own workers).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _default_workers() -> int:
    # Sync workers are processes: about two per core, bounded so a large host does not
    # open more database connections than PostgreSQL allows.
    return min(2 * (os.cpu_count() or 1) + 1, 8)


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
# WEB_CONCURRENCY is what platforms (Heroku, Render, ...) set; GUNICORN_WORKERS wins over it.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", _default_workers()))
# More than one thread switches to the threaded worker: requests waiting on the database or
# on Redis then share a process instead of each holding one.
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer is killed (the worker restarts); a restart or deploy lets
# requests in flight finish for graceful_timeout seconds first.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a load balancer that keeps connections open, a little longer than a request.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Each worker is replaced after about this many requests, so a slow leak cannot grow
# without bound; the jitter keeps the workers from restarting all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

# Logs go to stdout/stderr, where the container runtime collects them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The heartbeat file on a RAM disk: on a container's overlay file system a slow write would
# make gunicorn think a busy worker hung.
# Only the heartbeat lives there (gunicorn's own unlinked file), no data: S108 does not apply.
if os.path.isdir("/dev/shm"):  # noqa: S108 - heartbeat only, no data
    worker_tmp_dir = "/dev/shm"  # noqa: S108 - heartbeat only, no data
