"""The benchmark of issue 9: `make bench` (or `.venv/bin/python bench/run.py --help`).

1. A fresh PostgreSQL database (hub_bench, dropped at the end unless --keep), migrated and
   seeded with `seed_demo --scale N`; the seeding is timed, table by table.
2. The portal under gunicorn with production settings (DEBUG off, a generated SECRET_KEY,
   plain HTTP on loopback, the Redis cache on an empty Redis database of its own).
3. A load generator in a process of its own (bench/loadgen.py, aiohttp), bounded in count
   and time, loopback only: each anonymous page cold (cache flushed before each request)
   and warm, /healthz as the floor; then the registration rush through the API.
4. SQL queries per page from Django's test client against the same database.
5. One table, the targets with PASS/FAIL, and bench/RESULTS.md. Exit status 1 when a target
   failed only with --strict.

Sections are independent steps in `main`, the last one the weekly digest through a local
SMTP sink.
"""

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import digest, stack  # noqa: E402
from bench.report import Report, Target, ms, rate, render  # noqa: E402

COMMON_WORD = "data"  # in organization names, descriptions and project summaries of the seed
RUSH_PEOPLE, RUSH_SEATS = 1000, 200
RUSH_CONCURRENCY = 50
WARM_RATIO_TARGET = 0.5
SEARCH_P95_TARGET_MS = 80.0
RUSH_RATE_TARGET = 150.0
DIGEST_RATE_TARGET = 200.0
DIGEST_SUBSCRIBERS = 10_000


def parse_args(argv=None):
    cores = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100, help="seed_demo --scale (default 100)")
    parser.add_argument("--seed", type=int, default=42, help="seed_demo --seed (default 42)")
    parser.add_argument(
        "--duration", type=float, default=5.0, help="seconds of warm load per page (default 5)"
    )
    parser.add_argument(
        "--cold", type=int, default=40, help="cold-cache requests per page (default 40)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=min(4, max(2, cores * 2)),
        help="gunicorn workers, 2 to 4 (default: twice the cores, at most 4)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    parser.add_argument("--keep", action="store_true", help="keep the hub_bench database")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/hub_bench",
        help="the benchmark's own database: created afresh, dropped at the end",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server")
    parser.add_argument(
        "--results",
        default=str(ROOT / "bench" / "RESULTS.md"),
        help="where the table lands (empty: nowhere)",
    )
    args = parser.parse_args(argv)
    if not 2 <= args.workers <= 4:
        parser.error("--workers must be 2 to 4")
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    return args


def say(text: str = "") -> None:
    print(text, flush=True)


def manage(env: dict, *arguments: str) -> float:
    """Run manage.py with the benchmark's environment; its output goes straight through."""
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - our own command, no shell
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True
    )
    return time.monotonic() - started


def loadgen(plan: dict, *, timeout: float) -> list[dict]:
    """Run the load generator in a process of its own; its progress goes to stderr."""
    completed = subprocess.run(  # noqa: S603 - our own command, no shell
        [sys.executable, "-m", "bench.loadgen"],
        cwd=ROOT,
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"load generator failed: {completed.stderr.strip()[-2000:]}")
    return json.loads(completed.stdout)


def pages(organization: str, event: str) -> list[str]:
    return [
        "/",
        "/directory/",
        f"/directory/?q={COMMON_WORD}",
        "/directory/?kind=company&tag=python",
        f"/directory/organizations/{organization}/",
        "/events/",
        f"/events/{event}/",
        "/pledges/",
        f"/api/v1/organizations/?q={COMMON_WORD}",
    ]


def page_phases(paths: list[str], args, concurrency: int) -> tuple[list[dict], list[dict]]:
    cold = [
        {"name": path, "mode": "cold", "path": path, "requests": args.cold, "seconds": 20}
        for path in ["/healthz", *paths]
    ]
    warm_one = {
        "mode": "warm",
        "concurrency": concurrency,
        "warmup": concurrency * 2,
        "requests": 50_000,
        "seconds": args.duration,
    }
    # /healthz before and after the pages: the floor is their mean, so drift shows.
    warm = [
        {**warm_one, "name": name, "path": path}
        for name, path in [
            ("/healthz", "/healthz"),
            *((path, path) for path in paths),
            ("/healthz (again)", "/healthz"),
        ]
    ]
    return cold, warm


def errors_note(result: dict | None) -> str:
    if not result or not result["errors"]:
        return ""
    codes = ", ".join(f"{n}×{code}" for code, n in result["statuses"].items() if code[0] != "2")
    return f"errors: {codes}"


def main(argv=None) -> int:  # noqa: C901 - one step after the other, on purpose
    args = parse_args(argv)
    started_at = datetime.datetime.now().astimezone()
    redis_db = stack.choose_redis_db(args.redis)
    redis_url = f"{args.redis.rstrip('/')}/{redis_db}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": args.database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "hub-bench",
        "EMAIL_URL": "dummymail://",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        # The load comes from one address: the anonymous API rate (per address) would answer
        # the warm API page with 429s. The rush's callers have tokens and are counted per
        # person (one registration each), well within the signed-in and registration rates.
        "HUB_API_RATE_ANON": "",
    }
    facts = stack.machine(args.database_url, args.redis)
    say(
        f"Machine: {facts['cores']} cores, {facts['memory']}, Python {facts['python']}, "
        f"PostgreSQL {facts['postgresql']}, Redis {facts['redis']}, {facts['os']}; "
        f"load average {stack.load_average()}"
    )
    say(f"Database {args.database_url} (fresh), cache {redis_url}, {args.workers} gunicorn workers")
    report = Report(title=f"Benchmark, scale {args.scale}, {started_at:%Y-%m-%d %H:%M %Z}")
    report.facts += [
        ("load average (1, 5, 15 min) at the start", stack.load_average()),
        ("machine", f"{facts['cores']} cores, {facts['memory']} memory, {facts['os']}"),
        (
            "software",
            f"Python {facts['python']}, PostgreSQL {facts['postgresql']}, Redis {facts['redis']}",
        ),
    ]
    stack.flush_redis_db(redis_url)
    stack.create_database(args.database_url)
    server = None
    workdir = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    try:
        say("\n== migrate")
        migrate_s = manage(env, "migrate", "--noinput", "-v", "0")
        say(f"migrate: {migrate_s:.1f} s")
        say(f"\n== seed_demo --scale {args.scale} --seed {args.seed}")
        seed_s = manage(env, "seed_demo", "--scale", str(args.scale), "--seed", str(args.seed))
        say(f"seed_demo --scale {args.scale}: {seed_s:.1f} s in all (target at scale 100: 120 s)")
        # A served database has statistics (autovacuum); a freshly bulk-loaded one has none.
        analyze_s = stack.analyze(args.database_url)
        say(f"VACUUM ANALYZE: {analyze_s:.1f} s")
        collect_s = manage(env, "collectstatic", "--noinput", "-v", "0")
        say(f"collectstatic: {collect_s:.1f} s")

        # The Django side runs in this process, with the same environment as gunicorn.
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connections

        from bench import portal

        counts = portal.row_counts()
        say("rows: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
        organization, event = portal.organization_slug(), portal.event_slug()
        paths = pages(organization, event)
        rush_slug, tokens = portal.prepare_rush(people=RUSH_PEOPLE, seats=RUSH_SEATS)
        say(f"rush: event {rush_slug} with {RUSH_SEATS} seats, {len(tokens):,} users with tokens")
        queries = portal.count_queries(["/healthz", *paths])
        connections.close_all()
        report.facts += [
            ("seed", f"scale {args.scale} (seed {args.seed}): seed_demo {seed_s:.1f} s"),
            ("rows", ", ".join(f"{n:,} {name}" for name, n in counts.items())),
            (
                "server",
                f"gunicorn, {args.workers} sync workers, production settings, Redis cache; "
                "load generator: bench/loadgen.py (aiohttp), its own process",
            ),
        ]

        say(f"\n== gunicorn ({args.workers} workers)")
        server = stack.Gunicorn(
            env=env, workers=args.workers, port=stack.free_port(), log_path=workdir / "gunicorn.log"
        )
        server.start()
        say(f"serving on {server.base}")
        concurrency = args.workers * 2
        cold_phases, warm_phases = page_phases(paths, args, concurrency)
        say(f"\n== pages: cold (cache flushed before each of {args.cold} requests, one at a time)")
        cold = {r["name"]: r for r in loadgen(
            {"base": server.base, "redis": redis_url, "phases": cold_phases},
            timeout=25 * len(cold_phases) + 60,
        )}  # fmt: skip
        stack.flush_redis_db(redis_url)
        say(f"== pages: warm ({concurrency} concurrent clients, {args.duration:.0f} s each)")
        warm = {r["name"]: r for r in loadgen(
            {"base": server.base, "phases": warm_phases},
            timeout=(args.duration + 30) * len(warm_phases) + 60,
        )}  # fmt: skip

        say(f"== registration rush ({len(tokens):,} users, {RUSH_CONCURRENCY} at a time)")
        rush = loadgen(
            {
                "base": server.base,
                "phases": [
                    {
                        "name": "rush",
                        "mode": "rush",
                        "path": f"/api/v1/events/{rush_slug}/registration/",
                        "tokens": tokens,
                        "concurrency": RUSH_CONCURRENCY,
                        "seconds": 120,
                    }
                ],
            },
            timeout=240,
        )[0]
        outcome = portal.rush_outcome(rush_slug)
        connections.close_all()
        server.stop()
        errors_in_log = server.log_tail()

        # --- The table ---------------------------------------------------------------------
        floor_runs = [warm["/healthz"]["rps"], warm["/healthz (again)"]["rps"]]
        floor = sum(floor_runs) / len(floor_runs)
        slow_pages = []
        for path in ["/healthz", *paths]:
            c, w, q = cold.get(path), warm.get(path), queries.get(path, {})
            ratio = w["rps"] / floor if w and floor else None
            sql = f"{q.get('cold', '?')}/{q.get('warm', '?')}"
            if q.get("status") not in (None, 200):
                sql += f" (HTTP {q['status']})"
            notes = "; ".join(n for n in (errors_note(c), errors_note(w)) if n)
            if path == "/healthz":
                notes = f"floor: mean of {floor_runs[0]:.0f} and {floor_runs[1]:.0f} req/s" + (
                    f"; {notes}" if notes else ""
                )
            elif ratio is not None and (ratio < WARM_RATIO_TARGET or (w and w["errors"])):
                slow_pages.append(f"{path} ({ratio:.2f}×{', errors' if w['errors'] else ''})")
            cl, wl = (c or {}).get("latency", {}), (w or {}).get("latency", {})
            report.rows.append([
                path, ms(cl.get("p50")), ms(cl.get("p95")), ms(cl.get("p99")),
                rate(w["rps"] if w else None), ms(wl.get("p50")), ms(wl.get("p95")),
                ms(wl.get("p99")), "-" if ratio is None else f"{ratio:.2f}", sql, notes,
            ])  # fmt: skip

        answers = rush["answers"]
        confirmed = sum(1 for a in answers if a[0] == 201 and a[1] == "confirmed")
        waitlisted = sorted(
            (a[2] for a in answers if a[0] == 201 and a[1] == "waitlisted"),
            key=lambda position: -1 if position is None else position,
        )
        expected_positions = list(range(1, RUSH_PEOPLE - RUSH_SEATS + 1))
        rush_ok = (
            confirmed == RUSH_SEATS
            and waitlisted == expected_positions
            and outcome["confirmed"] == RUSH_SEATS
            and outcome["positions"] == expected_positions
            and rush["server_errors"] == 0
            and rush["count"] == RUSH_PEOPLE
        )
        rl = rush["latency"]
        report.rows.append([
            f"registration rush (POST, {RUSH_PEOPLE:,} users, {RUSH_SEATS} seats)",
            "-", "-", "-", rate(rush["rps"]), ms(rl.get("p50")), ms(rl.get("p95")),
            ms(rl.get("p99")), "-", "-",
            f"{confirmed} confirmed, {len(waitlisted)} waitlisted "
            f"({_span(waitlisted)}), {rush['server_errors']} 5xx; database: "
            f"{outcome['confirmed']} confirmed, {outcome['waitlisted']} waitlisted "
            f"({_span(outcome['positions'])})"
            + (f"; {errors_note(rush)}" if rush["errors"] else ""),
        ])  # fmt: skip
        say(f"\n== weekly digest to {DIGEST_SUBSCRIBERS:,} subscribers")
        subscribers = portal.prepare_digest(subscribers=DIGEST_SUBSCRIBERS)
        digest_run = digest.run_digest(env=env, root=ROOT)
        say(digest_run["summary"])
        report.rows.append([
            f"weekly digest ({subscribers:,} subscribers, local SMTP sink)",
            "-", "-", "-", rate(digest_run["rate"]), "-", "-", "-", "-", "-",
            f"{digest_run['messages']:,} messages in {digest_run['seconds']:.1f} s, "
            f"{digest_run['connections']} SMTP connections, peak memory of the digest "
            f"process {digest_run['peak_mib']:.0f} MiB",
        ])  # fmt: skip

        # --- The targets ---------------------------------------------------------------------
        report.targets.append(Target(
            f"warm anonymous pages >= {WARM_RATIO_TARGET} × /healthz throughput",
            not slow_pages,
            ("every page" if not slow_pages else "below: " + ", ".join(slow_pages))
            + f" (floor {floor:.0f} req/s)",
        ))  # fmt: skip
        search = cold.get(f"/directory/?q={COMMON_WORD}", {}).get("latency", {}).get("p95")
        report.targets.append(Target(
            f"cold directory search p95 <= {SEARCH_P95_TARGET_MS:.0f} ms",
            None if search is None else search <= SEARCH_P95_TARGET_MS,
            f"/directory/?q={COMMON_WORD}: p95 {ms(search)} ms"
            + ("" if args.scale == 100 else f" (the target is for scale 100, not {args.scale})"),
        ))  # fmt: skip
        report.targets.append(Target(
            f"registration rush >= {RUSH_RATE_TARGET:.0f} registrations/s, no overbooking",
            rush_ok and rush["rps"] >= RUSH_RATE_TARGET,
            f"{rush['rps']:.0f}/s, p95 {ms(rl.get('p95'))} ms, {confirmed}/{RUSH_SEATS} "
            f"confirmed, waitlist {_span(waitlisted)}, {rush['server_errors']} 5xx"
            + ("" if rush_ok else " — outcome wrong"),
        ))  # fmt: skip
        report.targets.append(Target(
            f"weekly digest >= {DIGEST_RATE_TARGET:.0f} messages/s",
            digest_run["rate"] >= DIGEST_RATE_TARGET
            and digest_run["messages"] == subscribers,
            f"{digest_run['rate']:.0f} messages/s, {digest_run['messages']:,} of "
            f"{subscribers:,} delivered",
        ))  # fmt: skip
        report.notes += [
            "cold: the Redis cache database flushed before each request, one request at a "
            "time (its req/s column is left out: 1 / mean latency); warm: "
            f"{concurrency} concurrent keep-alive clients for {args.duration:.0f} s after "
            f"{concurrency * 2} warm-up requests.",
            "× /healthz: warm req/s of the page over the warm req/s of /healthz (one query, no "
            "template) in the same run: the figure that counts; absolute numbers vary by "
            "machine. The load generator shares the machine's cores with gunicorn and "
            "PostgreSQL.",
            "SQL cold/warm: queries of one anonymous request through Django's test client "
            "against the same database, cache empty / filled; they must not grow with --scale.",
            f"pages measured: organization {organization}, event {event}; search word "
            f"'{COMMON_WORD}'.",
            "digest: `manage.py send_digest` in its own process (as a worker runs it), "
            "batches of HUB_DIGEST_BATCH_SIZE with one SMTP connection each; peak memory is "
            "that process's maximum RSS.",
        ]
        if errors_in_log.strip():
            report.notes.append("gunicorn error log (tail): " + errors_in_log[-500:])
    finally:
        if server is not None:
            server.stop()
        stack.flush_redis_db(redis_url)
        if args.keep:
            say(f"kept database {args.database_url}")
        else:
            stack.drop_database(args.database_url)

    report.facts.append(("load average (1, 5, 15 min) at the end", stack.load_average()))
    text = render(report)
    say("\n" + text)
    if args.results:
        Path(args.results).write_text(
            "# Benchmark results\n\nThe table of the last `make bench` on this machine "
            "(bench/run.py writes this file).\n\n" + text
        )
        say(f"written to {os.path.relpath(args.results, ROOT)}")
    if report.failed:
        say(f"{len(report.failed)} target(s) failed" + ("" if args.strict else " (not --strict)"))
    return 1 if args.strict and report.failed else 0


def _span(numbers: list) -> str:
    """'1..800' for a run of whole numbers; otherwise say what is wrong with it."""
    if not numbers:
        return "none"
    if None in numbers:
        return "positions missing"
    ordered = sorted(numbers)
    if ordered == list(range(ordered[0], ordered[0] + len(ordered))):
        return f"{ordered[0]}..{ordered[-1]}"
    return f"{ordered[0]}..{ordered[-1]} with gaps or repeats"


if __name__ == "__main__":
    sys.exit(main())
