"""What organizers read about an event's attendees: counts, the list, the CSV export.

Every function here builds its rows in a fixed number of queries, whatever the number of
registrations, so the manage page and the export stay fast for a summit of thousands.
"""

import csv
import io
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from directory.exports import spreadsheet_safe
from events.models import Event, Registration

Status = Registration.Status

CSV_COLUMNS = [
    "name", "e-mail", "status", "waitlist position", "ticket code", "registered at",
    "checked in at", "accessibility needs", "dietary requirements",
]  # fmt: skip


@dataclass(frozen=True)
class AttendeeCounts:
    confirmed: int
    waitlisted: int
    offered: int
    cancelled: int
    checked_in: int
    capacity: int | None

    @property
    def seats_taken(self) -> int:
        return self.confirmed + self.checked_in + self.offered

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)


def attendee_counts(event: Event) -> AttendeeCounts:
    """How many registrations are in each status, in one query."""
    totals = event.registrations.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
    )
    return AttendeeCounts(capacity=event.capacity, **totals)


def attendee_list(event: Event, *, q: str = "", status: str = "") -> QuerySet[Registration]:
    """The event's registrations for the organizers' list and export.

    People holding a seat come first (by name, as at the door), then the waitlist in queue
    order, then cancellations. `q` matches the name, the e-mail address or the ticket code.
    """
    registrations = event.registrations.select_related("user", "checked_in_by")
    if status:
        registrations = registrations.filter(status=status)
    q = q.strip()
    if q:
        registrations = registrations.filter(
            Q(user__display_name__icontains=q)
            | Q(user__email__icontains=q)
            | Q(ticket_code__icontains=q)
        )
    return registrations.annotate(
        status_rank=Case(
            When(status__in=Registration.SEAT_HOLDING, then=Value(0)),
            When(status=Status.WAITLISTED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        sort_name=Lower(
            Coalesce(
                NullIf("user__display_name", Value("")), "user__email", output_field=CharField()
            )
        ),
    ).order_by("status_rank", "waitlist_position", "sort_name", "pk")


def custom_answers(registration: Registration, questions: list[str]) -> list[tuple[str, str]]:
    """(question, answer) for each of the event's own questions, in the event's order.

    Answers are stored under the question's text; an answer stored under the question's
    position ("0", "1", ...) is found too.
    """
    answers = registration.answers if isinstance(registration.answers, dict) else {}
    pairs = []
    for index, question in enumerate(questions):
        answer = answers.get(question, answers.get(str(index), ""))
        pairs.append((question, str(answer or "")))
    return pairs


def event_questions(event: Event) -> list[str]:
    """The organizer's questions, as the registration form asks them (answers are keyed so)."""
    questions = event.questions if isinstance(event.questions, list) else []
    return [q.strip() for q in questions if isinstance(q, str) and q.strip()]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def attendees_csv(event: Event, registrations) -> tuple[str, int]:
    """(CSV text, number of rows). Every cell a spreadsheet could run as a formula gets a
    leading quote; times are in the hub's time zone."""
    questions = event_questions(event)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(column) for column in [*CSV_COLUMNS, *questions]])
    count = 0
    for registration in registrations:
        row = [
            registration.user.get_full_name(),
            registration.user.email,
            registration.get_status_display(),
            registration.waitlist_position or "",
            registration.ticket_code,
            _local(registration.created_at),
            _local(registration.checked_in_at),
            registration.accessibility_needs,
            registration.dietary_requirements,
            *(answer for _question, answer in custom_answers(registration, questions)),
        ]
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
        count += 1
    return buffer.getvalue(), count
