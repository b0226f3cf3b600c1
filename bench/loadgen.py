"""The load generator: a small asyncio HTTP client (aiohttp), run as a process of its own.

    python -m bench.loadgen < plan.json > results.json

The plan names a base URL and a list of phases; each phase is bounded by a number of
requests and by a time limit, and every address must be on the loopback interface.

Phases (`mode`):
- `cold`: one request at a time to `path`, the cache database flushed (FLUSHDB on `redis`)
  before each one; the flush is not timed. Throughput is 1 / mean latency.
- `warm`: `warmup` requests first (not measured), then `concurrency` clients request `path`
  in a loop until `requests` are done or `seconds` are up.
- `rush`: each token of `tokens` POSTs once to `path` (`Authorization: Token …`),
  `concurrency` at a time; the answer's `status` and `waitlist_position` are kept.

Results: one JSON object per phase with counts by HTTP status, elapsed time, requests per
second and the latency summary in milliseconds (bench.stats.summarize).
"""

import asyncio
import ipaddress
import json
import socket
import sys
import time
from urllib.parse import urlsplit

import aiohttp

from bench.stats import summarize

TIMEOUT_SECONDS = 30


def ensure_loopback(url: str) -> None:
    """Exit unless `url` points at this machine's loopback interface."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise SystemExit(f"loadgen: cannot resolve {host!r}: {error}") from error
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise SystemExit(f"loadgen: refusing {url}: only loopback addresses are load-tested")


def _result(name: str, statuses: dict, latencies: list[float], elapsed: float, **extra) -> dict:
    count = sum(statuses.values())
    return {
        "name": name,
        "count": count,
        "statuses": {str(code): n for code, n in sorted(statuses.items(), key=str)},
        "errors": sum(n for code, n in statuses.items() if not 200 <= int(code) < 300),
        "server_errors": sum(n for code, n in statuses.items() if int(code) >= 500),
        "elapsed": elapsed,
        "rps": count / elapsed if elapsed > 0 else 0.0,
        "latency": summarize(latencies),
        **extra,
    }


async def _get(session, url: str, statuses: dict, latencies: list[float]) -> None:
    started = time.perf_counter()
    try:
        async with session.get(url, allow_redirects=False) as response:
            await response.read()
            code = response.status
    except (TimeoutError, aiohttp.ClientError):
        code = 599  # no answer: counted as a server error
    latencies.append(time.perf_counter() - started)
    statuses[code] = statuses.get(code, 0) + 1


async def cold(session, base: str, phase: dict, flush) -> dict:
    statuses, latencies = {}, []
    deadline = time.monotonic() + phase["seconds"]
    while len(latencies) < phase["requests"] and time.monotonic() < deadline:
        flush()
        await _get(session, base + phase["path"], statuses, latencies)
    busy = sum(latencies)
    return _result(phase["name"], statuses, latencies, busy, concurrency=1)


async def warm(session, base: str, phase: dict) -> dict:
    url = base + phase["path"]
    for _ in range(phase.get("warmup", 0)):
        await _get(session, url, {}, [])
    statuses, latencies = {}, []
    budget = {"left": phase["requests"]}
    started = time.perf_counter()
    deadline = time.monotonic() + phase["seconds"]

    async def client():
        while budget["left"] > 0 and time.monotonic() < deadline:
            budget["left"] -= 1
            await _get(session, url, statuses, latencies)

    await asyncio.gather(*(client() for _ in range(phase["concurrency"])))
    elapsed = time.perf_counter() - started
    return _result(phase["name"], statuses, latencies, elapsed, concurrency=phase["concurrency"])


async def rush(session, base: str, phase: dict) -> dict:
    url = base + phase["path"]
    tokens = list(phase["tokens"])
    statuses, latencies, answers = {}, [], []
    deadline = time.monotonic() + phase["seconds"]
    started = time.perf_counter()

    async def client():
        while tokens and time.monotonic() < deadline:
            token = tokens.pop()
            began = time.perf_counter()
            body = None
            try:
                async with session.post(
                    url, json={}, headers={"Authorization": f"Token {token}"}
                ) as response:
                    code = response.status
                    text = await response.text()
                try:
                    body = json.loads(text)
                except ValueError:
                    body = None
            except (TimeoutError, aiohttp.ClientError):
                code = 599
            latencies.append(time.perf_counter() - began)
            statuses[code] = statuses.get(code, 0) + 1
            if isinstance(body, dict):
                answers.append([code, body.get("status"), body.get("waitlist_position")])
            else:
                answers.append([code, None, None])

    await asyncio.gather(*(client() for _ in range(phase["concurrency"])))
    elapsed = time.perf_counter() - started
    return _result(
        phase["name"],
        statuses,
        latencies,
        elapsed,
        concurrency=phase["concurrency"],
        answers=answers,
        not_sent=len(tokens),
    )


def _flusher(redis_url: str | None):
    if not redis_url:
        return lambda: None
    import redis

    ensure_loopback(redis_url)
    client = redis.Redis.from_url(redis_url)
    return client.flushdb


async def main(plan: dict) -> list[dict]:
    base = plan["base"].rstrip("/")
    ensure_loopback(base)
    flush = _flusher(plan.get("redis"))
    results = []
    limit = max([phase.get("concurrency", 1) for phase in plan["phases"]] + [1])
    connector = aiohttp.TCPConnector(limit=limit, force_close=False)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        for phase in plan["phases"]:
            if phase["mode"] == "cold":
                results.append(await cold(session, base, phase, flush))
            elif phase["mode"] == "warm":
                results.append(await warm(session, base, phase))
            elif phase["mode"] == "rush":
                results.append(await rush(session, base, phase))
            else:
                raise SystemExit(f"loadgen: unknown mode {phase['mode']!r}")
    return results


if __name__ == "__main__":
    json.dump(asyncio.run(main(json.load(sys.stdin))), sys.stdout)
