"""Staff manage events and registrations through the real Django admin views."""

import json
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration, SessionProposal
from hub.models import AuditEntry
from tests.directory.factories import OrganizationFactory
from tests.events.factories import EventFactory
from tests.events.program_helpers import make_board, propose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVENTS = reverse("admin:events_event_changelist")
REGISTRATIONS = reverse("admin:events_registration_changelist")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def register(event, user=None):
    return services.registration_create(event=event, user=user or UserFactory()).registration


def run_action(client, url, action, objects, **extra):
    return client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    )


def split(moment) -> dict:
    local = timezone.localtime(moment)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def admin_data(event: Event, **changes) -> dict:
    """The change form as the browser posts it back, with `changes` applied."""
    values = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "summary": event.summary,
        "description": event.description,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "ask_accessibility": event.ask_accessibility,
        "ask_dietary": event.ask_dietary,
        "questions": json.dumps(event.questions),
        "organization": event.organization_id,
        **changes,
    }
    if "organizers" not in values:
        values["organizers"] = [user.pk for user in event.organizers.all()]
    data = {}
    for key, value in values.items():
        if hasattr(value, "tzinfo"):
            for part, text in split(value).items():
                data[f"{key}_{part}"] = text
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = value
    return data


def change_url(event: Event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def test_the_event_list_shows_seats_taken_in_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    organization = OrganizationFactory(name="Harbor Labs")
    full = EventFactory(capacity=2, organization=organization)
    for _ in range(3):
        register(full)
    EventFactory(unlimited=True)
    with django_assert_max_num_queries(12):
        response = staff_client.get(EVENTS)
    assert response.status_code == 200
    rows = {event.pk: event for event in response.context["cl"].result_list}
    assert rows[full.pk].seat_total == 2
    html = response.content.decode()
    assert "Harbor Labs" in html


def test_the_event_list_filters_and_searches(staff_client):
    summit = EventFactory(title="InnerSource Summit", kind=Event.Kind.SUMMIT)
    draft = EventFactory(title="Draft meetup", draft=True)
    assert [
        e.pk for e in staff_client.get(EVENTS, {"q": "innersource"}).context["cl"].result_list
    ] == [summit.pk]
    assert [
        e.pk for e in staff_client.get(EVENTS, {"status__exact": "draft"}).context["cl"].result_list
    ] == [draft.pk]
    assert [
        e.pk for e in staff_client.get(EVENTS, {"kind__exact": "summit"}).context["cl"].result_list
    ] == [summit.pk]


def test_the_admin_refuses_a_capacity_below_the_seats_taken(staff_client):
    event = EventFactory(capacity=3)
    for _ in range(3):
        register(event)
    response = staff_client.post(change_url(event), admin_data(event, capacity=2, title="Changed"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["capacity"] == [
        "3 people already hold a seat; the capacity cannot be lower than 3. "
        "Cancel registrations first."
    ]
    event.refresh_from_db()
    assert (event.capacity, event.title) == (3, event.title)
    assert event.title != "Changed"


def test_the_admin_refuses_an_event_that_ends_before_it_starts(staff_client):
    event = EventFactory()
    data = admin_data(event, ends_at=event.starts_at - timedelta(hours=1))
    response = staff_client.post(change_url(event), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_at"] == [
        "The event must end after it starts."
    ]
    event.refresh_from_db()
    assert event.ends_at > event.starts_at


def test_raising_capacity_in_the_admin_promotes_the_waitlist(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    register(event)
    waiting = register(event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(event), admin_data(event, capacity=2))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert [message.to for message in mail.outbox] == [[waiting.user.email]]
    entry = AuditEntry.objects.get(action="event.capacity")
    assert entry.actor == staff_user
    assert entry.detail == {"from": 1, "to": 2}


def test_the_admin_creates_an_event_with_organizers(staff_client, staff_user):
    organizer = UserFactory()
    starts = timezone.now() + timedelta(days=30)
    template = Event(
        title="Baltimore Hack Night",
        slug="baltimore-hack-night",
        kind="hackathon",
        status="draft",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        capacity=40,
        questions=["Team?"],
    )
    data = admin_data(template, organizers=[organizer.pk])
    response = staff_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="baltimore-hack-night")
    assert list(event.organizers.all()) == [organizer]
    assert event.questions == ["Team?"]
    assert AuditEntry.objects.filter(action="event.staff_create", actor=staff_user).exists()


def test_cancelling_is_an_action_not_a_status_choice(staff_client):
    event = EventFactory()
    page = staff_client.get(change_url(event))
    choices = [value for value, _label in page.context["adminform"].form.fields["status"].choices]
    assert "cancelled" not in choices
    response = staff_client.post(change_url(event), admin_data(event, status="cancelled"))
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.status == "published"


def test_the_cancel_action_asks_then_tells_everyone(
    staff_client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    seated = register(event)
    waiting = register(event)
    mail.outbox.clear()
    page = run_action(staff_client, EVENTS, "cancel_selected", [event])
    assert page.status_code == 200
    assert "cannot be undone" in page.content.decode()
    event.refresh_from_db()
    assert event.status == "published"

    with django_capture_on_commit_callbacks(execute=True):
        run_action(staff_client, EVENTS, "cancel_selected", [event], apply="1", reason="Flood")
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([seated.user.email, waiting.user.email])
    assert AuditEntry.objects.get(action="event.cancel").detail == {"reason": "Flood"}


def test_an_event_with_registrations_cannot_be_deleted(staff_client):
    event = EventFactory(draft=True)
    response = staff_client.get(reverse("admin:events_event_delete", args=[event.pk]))
    assert response.status_code == 200
    published = EventFactory()
    register(published)
    response = staff_client.get(reverse("admin:events_event_delete", args=[published.pk]))
    assert response.status_code == 403


# --- Registrations ------------------------------------------------------------------------


def test_registrations_are_searchable_by_email_and_ticket_code(staff_client):
    event = EventFactory()
    ada = register(event, UserFactory(email="ada@example.net"))
    grace = register(event)
    found = staff_client.get(REGISTRATIONS, {"q": "ada@example"}).context["cl"].result_list
    assert list(found) == [ada]
    found = staff_client.get(REGISTRATIONS, {"q": grace.ticket_code}).context["cl"].result_list
    assert list(found) == [grace]
    by_event = staff_client.get(
        REGISTRATIONS, {"event__id__exact": event.pk, "status": "confirmed"}
    )
    assert by_event.status_code == 200


def test_check_in_action_goes_through_the_service(staff_client, staff_user):
    event = EventFactory(capacity=1)
    seated = register(event)
    waiting = register(event)
    response = run_action(staff_client, REGISTRATIONS, "check_in_selected", [seated, waiting])
    assert response.status_code == 302
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == "checked_in"
    assert seated.checked_in_by == staff_user
    assert waiting.status == "waitlisted"
    assert AuditEntry.objects.filter(action="registration.check_in").count() == 1


def test_cancel_action_frees_the_seat_for_the_waitlist(
    staff_client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    seated = register(event)
    waiting = register(event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_action(staff_client, REGISTRATIONS, "cancel_selected", [seated])
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == "cancelled"
    assert waiting.status == "confirmed"
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]


def test_registrations_cannot_be_added_or_deleted_in_the_admin(staff_client):
    registration = register(EventFactory())
    assert staff_client.get(reverse("admin:events_registration_add")).status_code == 403
    delete = reverse("admin:events_registration_delete", args=[registration.pk])
    assert staff_client.get(delete).status_code == 403
    page = staff_client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    assert page.status_code == 200
    assert registration.ticket_code in page.content.decode()
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_the_proposal_actions_go_through_the_service_and_report_refusals(staff_client):
    board = make_board()
    proposal = propose(board)
    merged = propose(board, "A duplicate")
    SessionProposal.objects.filter(pk=merged.pk).update(
        status=SessionProposal.Status.MERGED, merged_into=proposal
    )
    url = reverse("admin:events_sessionproposal_changelist")
    selected = {"action": "hide_selected", ACTION_CHECKBOX_NAME: [proposal.pk, merged.pk]}
    response = staff_client.post(url, selected, follow=True)
    proposal.refresh_from_db()
    assert proposal.status == SessionProposal.Status.HIDDEN
    shown = [str(message) for message in response.context["messages"]]
    assert "A merged proposal cannot be hidden." in shown[0]
    assert shown[1] == "1 proposal hidden."
    assert AuditEntry.objects.filter(target_id=proposal.pk, action__endswith="hide").exists()
