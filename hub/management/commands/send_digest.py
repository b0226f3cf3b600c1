import resource

from django.core.management.base import BaseCommand

from hub.digest import send_digest


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
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} the digest to {run.sent} of {run.recipients} subscribers "
                f"({run.skipped} already had it, {run.failed} failed) in {run.batches} batches; "
                f"peak memory {peak_mib:.0f} MiB."
            )
        )
        for failure in run.failures:
            self.stdout.write(self.style.WARNING(f"  {failure}"))

    def progress(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
