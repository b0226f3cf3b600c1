from django.core.management.base import BaseCommand

from portal import reminders

JOBS = {
    "events": ("Event reminders", reminders.send_event_reminders),
    "pledges": ("Pledge reminders", reminders.send_pledge_reminders),
    "pending": ("Hours waiting for review", reminders.send_pending_review_reminders),
}


class Command(BaseCommand):
    help = "Run the reminder jobs now (each message still goes out at most once)."

    def add_arguments(self, parser):
        parser.add_argument("jobs", nargs="*", choices=[*JOBS, []], help="Default: all of them.")

    def handle(self, *args, jobs=(), **options):
        for name in jobs or JOBS:
            label, job = JOBS[name]
            report = job()
            self.stdout.write(
                f"{label}: sent {report.sent} of {report.considered} "
                "(the others went out before or were switched off)."
            )
