"""Rate limits: the admin login against brute force, password reset without enumeration,
the client's address behind proxies, and the API's throttles (anonymous, signed-in, and
scoped for registering, voting and logging hours), which fail open without a cache."""

import json
import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hub import throttling
from pledges import services as pledge_services
from pledges.models import Pledge
from tests.conftest import free_port, run_django
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.events.factories import EventFactory
from tests.events.program_helpers import make_board, propose
from tests.factories import TEST_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
PROXY = "10.0.0.1"
CLIENT_A = "198.51.100.7"
CLIENT_B = "198.51.100.8"
NO_RATES = {"anon": None, "user": None, "register": None, "vote": None, "log_hours": None}


def admin_login(client, email, password="not the password", **extra):
    return client.post(
        ADMIN_LOGIN, {"username": email, "password": password, "next": "/admin/"}, **extra
    )


# --- Brute force: the admin login -------------------------------------------------------------


def test_the_admin_login_answers_429_with_a_clear_page_after_five_wrong_passwords(client):
    staff = StaffFactory()
    for _ in range(5):
        response = admin_login(client, staff.email)
        assert response.status_code == 200
        assert "Please enter the correct" in response.content.decode()

    response = admin_login(client, staff.email)
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    html = response.content.decode()
    assert "Too many attempts, try again in 5 minutes." in html
    assert 'class="site-header"' in html  # the site's own layout, not a bare error
    # Locked is locked: the right password does not get through either, for now.
    assert admin_login(client, staff.email, TEST_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_passwords_at_the_admin_login_do_not_use_up_the_attempts(client):
    staff = StaffFactory()
    for _ in range(7):
        response = admin_login(client, staff.email, TEST_PASSWORD)
        assert response.status_code == 302
        client.logout()


def test_wrong_passwords_at_the_site_login_count_at_the_admin_login(client):
    """One count per account: switching between the two logins gains an attacker nothing."""
    staff = StaffFactory()
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": staff.email, "password": "nope"})
        assert response.status_code == 200
    assert admin_login(client, staff.email.upper()).status_code == 429


def test_the_admin_login_page_itself_is_not_limited(client):
    for _ in range(12):
        assert client.get(ADMIN_LOGIN).status_code == 200


# --- Password reset without enumeration --------------------------------------------------------


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    known = UserFactory(email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for_known = client.post("/accounts/password/reset/", {"email": known.email})
        for_unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert for_known.status_code == for_unknown.status_code == 302
    assert for_known["Location"] == for_unknown["Location"]
    assert for_known.content == for_unknown.content
    # Only a known address gets mail (its reset link); the hub mails no stranger.
    [message] = mail.outbox
    assert message.to == ["known@example.org"]
    assert "/accounts/password/reset/key/" in message.body


# --- The client's address behind proxies -------------------------------------------------------


@pytest.mark.parametrize(("proxies", "b_is_limited"), [(1, False), (0, True)])
def test_two_clients_behind_one_proxy_have_their_own_login_limits(
    client, settings, proxies, b_is_limited
):
    """With HUB_TRUSTED_PROXIES=1 the per-address limit (10 a minute) is the client's; with
    0 (the negative control) every client of the proxy shares the proxy's."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies

    def attempt(n, client_address):
        # The proxy appends the address it saw; a client may send any X-Forwarded-For.
        forwarded = f"203.0.113.99, {client_address}"
        return admin_login(
            client, f"guess{n}@example.org", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        )

    for n in range(10):
        assert attempt(n, CLIENT_A).status_code == 200
    assert attempt(10, CLIENT_A).status_code == 429
    assert attempt(11, CLIENT_B).status_code == (429 if b_is_limited else 200)


# --- API: anonymous and signed-in rates ---------------------------------------------------------


@pytest.fixture
def rates(settings):
    """Set API rates for one test (every other rate off). DRF reloads its settings when
    REST_FRAMEWORK changes; the hub's throttles read the rates on every request."""

    def set_rates(**chosen):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**NO_RATES, **chosen},
        }

    return set_rates


def as_user(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]


def test_anonymous_callers_get_429_with_retry_after_past_their_rate(rates):
    rates(anon="3/min")
    api = APIClient()
    for _ in range(3):
        assert api.get("/api/v1/tags/").status_code == 200
    assert_throttled(api.get("/api/v1/organizations/"))
    # Signed-in callers are not counted against the anonymous rate.
    assert as_user(UserFactory()).get("/api/v1/tags/").status_code == 200


def test_signed_in_callers_get_429_past_their_rate_each_on_their_own(rates):
    rates(user="3/min")
    ada, grace = UserFactory(), UserFactory()
    for _ in range(3):
        assert as_user(ada).get("/api/v1/me/").status_code == 200
    assert_throttled(as_user(ada).get("/api/v1/tags/"))
    assert as_user(grace).get("/api/v1/me/").status_code == 200
    assert APIClient().get("/api/v1/tags/").status_code == 200  # anonymous: rate off here


def test_a_token_caller_is_counted_as_the_person(rates):
    rates(user="2/min")
    person = UserFactory()
    token = APIClient()
    key = Token.objects.create(user=person).key
    token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert token.get("/api/v1/me/").status_code == 200
    assert as_user(person).get("/api/v1/me/").status_code == 200
    assert_throttled(token.get("/api/v1/me/"))


@pytest.mark.parametrize(("proxies", "b_is_limited"), [(1, False), (0, True)])
def test_two_anonymous_api_clients_behind_one_proxy_have_their_own_rate(
    rates, settings, proxies, b_is_limited
):
    rates(anon="2/min")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    api = APIClient(REMOTE_ADDR=PROXY)
    for _ in range(2):
        assert api.get("/api/v1/tags/", HTTP_X_FORWARDED_FOR=CLIENT_A).status_code == 200
    assert api.get("/api/v1/tags/", HTTP_X_FORWARDED_FOR=CLIENT_A).status_code == 429
    response = api.get("/api/v1/tags/", HTTP_X_FORWARDED_FOR=CLIENT_B)
    assert response.status_code == (429 if b_is_limited else 200)


# --- API: scoped rates for the three writes -----------------------------------------------------


def test_registering_has_its_own_rate_per_person(rates):
    rates(register="2/min")
    person = UserFactory()
    events = [EventFactory() for _ in range(3)]
    url = "/api/v1/events/{}/registration/"
    api = as_user(person)
    assert api.post(url.format(events[0].slug)).status_code == 201
    assert api.post(url.format(events[1].slug)).status_code == 201
    assert_throttled(api.post(url.format(events[2].slug)))
    # Reading one's registration is not registering; another person has their own count.
    assert api.get(url.format(events[0].slug)).status_code == 200
    assert as_user(UserFactory()).post(url.format(events[2].slug)).status_code == 201


def test_voting_has_its_own_rate_per_person(rates):
    rates(vote="3/min")
    board = make_board()
    first, second = propose(board, "First session"), propose(board, "Second session")
    api = as_user(board.attendee)

    def vote_url(proposal):
        return reverse("api-session-vote", kwargs={"slug": board.event.slug, "pk": proposal.pk})

    assert api.post(vote_url(first)).status_code == 201
    assert api.delete(vote_url(first)).status_code == 200  # taking a vote back counts too
    assert api.post(vote_url(second)).status_code == 201
    assert_throttled(api.post(vote_url(first)))
    # The list of sessions is a read, not a vote.
    sessions = reverse("api-event-sessions", kwargs={"slug": board.event.slug})
    assert api.get(sessions).status_code == 200


def test_logging_hours_has_its_own_rate_and_reviews_do_not_count(rates):
    rates(log_hours="2/min")
    organization = OrganizationFactory()
    admin = MembershipFactory(organization=organization, owner=True).user
    member = MembershipFactory(organization=organization).user
    today = timezone.localdate()
    pledge = pledge_services.pledge_create(
        organization=organization,
        actor=admin,
        data={
            "kind": Pledge.Kind.HOURS,
            "hours_per_period": Decimal("40"),
            "starts_on": today - timedelta(days=30),
        },
    )
    project = ProjectFactory()

    def log_hours(api):
        return api.post(
            "/api/v1/contributions/",
            {
                "pledge": pledge.pk,
                "date": today.isoformat(),
                "hours": "1.00",
                "project": project.slug,
                "description": "Reviewed pull requests.",
            },  # fmt: skip
            format="json",
        )

    first = log_hours(as_user(member))
    assert first.status_code == 201, first.content
    assert log_hours(as_user(member)).status_code == 201
    assert_throttled(log_hours(as_user(member)))
    # The admin's own log and review POSTs do not share the member's count.
    assert log_hours(as_user(admin)).status_code == 201
    approve = f"/api/v1/contributions/{first.json()['id']}/approve/"
    assert as_user(admin).post(approve).status_code == 200
    assert log_hours(as_user(admin)).status_code == 201


def test_a_registration_rush_from_one_address_is_not_throttled_by_the_default_rates():
    """bench/run.py's rush: many people with tokens, one POST each, all from one address.
    Signed-in callers are counted per person, so more people than the anonymous rate
    (120 a minute per address) all get an answer."""
    event = EventFactory(capacity=20)
    people = UserFactory.create_batch(121)
    api = APIClient(REMOTE_ADDR="127.0.0.1")
    answers = set()
    for person in people:
        key = Token.objects.create(user=person).key
        response = api.post(
            f"/api/v1/events/{event.slug}/registration/", HTTP_AUTHORIZATION=f"Token {key}"
        )
        answers.add((response.status_code, response.json()["status"]))
    assert answers == {(201, "confirmed"), (201, "waitlisted")}


# --- Fail open without a cache ------------------------------------------------------------------


class BrokenCache(LocMemCache):
    """A cache whose server is gone: every read and write raises, as redis-py does."""

    def get(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    set = add = delete = get


def refused_redis():
    """A Redis cache on a port where nothing listens: redis-py's own ConnectionError."""
    return RedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": REDIS_OPTIONS})


REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


@pytest.mark.parametrize("broken_cache", [lambda: BrokenCache("broken", {}), refused_redis])
def test_throttles_let_requests_through_and_log_a_warning_when_the_cache_is_down(
    rates, monkeypatch, caplog, broken_cache
):
    rates(anon="1/min", user="1/min", register="1/min")
    monkeypatch.setattr(throttling.HubRateThrottle, "cache", broken_cache())
    events = [EventFactory() for _ in range(2)]
    with caplog.at_level(logging.WARNING, logger="hub.throttling"):
        for _ in range(2):
            assert APIClient().get("/api/v1/tags/").status_code == 200
        api = as_user(UserFactory())
        for event in events:
            assert api.post(f"/api/v1/events/{event.slug}/registration/").status_code == 201
    warnings = [r.getMessage() for r in caplog.records if r.name == "hub.throttling"]
    assert any("'register' not checked" in message for message in warnings)
    assert any("'anon' not checked" in message for message in warnings)


def test_the_admin_login_works_and_logs_a_warning_when_its_limit_cannot_be_checked(
    client, settings, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": REDIS_OPTIONS,
        }
    }
    staff = StaffFactory()
    with caplog.at_level(logging.WARNING, logger="hub.admin_login"):
        assert admin_login(client, staff.email).status_code == 200
        assert admin_login(client, staff.email, TEST_PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert any("not checked" in r.getMessage() for r in caplog.records)


# --- The schema --------------------------------------------------------------------------------


def test_the_schema_documents_429_with_retry_after_on_the_throttled_writes(client):
    schema = client.get("/api/schema/?format=json").json()
    for path, method in [
        ("/api/v1/events/{slug}/registration/", "post"),
        ("/api/v1/events/{slug}/sessions/{id}/vote/", "post"),
        ("/api/v1/contributions/", "post"),
        ("/api/v1/organizations/", "get"),
    ]:
        answer = schema["paths"][path][method]["responses"]["429"]
        assert "Retry-After" in answer["headers"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Throttled"
        }
    assert "detail" in schema["components"]["schemas"]["Throttled"]["properties"]


# --- Settings from the environment -------------------------------------------------------------

SHOW_RATE_SETTINGS = (
    "from django.conf import settings; import json;"
    "print(json.dumps([settings.ALLAUTH_TRUSTED_PROXY_COUNT,"
    " settings.REST_FRAMEWORK['NUM_PROXIES'], settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']]))"
)


def test_rates_and_the_proxy_count_come_from_the_environment_with_defaults():
    defaults = run_django({"DEBUG": "1"}, SHOW_RATE_SETTINGS)
    assert json.loads(defaults.stdout) == [
        0,
        0,
        {
            "anon": "120/min",
            "user": "600/min",
            "register": "10/min",
            "vote": "60/min",
            "log_hours": "30/min",
        },  # fmt: skip
    ], defaults.stderr
    chosen = run_django(
        {
            "DEBUG": "1",
            "HUB_TRUSTED_PROXIES": "2",
            "HUB_API_RATE_ANON": "",
            "HUB_API_RATE_VOTE": "5/hour",
        },  # fmt: skip
        SHOW_RATE_SETTINGS,
    )
    proxies, num_proxies, chosen_rates = json.loads(chosen.stdout)
    assert (proxies, num_proxies) == (2, 2)
    assert chosen_rates["anon"] is None  # an empty variable switches the rate off
    assert chosen_rates["vote"] == "5/hour"
