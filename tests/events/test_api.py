"""The events API: published and cancelled events for everyone (never drafts), the page's
filters, seats counted in a constant number of queries, and one's own registration through
the services: register, waitlist, cancel, with a schema that documents each answer."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events import services
from events.models import Event, Registration
from tests.directory.factories import OrganizationFactory
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api_as(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user=user)
    return api


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def registration_url(event) -> str:
    return f"/api/v1/events/{event.slug}/registration/"


def register(event, user=None):
    return services.registration_create(event=event, user=user or UserFactory())


# --- Reading ---------------------------------------------------------------------------------


def test_drafts_never_appear_in_the_list_or_the_detail(staff_user):
    published = EventFactory(title="Python Night")
    cancelled = EventFactory(title="Rust Night", status=Event.Status.CANCELLED)
    draft = EventFactory(title="Secret Summit", draft=True, organizers=[staff_user])

    for api in (api_as(), api_as(staff_user)):
        assert slugs(api.get("/api/v1/events/")) == [published.slug, cancelled.slug]
        assert api.get(f"/api/v1/events/{draft.slug}/").status_code == 404
        assert api.get("/api/v1/events/", {"when": "past"}).json()["count"] == 0
    assert api_as().get(f"/api/v1/events/{cancelled.slug}/").json()["status"] == "cancelled"
    # Nobody registers for a draft through the API either.
    assert api_as(staff_user).post(registration_url(draft)).status_code == 404
    assert not Registration.objects.exists()


def test_detail_shows_the_event_with_seats_and_sanitised_markdown_but_no_online_link():
    organization = OrganizationFactory(name="Harborside Pythonistas")
    event = EventFactory(
        title="Python Night",
        description="**Talks** <script>alert(1)</script>",
        capacity=3,
        organization=organization,
        online_url="https://meet.example.org/secret",
    )
    register(event)
    register(event)

    body = api_as().get(f"/api/v1/events/{event.slug}/").json()

    assert body["slug"] == "python-night"
    assert body["url"] == "http://testserver/api/v1/events/python-night/"
    assert body["page_url"] == "http://testserver/events/python-night/"
    assert "<strong>Talks</strong>" in body["description_html"]
    assert "<script" not in body["description_html"]
    assert body["time_zone"] == "America/New_York"
    assert body["starts_at"].endswith(("-05:00", "-04:00"))
    assert (body["capacity"], body["seats_taken"], body["seats_left"]) == (3, 2, 1)
    assert body["registration_open"] is True
    assert body["registration_closed_reason"] is None
    assert body["organization"] == {"slug": organization.slug, "name": "Harborside Pythonistas"}
    assert body["online"] is True
    assert "online_url" not in body
    assert "https://meet.example.org/secret" not in str(body)


def test_an_unpublished_organizing_organization_stays_unseen():
    pending = OrganizationFactory(name="Stealth Co", pending=True)
    event = EventFactory(organization=pending)
    assert api_as().get(f"/api/v1/events/{event.slug}/").json()["organization"] is None
    assert slugs(api_as().get("/api/v1/events/", {"organization": pending.slug})) == []


def test_a_closed_registration_says_why():
    event = EventFactory(registration_opens_at=timezone.now() + timedelta(days=3))
    body = api_as().get(f"/api/v1/events/{event.slug}/").json()
    assert body["registration_open"] is False
    assert body["registration_closed_reason"].startswith("Registration opens on ")


def test_unlimited_events_have_no_seats_left_figure():
    event = EventFactory(unlimited=True)
    register(event)
    body = api_as().get(f"/api/v1/events/{event.slug}/").json()
    assert (body["capacity"], body["seats_taken"], body["seats_left"]) == (None, 1, None)


def test_filters_by_kind_month_organization_and_time():
    now = timezone.now()
    circle = OrganizationFactory(name="InnerSource Circle")
    summit = EventFactory(
        title="Fall Summit",
        kind=Event.Kind.SUMMIT,
        organization=circle,
        starts_at=now + timedelta(days=40),
    )
    meetup = EventFactory(title="Python Night", starts_at=now + timedelta(days=5))
    past = EventFactory(title="Old Night", starts_at=now - timedelta(days=30))
    get = api_as().get

    assert slugs(get("/api/v1/events/")) == [meetup.slug, summit.slug]
    assert slugs(get("/api/v1/events/", {"when": "upcoming"})) == [meetup.slug, summit.slug]
    assert slugs(get("/api/v1/events/", {"when": "past"})) == [past.slug]
    assert slugs(get("/api/v1/events/", {"kind": "summit"})) == [summit.slug]
    assert slugs(get("/api/v1/events/", {"organization": circle.slug})) == [summit.slug]
    assert slugs(get("/api/v1/events/", {"organization": "nobody"})) == []
    local = timezone.localtime(summit.starts_at)
    assert slugs(get("/api/v1/events/", {"month": f"{local:%Y-%m}"})) == [summit.slug]
    # A month alone covers the whole month, past or not.
    old = timezone.localtime(past.starts_at)
    assert slugs(get("/api/v1/events/", {"month": f"{old:%Y-%m}"})) == [past.slug]
    assert slugs(get("/api/v1/events/", {"month": f"{old:%Y-%m}", "when": "upcoming"})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"month": "2025-13"}, "month"),
        ({"month": "September"}, "month"),
        ({"when": "someday"}, "when"),
        ({"organization": "bad slug!"}, "organization"),
    ],
)
def test_malformed_filters_are_400_with_the_fields_error(params, field):
    EventFactory()
    response = api_as().get("/api/v1/events/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_list_query_count_does_not_grow_with_events():
    """Count and page: two queries whether the page shows 1 event or 15, seats included."""
    organization = OrganizationFactory()

    def make(n):
        for _ in range(n):
            event = EventFactory(organization=organization, capacity=5)
            register(event)
            register(event)

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            response = api_as().get("/api/v1/events/")
        assert response.status_code == 200
        return len(captured), response.json()

    make(1)
    one, _ = queries_for_list()
    make(14)
    fifteen, body = queries_for_list()
    assert body["count"] == 15
    assert {row["seats_taken"] for row in body["results"]} == {2}
    assert one == fifteen <= 2


def test_unknown_slugs_are_404():
    assert api_as().get("/api/v1/events/no-such-event/").status_code == 404
    assert api_as(UserFactory()).get("/api/v1/events/no-such-event/registration/").status_code == (
        404
    )


# --- Registration ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_registration_needs_authentication(method):
    event = EventFactory()
    response = getattr(api_as(), method)(registration_url(event))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert not Registration.objects.exists()


def test_registering_creates_then_returns_the_existing_registration(user):
    event = EventFactory(online_url="https://meet.example.org/room")
    api = api_as(user)
    assert api.get(registration_url(event)).status_code == 404

    first = api.post(registration_url(event), {}, format="json")
    again = api.post(registration_url(event), format="json")

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    body = first.json()
    assert body["status"] == "confirmed"
    assert body["waitlist_position"] is None
    assert body["event"] == event.slug
    assert body["online_url"] == "https://meet.example.org/room"
    registration = Registration.objects.get()
    assert body["ticket_code"] == registration.ticket_code
    assert again.json() == body
    assert api.get(registration_url(event)).json() == body


def test_answers_are_saved_with_the_registration(user):
    event = EventFactory(ask_dietary=True, questions=["Which track?"])
    response = api_as(user).post(
        registration_url(event),
        {
            "accessibility_needs": "Step-free access ",
            "dietary_requirements": "Vegetarian",
            "answers": {"Which track?": "Metrics"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    registration = Registration.objects.get()
    assert registration.accessibility_needs == "Step-free access"
    assert registration.dietary_requirements == "Vegetarian"
    assert registration.answers == {"Which track?": "Metrics"}
    assert response.json()["answers"] == {"Which track?": "Metrics"}


def test_a_full_event_puts_people_on_the_waitlist_in_order_without_the_online_link():
    event = EventFactory(capacity=1, online_url="https://meet.example.org/room")
    register(event)
    first, second = UserFactory(), UserFactory()

    one = api_as(first).post(registration_url(event)).json()
    two = api_as(second).post(registration_url(event)).json()

    assert (one["status"], one["waitlist_position"]) == ("waitlisted", 1)
    assert (two["status"], two["waitlist_position"]) == ("waitlisted", 2)
    assert one["online_url"] is None
    assert one["ticket_code"]
    assert event.registrations.holding_seats().count() == 1


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"registration_opens_at": timezone.now() + timedelta(days=2)}, "Registration opens on"),
        ({"registration_closes_at": timezone.now() - timedelta(hours=1)}, "Registration is"),
        ({"status": Event.Status.CANCELLED}, "This event was cancelled."),
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "This event has already started."),
    ],
)
def test_a_closed_registration_is_400_with_the_reason(user, overrides, reason):
    event = EventFactory(**overrides)
    response = api_as(user).post(registration_url(event))
    assert response.status_code == 400
    assert response.json()["detail"].startswith(reason)
    assert response.json()["code"] == "registration_closed"
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"accessibility_needs": "x" * 501}, "accessibility_needs"),
        ({"dietary_requirements": "x" * 301}, "dietary_requirements"),
        ({"answers": {"Which track?": "x" * 1001}}, "answers"),
        ({"answers": {"Shoe size?": "42"}}, "answers"),
        ({"answers": ["Metrics"]}, "answers"),
        ({"answers": {"Which track?": {"nested": "object"}}}, "answers"),
        ({"accessibility_needs": None}, "accessibility_needs"),
    ],
)
def test_bad_answers_are_400_with_field_errors_and_nothing_saved(user, body, field):
    event = EventFactory(ask_dietary=True, questions=["Which track?"])
    response = api_as(user).post(registration_url(event), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Registration.objects.exists()


def test_questions_the_event_does_not_ask_are_refused(user):
    event = EventFactory(ask_dietary=False, ask_accessibility=False)
    response = api_as(user).post(
        registration_url(event),
        {"dietary_requirements": "Vegan", "accessibility_needs": "Captions"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"dietary_requirements", "accessibility_needs"}
    assert not Registration.objects.exists()


def test_a_body_that_is_not_an_object_is_400(user):
    event = EventFactory()
    response = api_as(user).post(registration_url(event), ["hello"], format="json")
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_cancelling_frees_the_seat_for_the_first_waitlisted_person(user):
    event = EventFactory(capacity=1, online_url="https://meet.example.org/room")
    first_in_line, second_in_line = UserFactory(), UserFactory()
    api_as(user).post(registration_url(event))
    api_as(first_in_line).post(registration_url(event))
    api_as(second_in_line).post(registration_url(event))

    response = api_as(user).delete(registration_url(event))

    assert response.status_code == 204
    assert api_as(user).get(registration_url(event)).status_code == 404
    promoted = api_as(first_in_line).get(registration_url(event)).json()
    assert promoted["status"] == "confirmed"
    assert promoted["waitlist_position"] is None
    assert promoted["online_url"] == "https://meet.example.org/room"
    moved_up = api_as(second_in_line).get(registration_url(event)).json()
    assert (moved_up["status"], moved_up["waitlist_position"]) == ("waitlisted", 1)
    # Nothing left to cancel.
    assert api_as(user).delete(registration_url(event)).status_code == 404


def test_cancelling_after_the_event_started_is_400(user):
    event = EventFactory()
    registration = register(event, user).registration
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    response = api_as(user).delete(registration_url(event))
    assert response.status_code == 400
    assert "started" in response.json()["detail"]
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_nobody_sees_or_cancels_someone_elses_registration(user, other_user):
    event = EventFactory()
    mine = register(event, user).registration

    assert api_as(other_user).get(registration_url(event)).status_code == 404
    assert api_as(other_user).delete(registration_url(event)).status_code == 404
    mine.refresh_from_db()
    assert mine.status == "confirmed"
    # Registering does not reveal or reuse the other person's ticket either.
    theirs = api_as(other_user).post(registration_url(event)).json()
    assert theirs["ticket_code"] != mine.ticket_code


def test_token_authentication_works(user):
    event = EventFactory()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert api.post(registration_url(event)).status_code == 201
    assert api.get(registration_url(event)).json()["status"] == "confirmed"
    assert api.delete(registration_url(event)).status_code == 204
    assert Registration.objects.get().status == "cancelled"


def test_session_authentication_needs_csrf(user):
    event = EventFactory()
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)
    assert api.get(registration_url(event)).status_code == 404
    assert api.post(registration_url(event)).status_code == 403
    assert not Registration.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch"])
def test_methods_outside_the_contract_are_405(user, method):
    event = EventFactory()
    assert getattr(api_as(user), method)(registration_url(event)).status_code == 405
    assert api_as(user).post("/api/v1/events/", {}).status_code == 405


# --- The schema ------------------------------------------------------------------------------


def test_the_schema_documents_the_events_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    params = {p["name"] for p in paths["/api/v1/events/"]["get"]["parameters"]}
    assert {"kind", "month", "organization", "when", "page"} <= params
    assert "/api/v1/events/{slug}/" in paths
    registration = paths["/api/v1/events/{slug}/registration/"]
    assert set(registration) >= {"get", "post", "delete"}
    # 429: every operation is rate-limited (hub/throttling.py); 400: a malformed address is
    # refused before any view (hub/middleware.py).
    assert set(registration["get"]["responses"]) == {"200", "400", "401", "404", "429"}
    # 403: a session without its CSRF token (hub/openapi.py documents it on every write).
    assert set(registration["post"]["responses"]) == {
        "200", "201", "400", "401", "403", "404", "429",
    }  # fmt: skip
    assert set(registration["delete"]["responses"]) == {"204", "400", "401", "403", "404", "429"}
    components = schema["components"]["schemas"]
    assert "online_url" not in components["Event"]["properties"]
    assert components["RegistrationStatusEnum"]["enum"] == [
        "confirmed", "waitlisted", "offered", "cancelled", "checked_in",
    ]  # fmt: skip


def test_the_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_filters_select_the_list_and_never_hide_one_event():
    past = EventFactory(
        starts_at=timezone.now() - timedelta(days=10), ends_at=timezone.now() - timedelta(days=9)
    )
    api = APIClient()
    assert api.get(f"/api/v1/events/{past.slug}/", {"when": "upcoming"}).status_code == 200
    listed = api.get("/api/v1/events/", {"when": "upcoming"}).json()
    assert past.slug not in [event["slug"] for event in listed["results"]]
