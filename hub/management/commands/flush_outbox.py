from django.core.management.base import BaseCommand

from hub.jobs import outbox_flush


class Command(BaseCommand):
    help = "Hand background jobs that missed the broker over to it now."

    def handle(self, *args, **options):
        sent = outbox_flush(older_than_seconds=0)
        self.stdout.write(f"Handed {sent} waiting job(s) to the broker.")
