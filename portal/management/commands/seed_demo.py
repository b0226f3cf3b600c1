import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from portal.demo import scale as bulk
from portal.demo.base import DemoError, load_people, read
from portal.demo.chamber import load_chamber
from portal.demo.dates import NotationError
from portal.demo.directory import load_directory
from portal.demo.events import load_events
from portal.demo.health import load_health
from portal.demo.pledges import load_pledges


class Command(BaseCommand):
    help = "Fill the database with a small, realistic region to try the hub with. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=None,
            metavar="N",
            help=(
                "For benchmarks: also create about N x 100 organizations, N x 300 projects, "
                "N x 20 events and N x 1,000 registrations."
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=42,
            help="Random seed of the generated rows (--scale); the same seed gives the same rows.",
        )

    @transaction.atomic
    def handle(self, *args, scale=None, seed=42, **options):
        if scale is not None and scale < 1:
            raise CommandError("--scale must be a whole number of at least 1.")
        try:
            self.load_region()
        except (DemoError, NotationError) as error:
            raise CommandError(f"The demo data was refused: {error}") from error
        if scale is not None:
            self.add_scale(scale, seed)

    def load_region(self):
        now = timezone.now()
        people = load_people(read("hub", "people.yaml"))
        self.stdout.write(self.style.SUCCESS(f"People: {len(people)} demo accounts."))
        self.stdout.write(
            "Sign in as staff with admin@hub.example / demo-password, "
            "or as a member with any other demo address and the same password."
        )
        directory = load_directory(read("directory", "region.yaml"), people=people, now=now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Directory: {directory.tags} tags, {directory.organizations} organizations, "
                f"{directory.projects} projects ({len(directory.created)} new), "
                f"{directory.memberships} memberships; some wait for review in the admin."
            )
        )
        health = load_health(read("directory", "health.yaml"), now=now)
        self.stdout.write(
            self.style.SUCCESS(f"Project health: {health} projects, from recorded forge answers.")
        )
        events = load_events(read("events", "events.yaml"), people=people, now=now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Events: {events.events} events ({len(events.created)} new), "
                f"{events.registrations} new registrations; one is a draft, one waits for "
                "review, one is full with a waitlist."
            )
        )
        if events.programme:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Unconference: {events.programme['proposals']} session proposals, "
                    f"{events.programme['votes']} votes, {events.programme['sessions']} "
                    "sessions on a published schedule."
                )
            )
        pledges = load_pledges(read("pledges", "pledges.yaml"), people=people, now=now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Pledges: {pledges.pledges} pledges ({len(pledges.created)} new), "
                f"{pledges.contributions} new logged hours; some wait for review."
            )
        )
        chamber = load_chamber(read("chamber", "chamber.yaml"), people=people, now=now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Chamber: {chamber.practices} practice notes (one waits for review), "
                f"{chamber.positions} positions with {chamber.endorsements} endorsements."
            )
        )

    def add_scale(self, scale: int, seed: int):
        self.stdout.write(f"Scale {scale} (seed {seed}): generating rows in bulk…")
        steps = [
            (bulk.scale_directory, "{organizations:,} organizations and {projects:,} projects"),
            (bulk.scale_events, "{events:,} events and {registrations:,} registrations"),
            (bulk.scale_pledges, "{pledges:,} pledges and {contributions:,} logged hours"),
        ]
        for add, summary in steps:
            started = time.monotonic()
            counts = add(scale=scale, seed=seed, write=self.stdout.write)
            seconds = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Scale: {summary.format(**counts)} added in {seconds:.1f} s.")
            )
        if connection.vendor == "postgresql":
            # Bulk inserts leave the planner without statistics until autovacuum runs.
            started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"ANALYZE: {time.monotonic() - started:.1f} s.")
