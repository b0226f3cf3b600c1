"""The weekly digest leg of the benchmark: a local SMTP sink that counts what it receives,
and the digest run as its own process (`manage.py send_digest`), as a worker would."""

import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from bench import stack


class CountingSink:
    def __init__(self):
        self.messages = 0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages += 1
        await asyncio.sleep(0)
        return "250 OK"


def run_digest(*, env: dict, root: Path) -> dict:
    """Send the digest through a loopback SMTP sink; time, rate, connections, peak memory."""
    sink = CountingSink()
    port = stack.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603 - our own command, no shell
            [sys.executable, "manage.py", "send_digest"],
            cwd=root,
            env={**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"},
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.monotonic() - started
    finally:
        controller.stop()
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    peak = re.search(r"peak memory (\d+) MiB", summary)
    return {
        "seconds": seconds,
        "messages": sink.messages,
        "rate": sink.messages / seconds if seconds else 0.0,
        "connections": sink.connections,
        "peak_mib": float(peak.group(1)) if peak else float("nan"),
        "summary": summary,
    }
