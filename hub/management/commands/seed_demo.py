from django.core.management.base import BaseCommand
from django.db import transaction

from hub.demo import seed_people


class Command(BaseCommand):
    help = "Fill the database with a small, realistic region to try the hub with. Safe to re-run."

    @transaction.atomic
    def handle(self, *args, **options):
        people = seed_people()
        self.stdout.write(self.style.SUCCESS(f"People: {len(people)} demo accounts."))
        self.stdout.write(
            "Sign in as staff with admin@hub.example / demo-password, "
            "or as a member with any other demo address and the same password."
        )
