import resource
from pathlib import Path

from django.core.management.base import BaseCommand

from portal.digest import send_digest


def peak_memory_mib() -> float:
    """This process's own peak resident memory.

    On Linux, ru_maxrss survives exec: a command started by a large process (a benchmark,
    a worker) would report that process's footprint at the start. VmHWM is our own alone.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Send this week's digest to everyone who opted in (each person once a week)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count who would get it; send nothing."
        )
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, dry_run=False, batch_size=None, **options):
        run = send_digest(dry_run=dry_run, batch_size=batch_size, progress=self.progress)
        self.stderr.write("")
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} the digest to {run.sent} of {run.recipients} subscribers "
                f"({run.skipped} already had it, {run.failed} failed) in {run.batches} batches; "
                f"peak memory {peak_memory_mib():.0f} MiB."
            )
        )
        for failure in run.failures:
            self.stdout.write(self.style.WARNING(f"  {failure}"))

    def progress(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
