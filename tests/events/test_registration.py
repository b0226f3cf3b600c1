from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def register(event, user=None):
    return services.registration_create(event=event, user=user or UserFactory())


def statuses(event):
    return list(event.registrations.order_by("pk").values_list("status", "waitlist_position"))


def test_seats_go_first_then_the_waitlist_in_order(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        results = [register(event) for _ in range(4)]
    assert [r.registration.status for r in results] == [
        "confirmed", "confirmed", "waitlisted", "waitlisted",
    ]  # fmt: skip
    assert [r.registration.waitlist_position for r in results] == [None, None, 1, 2]
    assert [m.subject for m in mail.outbox] == [
        f"Your ticket for {event.title}",
        f"Your ticket for {event.title}",
        f"You are on the waitlist for {event.title}",
        f"You are on the waitlist for {event.title}",
    ]
    assert results[0].registration.ticket_code in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == "ticket-qr.png"


def test_subjects_and_text_say_an_ampersand_as_it_is(django_capture_on_commit_callbacks):
    event = EventFactory(title="Code & Coffee <Baltimore>")
    with django_capture_on_commit_callbacks(execute=True):
        register(event)
    [message] = mail.outbox
    assert message.subject == "Your ticket for Code & Coffee <Baltimore>"
    assert "Code & Coffee <Baltimore>" in message.body
    html = message.alternatives[0].content
    assert "Code &amp; Coffee &lt;Baltimore&gt;" in html
    assert "<Baltimore>" not in html
    # Links in the text still become links.
    assert f'href="{settings.HUB_SITE_URL}/events/{event.slug}/' in html


def test_registering_twice_returns_the_same_registration():
    event = EventFactory()
    user = UserFactory()
    first = register(event, user)
    second = register(event, user)
    assert first.created and not second.created
    assert second.registration.pk == first.registration.pk
    assert event.registrations.count() == 1


def test_the_database_refuses_a_second_active_registration():
    event = EventFactory()
    user = UserFactory()
    register(event, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=event, user=user, status="confirmed")


def test_a_cancelled_person_may_register_again_at_the_end_of_the_queue():
    event = EventFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    mine = register(event, first).registration
    register(event, second)  # waitlisted 1
    services.registration_cancel(registration=mine, actor=first)
    again = register(event, first).registration
    assert again.pk != mine.pk
    assert again.status == "waitlisted" and again.waitlist_position == 1
    assert event.registrations.get(user=second).status == "confirmed"


def test_a_freed_seat_goes_to_the_first_waitlisted_person_who_is_told(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    holder = register(event).registration
    first_in_line = register(event).registration
    second_in_line = register(event).registration
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=holder, actor=holder.user)
    first_in_line.refresh_from_db()
    second_in_line.refresh_from_db()
    assert first_in_line.status == "confirmed" and first_in_line.waitlist_position is None
    assert second_in_line.waitlist_position == 1
    [message] = mail.outbox
    assert message.to == [first_in_line.user.email]
    assert message.subject.startswith("You are in")


def test_leaving_the_waitlist_moves_everyone_behind_up():
    event = EventFactory(capacity=1)
    register(event)
    waiting = [register(event).registration for _ in range(3)]
    services.registration_cancel(registration=waiting[0], actor=waiting[0].user)
    assert [
        r.waitlist_position
        for r in Registration.objects.filter(pk__in=[w.pk for w in waiting[1:]]).order_by("pk")
    ] == [1, 2]


def test_raising_the_capacity_confirms_the_waitlist_in_order(staff_user):
    event = EventFactory(capacity=1)
    register(event)
    waiting = [register(event).registration for _ in range(3)]
    services.event_change_capacity(event=event, actor=staff_user, capacity=3)
    assert statuses(event) == [
        ("confirmed", None), ("confirmed", None), ("confirmed", None), ("waitlisted", 1),
    ]  # fmt: skip
    assert Registration.objects.get(pk=waiting[2].pk).waitlist_position == 1


def test_capacity_below_the_seats_taken_is_refused(staff_user):
    event = EventFactory(capacity=3)
    register(event)
    register(event)
    with pytest.raises(ValidationError, match="2 people already hold a seat"):
        services.event_change_capacity(event=event, actor=staff_user, capacity=1)
    event.refresh_from_db()
    assert event.capacity == 3


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"status": Event.Status.DRAFT}, "not published"),
        ({"status": Event.Status.CANCELLED}, "cancelled"),
        ({"starts_at_delta": timedelta(hours=-1)}, "already started"),
        ({"opens_delta": timedelta(days=2)}, "Registration opens on"),
        ({"closes_delta": timedelta(hours=-1)}, "Registration is closed"),
    ],
)
def test_registration_is_refused_outside_its_window_with_the_reason(overrides, reason):
    now = timezone.now()
    fields = {}
    if "status" in overrides:
        fields["status"] = overrides["status"]
    if "starts_at_delta" in overrides:
        fields["starts_at"] = now + overrides["starts_at_delta"]
        fields["ends_at"] = now + timedelta(hours=2)
    if "opens_delta" in overrides:
        fields["registration_opens_at"] = now + overrides["opens_delta"]
    if "closes_delta" in overrides:
        fields["registration_closes_at"] = now + overrides["closes_delta"]
    event = EventFactory(**fields)
    with pytest.raises(ValidationError, match=reason):
        register(event)
    assert not event.registrations.exists()


def test_check_in_is_idempotent_and_says_when(staff_user):
    event = EventFactory()
    registration = register(event).registration
    first = services.registration_check_in(
        event=event, actor=staff_user, ticket_code=registration.ticket_code
    )
    again = services.registration_check_in(
        event=event, actor=staff_user, ticket_code=registration.ticket_code
    )
    assert not first.already and again.already
    assert again.registration.checked_in_at == first.registration.checked_in_at


def test_check_in_refuses_unknown_and_waitlisted_tickets(staff_user):
    event = EventFactory(capacity=1)
    register(event)
    waiting = register(event).registration
    with pytest.raises(ValidationError, match="No ticket"):
        services.registration_check_in(event=event, actor=staff_user, ticket_code="nope")
    with pytest.raises(ValidationError, match="not confirmed"):
        services.registration_check_in(
            event=event, actor=staff_user, ticket_code=waiting.ticket_code
        )


def test_cancelling_an_event_tells_everyone_registered(
    staff_user, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    register(event)
    register(event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, actor=staff_user, reason="The venue flooded.")
    assert len(mail.outbox) == 2
    assert all("The venue flooded." in m.body for m in mail.outbox)
    assert Event.objects.get(pk=event.pk).status == "cancelled"


def test_ticket_codes_are_easy_to_read_out_and_forgive_case_and_spaces(staff_user):
    event = EventFactory()
    registration = register(event).registration
    assert len(registration.ticket_code) == 14 and registration.ticket_code.count("-") == 2
    assert not set(registration.ticket_code) & set("01OIL")
    typed = " " + registration.ticket_code.lower().replace("-", " ") + " "
    result = services.registration_check_in(event=event, actor=staff_user, ticket_code=typed)
    assert result.registration.pk == registration.pk and not result.already
