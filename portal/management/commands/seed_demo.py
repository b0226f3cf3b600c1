import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from directory.demo import seed_directory, seed_scale
from directory.models import Organization
from events.demo import seed_events, seed_events_scale
from events.program.demo import seed_program
from hub.demo import seed_people
from pledges.demo import seed_pledges, seed_pledges_scale


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
        people = seed_people()
        self.stdout.write(self.style.SUCCESS(f"People: {len(people)} demo accounts."))
        self.stdout.write(
            "Sign in as staff with admin@hub.example / demo-password, "
            "or as a member with any other demo address and the same password."
        )
        directory = seed_directory(people)
        self.stdout.write(
            self.style.SUCCESS(
                f"Directory: {directory.tags} tags, {directory.organizations} organizations, "
                f"{directory.projects} projects ({len(directory.created)} new), "
                f"{directory.memberships} memberships; some wait for review in the admin."
            )
        )
        events = seed_events(people, Organization.objects.only("pk", "slug"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Events: {events.events} events ({len(events.created)} new), "
                f"{events.registrations} new registrations; one is a draft, one is full with a "
                "waitlist."
            )
        )
        program = seed_program({person.email: person for person in people})
        if program["proposals"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Unconference: {program['proposals']} session proposals, "
                    f"{program['votes']} votes, {program['sessions']} sessions on a published "
                    "schedule."
                )
            )
        pledges = seed_pledges(people, Organization.objects.only("pk", "slug"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Pledges: {pledges.pledges} pledges ({len(pledges.created)} new), "
                f"{pledges.contributions} new logged hours; some wait for review."
            )
        )
        if scale is not None:
            self.stdout.write(f"Scale {scale} (seed {seed}): generating rows in bulk…")
            started = time.monotonic()
            counts = seed_scale(scale=scale, seed=seed, write=self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale: {counts['organizations']:,} organizations and "
                    f"{counts['projects']:,} projects added in "
                    f"{time.monotonic() - started:.1f} s."
                )
            )
            started = time.monotonic()
            counts = seed_events_scale(scale=scale, seed=seed, write=self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale: {counts['events']:,} events and {counts['registrations']:,} "
                    f"registrations added in {time.monotonic() - started:.1f} s."
                )
            )
            started = time.monotonic()
            counts = seed_pledges_scale(scale=scale, seed=seed, write=self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale: {counts['pledges']:,} pledges and {counts['contributions']:,} "
                    f"logged hours added in {time.monotonic() - started:.1f} s."
                )
            )
            if connection.vendor == "postgresql":
                # Bulk inserts leave the planner without statistics until autovacuum runs.
                started = time.monotonic()
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                self.stdout.write(f"ANALYZE: {time.monotonic() - started:.1f} s.")
