"""Refresh project health from the forges by hand: a batch of due projects, or one project."""

import sys

from django.core.management.base import BaseCommand, CommandError

from directory import health
from directory.models import Project

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Read due projects' repositories from their forges (the forge-sync job), "
        "or one project's with --project."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", metavar="SLUG", help="refresh this project now")
        parser.add_argument(
            "--limit", type=int, default=None, help="at most this many projects (default: all due)"
        )

    def handle(self, *args, project=None, limit=None, **options):
        slugs = None
        if project:
            if not Project.objects.filter(slug=project).exclude(repository_url="").exists():
                raise CommandError(f"No project {project!r} with a repository address.")
            slugs = [project]
        report = health.sync_projects(
            limit=limit if limit is not None else 1_000_000, slugs=slugs, progress=self._progress
        )
        if report.attempted or report.paused_until:
            sys.stderr.write("\n")
        results = ", ".join(f"{name} {n}" for name, n in sorted(report.results.items()))
        self.stdout.write(
            f"{report.attempted} project(s) read ({results or 'none due'}); "
            f"{report.requests} request(s), {report.not_modified_answers} answered 304."
        )
        if report.paused_until:
            self.stdout.write(
                f"Paused by a rate limit until {report.paused_until:%Y-%m-%d %H:%M} UTC; "
                "the rest waits until then."
            )

    def _progress(self, done: int, total: int, label: str) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        sys.stderr.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}")
        sys.stderr.flush()
