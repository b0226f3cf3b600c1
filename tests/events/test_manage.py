"""The organizer pages under /events/<slug>/manage/: who may use them and what they do."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from events.services import event_update
from hub.models import AuditEntry
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.events.factories import EventFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def url(name: str, event: Event) -> str:
    return reverse(f"events:{name}", kwargs={"slug": event.slug})


def register(event, user=None, **answers):
    return services.registration_create(event=event, user=user or UserFactory(), **answers)


def edit_data(event: Event, **changes) -> dict:
    """The edit form as the page fills it in, with `changes` applied."""
    data = {
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "kind": event.kind,
        "starts_at": timezone.localtime(event.starts_at).strftime(LOCAL),
        "ends_at": timezone.localtime(event.ends_at).strftime(LOCAL),
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "online_url": event.online_url,
        "capacity": "" if event.capacity is None else event.capacity,
        "registration_opens_at": "",
        "registration_closes_at": "",
        "ask_accessibility": "on" if event.ask_accessibility else "",
        "ask_dietary": "on" if event.ask_dietary else "",
        "questions": "\n".join(event.questions),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != "" or key in changes}


@pytest.fixture
def organizer():
    return UserFactory(display_name="Olu Organizer")


@pytest.fixture
def event(organizer):
    return EventFactory(
        organizers=[organizer],
        organization=OrganizationFactory(),
        capacity=3,
        ask_dietary=True,
        questions=["Which talk are you most looking forward to?"],
    )


def organizer_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Who may do what ----------------------------------------------------------------------

ROLES = ["anonymous", "other user", "attendee", "event organizer", "organization admin", "staff"]
ALLOWED = {"event organizer", "organization admin", "staff"}


def client_for(role: str, event: Event) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    if role == "other user":
        user = UserFactory()
    elif role == "attendee":
        user = register(event).registration.user
    elif role == "event organizer":
        user = event.organizers.get()
    elif role == "organization admin":
        user = MembershipFactory(organization=event.organization, admin=True).user
    else:
        user = StaffFactory()
    client.force_login(user)
    return client


def ticket_of(event: Event) -> str:
    return register(event).registration.ticket_code


REQUESTS = {
    "attendee list": ("get", "manage", lambda event: {}),
    "search": ("get", "manage", lambda event: {"q": "person", "status": "confirmed"}),
    "check in by code": ("post", "manage-check-in", lambda e: {"ticket_code": ticket_of(e)}),
    "check in by row": (
        "post",
        "manage-check-in",
        lambda event: {"registration": register(event).registration.pk},
    ),
    "export": ("get", "manage-export", lambda event: {}),
    "message form": ("get", "manage-message", lambda event: {}),
    "send message": (
        "post",
        "manage-message",
        lambda event: {"subject": "Hi", "text": "Hello", "_": ticket_of(event)},
    ),
    "edit form": ("get", "manage-edit", lambda event: {}),
    "save edit": ("post", "manage-edit", lambda event: edit_data(event, title="New title")),
    "cancel form": ("get", "manage-cancel", lambda event: {}),
    "cancel": ("post", "manage-cancel", lambda event: {"reason": "Snow"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("request_name", list(REQUESTS))
def test_only_organizers_reach_the_manage_pages(event, role, request_name):
    """Anonymous people are sent to sign in, other people get 403, organizers get the page."""
    method, name, make_data = REQUESTS[request_name]
    data = make_data(event)
    client = client_for(role, event)
    before = Event.objects.values().get(pk=event.pk)
    response = getattr(client, method)(url(name, event), data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ALLOWED:
        assert response.status_code == (302 if method == "post" else 200)
    else:
        assert response.status_code == 403
    if role not in ALLOWED:
        assert Event.objects.values().get(pk=event.pk) == before
        assert not event.registrations.filter(status=Registration.Status.CHECKED_IN).exists()
        assert not AuditEntry.objects.filter(action__startswith="event.").exists()


@pytest.mark.parametrize(
    "method, name",
    [
        ("get", "manage-check-in"),
        ("post", "manage"),
        ("post", "manage-export"),
        ("put", "manage-edit"),
        ("delete", "manage-cancel"),
    ],
)
def test_wrong_methods_are_refused_with_405(event, organizer, method, name):
    response = getattr(organizer_client(organizer), method)(url(name, event))
    assert response.status_code == 405


def test_an_unknown_event_is_404(organizer):
    response = organizer_client(organizer).get("/events/no-such-event/manage/")
    assert response.status_code == 404


def test_a_post_without_csrf_token_is_refused(event, organizer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)
    code = ticket_of(event)
    response = client.post(url("manage-check-in", event), {"ticket_code": code})
    assert response.status_code == 403
    assert not event.registrations.filter(status=Registration.Status.CHECKED_IN).exists()


def test_organizers_of_a_draft_event_manage_it(organizer):
    event = EventFactory(draft=True, organizers=[organizer])
    assert organizer_client(organizer).get(url("manage", event)).status_code == 200


# --- The attendee list --------------------------------------------------------------------


def test_the_list_shows_counts_answers_and_waitlist_positions(event, organizer):
    """Counts per status, each person's answers, and the place in the queue."""
    first = register(
        event,
        UserFactory(display_name="Ada Lovelace"),
        accessibility_needs="Step-free access",
        dietary_requirements="Vegan",
        answers={"Which talk are you most looking forward to?": "The keynote"},
    ).registration
    register(event)
    third = register(event).registration
    waiting = register(event, UserFactory(display_name="Wendy Waiting")).registration
    services.registration_check_in(event=event, actor=organizer, ticket_code=first.ticket_code)
    services.registration_cancel(registration=third, actor=third.user)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"  # promoted into the freed seat
    late = register(event, UserFactory(display_name="Larry Late")).registration

    page = organizer_client(organizer).get(url("manage", event))

    counts = page.context["counts"]
    assert (counts.confirmed, counts.checked_in, counts.waitlisted, counts.cancelled) == (
        2,
        1,
        1,
        1,
    )
    assert counts.seats_left == 0
    html = page.content.decode()
    for text in ("Step-free access", "Vegan", "The keynote", "Ada Lovelace", "Larry Late"):
        assert text in html
    assert "On the waitlist: #1" in html
    assert late.ticket_code in html
    assert "autofocus" in html


def test_search_finds_people_by_name_email_and_ticket_code(event, organizer):
    ada = register(event, UserFactory(display_name="Ada Lovelace", email="ada@example.net"))
    grace = register(event, UserFactory(display_name="Grace Hopper", email="gh@navy.example"))
    client = organizer_client(organizer)

    def found(**params):
        page = client.get(url("manage", event), params)
        return [registration.pk for registration, _answers in page.context["rows"]]

    assert found(q="lovelace") == [ada.registration.pk]
    assert found(q="navy.example") == [grace.registration.pk]
    assert found(q=grace.registration.ticket_code) == [grace.registration.pk]
    assert found(q="nobody") == []
    assert sorted(found(status="confirmed")) == sorted([ada.registration.pk, grace.registration.pk])
    assert found(status="waitlisted") == []
    assert found(status="not-a-status") != []  # an unknown filter shows everyone, not an error


def test_the_list_is_paginated(event, organizer, settings):
    event.capacity = None
    event.save()
    for _ in range(52):
        register(event)
    client = organizer_client(organizer)
    first = client.get(url("manage", event))
    second = client.get(url("manage", event), {"page": 2})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 2
    assert client.get(url("manage", event), {"page": "999"}).status_code == 200


def test_the_manage_page_runs_a_constant_number_of_queries(organizer):
    """The query count does not grow with the number of registrations shown."""
    small = EventFactory(organizers=[organizer], capacity=2, questions=["Why?"])
    large = EventFactory(organizers=[organizer], capacity=10, questions=["Why?"])
    for event, people in ((small, 3), (large, 25)):
        for index in range(people):
            registration = register(
                event,
                accessibility_needs="Seat near the door",
                answers={"Why?": f"Reason {index}"},
            ).registration
            if index == 0:
                services.registration_check_in(
                    event=event, actor=organizer, ticket_code=registration.ticket_code
                )
    client = organizer_client(organizer)
    counts = []
    for event in (small, large):
        client.get(url("manage", event))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("manage", event))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 12


# --- Check-in -----------------------------------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_check_in_by_code_twice_says_already_checked_in(event, organizer):
    registration = register(event, UserFactory(display_name="Ada Lovelace")).registration
    client = organizer_client(organizer)
    first = client.post(
        url("manage-check-in", event),
        {"ticket_code": f"  {registration.ticket_code} "},
        follow=True,
    )
    assert messages_of(first) == ["Checked in: Ada Lovelace."]
    registration.refresh_from_db()
    assert registration.status == "checked_in"
    assert registration.checked_in_by == organizer
    checked_in_at = registration.checked_in_at

    second = client.post(
        url("manage-check-in", event), {"ticket_code": registration.ticket_code}, follow=True
    )
    local = timezone.localtime(checked_in_at)
    assert messages_of(second) == [f"Already checked in at {local:%-I:%M %p}: Ada Lovelace."]
    registration.refresh_from_db()
    assert registration.checked_in_at == checked_in_at
    assert AuditEntry.objects.filter(action="registration.check_in").count() == 1


def test_check_in_by_row_button_keeps_the_search(event, organizer):
    registration = register(event).registration
    response = organizer_client(organizer).post(
        url("manage-check-in", event),
        {"registration": registration.pk, "return_query": "q=ada&status=confirmed&evil=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("manage", event) + "?q=ada&status=confirmed"
    registration.refresh_from_db()
    assert registration.status == "checked_in"


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"ticket_code": "not-a-ticket"}, "No ticket with this code for this event."),
        ({"ticket_code": "   "}, "Type or scan a ticket code."),
        ({}, "Type or scan a ticket code."),
    ],
)
def test_check_in_with_a_bad_code_says_why(event, organizer, data, expected):
    response = organizer_client(organizer).post(url("manage-check-in", event), data, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [expected]


def test_check_in_refuses_waitlisted_people_and_other_events_tickets(event, organizer):
    for _ in range(3):
        register(event)
    waiting = register(event).registration
    other = register(EventFactory()).registration
    client = organizer_client(organizer)
    response = client.post(
        url("manage-check-in", event), {"ticket_code": waiting.ticket_code}, follow=True
    )
    assert messages_of(response) == ["This ticket is not confirmed (on the waitlist)."]
    response = client.post(
        url("manage-check-in", event), {"ticket_code": other.ticket_code}, follow=True
    )
    assert messages_of(response) == ["No ticket with this code for this event."]
    response = client.post(url("manage-check-in", event), {"registration": other.pk})
    assert response.status_code == 404
    for bad_id in ("x1", "9" * 40, "-1"):
        response = client.post(url("manage-check-in", event), {"registration": bad_id})
        assert response.status_code == 404
    assert not Registration.objects.filter(status="checked_in").exists()


# --- Export -------------------------------------------------------------------------------


def test_the_csv_export_is_utf8_defused_and_audited(event, organizer):
    """Non-ASCII names survive; a cell a spreadsheet would run as a formula is quoted."""
    event.questions = ["=Your team?", "Which talk are you most looking forward to?"]
    event.save()
    zoe = register(
        event,
        UserFactory(display_name="Zoë Ångström-Ñúñez", email="zoe@example.org"),
        accessibility_needs='=HYPERLINK("http://evil.example","x")',
        dietary_requirements="+1 vegetarian",
        answers={"=Your team?": "@admins", "Which talk are you most looking forward to?": "-"},
    ).registration
    register(event, UserFactory(display_name="\tTabby"), answers={"=Your team?": "+1 410 555 0100"})

    response = organizer_client(organizer).get(url("manage-export", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "name", "e-mail", "status", "waitlist position", "ticket code", "registered at",
        "checked in at", "accessibility needs", "dietary requirements", "'=Your team?",
        "Which talk are you most looking forward to?",
    ]  # fmt: skip
    by_email = {row[1]: row for row in rows[1:]}
    row = by_email["zoe@example.org"]
    assert row[0] == "Zoë Ångström-Ñúñez"
    assert row[2] == "Confirmed"
    assert row[4] == zoe.ticket_code
    assert row[7] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[8] == "'+1 vegetarian"
    assert row[9:] == ["'@admins", "'-"]
    tabby = next(r for r in rows[1:] if r[1] != "zoe@example.org")
    assert tabby[0] == "'\tTabby"
    assert tabby[9] == "'+1 410 555 0100"
    for cell in (cell for r in rows for cell in r):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))

    entry = AuditEntry.objects.get(action="event.export")
    assert entry.actor == organizer
    assert entry.target_id == event.pk
    assert entry.detail["rows"] == 2


def test_the_export_lists_waitlist_positions_and_follows_the_filter(event, organizer):
    for _ in range(4):
        register(event)
    client = organizer_client(organizer)
    rows = list(csv.reader(io.StringIO(client.get(url("manage-export", event)).content.decode())))
    assert [row[3] for row in rows[1:]] == ["", "", "", "1"]
    waiting = client.get(url("manage-export", event), {"status": "waitlisted"})
    assert len(list(csv.reader(io.StringIO(waiting.content.decode())))) == 2


# --- Message ------------------------------------------------------------------------------


def test_a_message_goes_to_people_with_a_seat_only(
    event, organizer, django_capture_on_commit_callbacks
):
    seated = [register(event).registration for _ in range(3)]
    waiting = register(event).registration
    services.registration_check_in(event=event, actor=organizer, ticket_code=seated[0].ticket_code)
    services.registration_cancel(registration=seated[1], actor=seated[1].user)  # waiting moves up
    cancelled = seated[1]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client(organizer).post(
            url("manage-message", event),
            {"subject": "Doors open at 6", "text": "Bring your badge."},
            follow=True,
        )

    assert messages_of(response) == ["Your message is on its way to 3 people."]
    recipients = sorted(message.to[0] for message in mail.outbox)
    expected = sorted([seated[0].user.email, seated[2].user.email, waiting.user.email])
    assert recipients == expected
    assert cancelled.user.email not in recipients
    assert all("Bring your badge." in message.body for message in mail.outbox)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"subject": "", "text": "Hello"}, "subject"),
        ({"subject": "   ", "text": "Hello"}, "subject"),
        ({"subject": "Hi", "text": ""}, "text"),
        ({"subject": "x" * 151, "text": "Hello"}, "subject"),
        ({"subject": "Hi", "text": "x" * 5001}, "text"),
    ],
)
def test_a_bad_message_is_a_form_error_and_nothing_is_sent(
    event, organizer, django_capture_on_commit_callbacks, data, field
):
    register(event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client(organizer).post(url("manage-message", event), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="event.message").exists()


def test_messaging_nobody_says_so(event, organizer):
    response = organizer_client(organizer).post(
        url("manage-message", event), {"subject": "Hi", "text": "Hello"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Nobody holds a seat yet, so there is nobody to write to."
    ]


# --- Edit ---------------------------------------------------------------------------------


def test_editing_saves_the_details_in_the_hubs_time_zone(event, organizer):
    starts = timezone.localtime(event.starts_at).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    response = organizer_client(organizer).post(
        url("manage-edit", event),
        edit_data(
            event,
            title="InnerSource Summit",
            starts_at=starts.strftime(LOCAL),
            ends_at=(starts + timedelta(hours=2)).strftime(LOCAL),
            questions="  Your team?\n\nYour team?\nFavourite language?  ",
            ask_dietary="",
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "InnerSource Summit"
    assert event.starts_at == starts
    assert timezone.localtime(event.starts_at).hour == 18
    assert event.questions == ["Your team?", "Favourite language?"]
    assert event.ask_dietary is False
    assert AuditEntry.objects.filter(action="event.update", actor=organizer).exists()


def test_the_edit_form_shows_local_times_and_questions(event, organizer):
    html = organizer_client(organizer).get(url("manage-edit", event)).content.decode()
    assert timezone.localtime(event.starts_at).strftime(LOCAL) in html
    assert 'type="datetime-local"' in html
    assert "Which talk are you most looking forward to?" in html


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            lambda event: {
                "ends_at": timezone.localtime(event.starts_at - timedelta(hours=1)).strftime(LOCAL)
            },
            "ends_at",
            "The event must end after it starts.",
        ),
        (
            lambda event: {
                "registration_opens_at": "2030-01-02T10:00",
                "registration_closes_at": "2030-01-01T10:00",
            },
            "registration_closes_at",
            "Registration must close after it opens.",
        ),
        (
            lambda event: {"capacity": "1"},
            "capacity",
            "2 people already hold a seat; the capacity cannot be lower.",
        ),
        (lambda event: {"capacity": "0"}, "capacity", None),
        (lambda event: {"starts_at": "not a date"}, "starts_at", None),
        (lambda event: {"online_url": "javascript:alert(1)"}, "online_url", None),
        (lambda event: {"title": ""}, "title", None),
        (lambda event: {"title": "x" * 201}, "title", None),
        (lambda event: {"kind": "party"}, "kind", None),
        (lambda event: {"questions": "\n".join(f"Q{n}" for n in range(11))}, "questions", None),
        (lambda event: {"questions": "x" * 201}, "questions", None),
    ],
)
def test_a_bad_edit_is_a_form_error_and_changes_nothing(event, organizer, changes, field, message):
    register(event)
    register(event)
    before = Event.objects.values().get(pk=event.pk)
    data = edit_data(event, **{"title": "Changed title", **changes(event)})
    response = organizer_client(organizer).post(url("manage-edit", event), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert any(error.startswith(message) for error in errors[field])
    assert Event.objects.values().get(pk=event.pk) == before
    assert not AuditEntry.objects.filter(action__startswith="event.").exists()


def test_a_capacity_refused_by_the_service_leaves_the_other_fields_unsaved(event, organizer):
    """If seats are taken between the form check and the save, nothing is half-written."""
    register(event)
    register(event)
    with pytest.raises(ValidationError):
        event_update(event=event, actor=organizer, data={"title": "Half", "capacity": 1})
    event.refresh_from_db()
    assert event.title != "Half"
    assert event.capacity == 3


def test_raising_capacity_in_the_edit_form_promotes_the_waitlist(
    event, organizer, django_capture_on_commit_callbacks
):
    for _ in range(3):
        register(event)
    first, second, third = (register(event).registration for _ in range(3))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client(organizer).post(
            url("manage-edit", event), edit_data(event, capacity="5")
        )
    assert response.status_code == 302
    for registration in (first, second, third):
        registration.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "confirmed")
    assert (third.status, third.waitlist_position) == ("waitlisted", 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.user.email, second.user.email])
    assert AuditEntry.objects.filter(action="event.capacity", actor=organizer).exists()


def test_a_cancelled_event_cannot_be_edited(event, organizer):
    services.event_cancel(event=event, actor=organizer)
    client = organizer_client(organizer)
    assert client.get(url("manage-edit", event)).context["form"] is None
    client.post(url("manage-edit", event), edit_data(event, title="Back from the dead"))
    event.refresh_from_db()
    assert event.title != "Back from the dead"


# --- Cancel -------------------------------------------------------------------------------


def test_cancelling_tells_everyone_registered(event, organizer, django_capture_on_commit_callbacks):
    seated = [register(event).registration for _ in range(3)]
    waiting = register(event).registration
    gone = register(EventFactory()).registration
    mail.outbox.clear()

    client = organizer_client(organizer)
    page = client.get(url("manage-cancel", event))
    assert "all <strong>4 people</strong> registered" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("manage-cancel", event), {"reason": "A snowstorm"}, follow=True)

    event.refresh_from_db()
    assert event.status == "cancelled"
    assert messages_of(response) == [
        "The event is cancelled. Everyone registered is being told by e-mail."
    ]
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(r.user.email for r in [*seated, waiting])
    assert gone.user.email not in recipients
    assert all("A snowstorm" in message.body for message in mail.outbox)
    entry = AuditEntry.objects.get(action="event.cancel")
    assert entry.detail == {"reason": "A snowstorm"}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("manage-cancel", event), {"reason": "Again"})
    assert mail.outbox == []


def test_a_reason_over_its_limit_is_a_form_error(event, organizer):
    response = organizer_client(organizer).post(url("manage-cancel", event), {"reason": "x" * 2001})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    event.refresh_from_db()
    assert event.status == "published"


def test_pages_carry_no_inline_script_or_style(event, organizer):
    register(event)
    client = organizer_client(organizer)
    for name in ("manage", "manage-message", "manage-edit", "manage-cancel"):
        html = client.get(url(name, event)).content.decode().lower()
        assert "<script" not in html
        assert "style=" not in html
        assert " onclick=" not in html and " onsubmit=" not in html
        assert "css/events-manage.css" in html
