"""Profile pages with pyinstrument, in-process, against a seeded database.

    make bench BENCH_ARGS=--keep          # leaves the scale-100 database hub_bench behind
    .venv/bin/python bench/profile.py "/directory/?q=data" /pledges/
    .venv/bin/python bench/profile.py --post-token KEY /api/v1/events/SLUG/registration/

Each page is requested once to warm the process, then profiled over --repeat requests with
the cache cleared before each one (cold) or kept (warm); the call tree goes to stdout, with
the SQL statements of one request and their times.
"""

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="pages to profile, e.g. /directory/?q=data")
    parser.add_argument("--repeat", type=int, default=20, help="requests per profile")
    parser.add_argument("--warm", action="store_true", help="keep the cache between requests")
    parser.add_argument(
        "--post-token", help="POST an empty JSON body with this API token instead of GET"
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/hub_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "EMAIL_URL": "dummymail://",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    })  # fmt: skip
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    client = Client()

    def request(path):
        if args.post_token:
            return client.post(
                path, {}, content_type="application/json",
                headers={"authorization": f"Token {args.post_token}"},
            )  # fmt: skip
        return client.get(path)

    for path in args.paths:
        request(path)
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        for _ in range(args.repeat):
            if not args.warm:
                cache.clear()
            with profiler:
                response = request(path)
        mean_ms = (time.perf_counter() - started) / args.repeat * 1000
        print(f"\n== {path}: HTTP {response.status_code}, {mean_ms:.1f} ms per request "
              f"({'warm' if args.warm else 'cold'}, {args.repeat} requests)")  # fmt: skip
        print(profiler.output_text(color=False, unicode=True))
        if not args.warm:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            request(path)
        for query in captured.captured_queries:
            print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
