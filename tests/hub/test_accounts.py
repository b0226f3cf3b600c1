import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from hub.audit import audit_record
from hub.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


def signup(client, email="ada@example.org", password="a-long and unusual passphrase", **extra):
    return client.post(
        SIGNUP,
        {"email": email, "password1": password, "password2": password, **extra},
    )


def link_in(message, path_fragment: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_fragment)}\S*)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_sends_a_verification_mail_and_the_link_logs_the_person_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, display_name="Ada Lovelace")
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.org")
    assert user.display_name == "Ada Lovelace"
    assert not EmailAddress.objects.get(user=user).verified
    # Verification is mandatory: without it, /me/ is out of reach.
    assert client.get("/me/").status_code == 302

    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    confirm_url = link_in(message, "/accounts/confirm-email/")
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    me = client.get("/me/")
    assert me.status_code == 200
    assert "ada@example.org" in me.content.decode()


def test_an_unverified_person_cannot_log_in(client):
    UserFactory(email="new@example.org", verified_email=False)
    response = client.post(LOGIN, {"login": "new@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_log_in_by_email_is_case_insensitive(client, user):
    response = client.post(LOGIN, {"login": user.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_gets_a_clear_form_error(client, user):
    response = client.post(LOGIN, {"login": user.email, "password": "not the password"})
    assert response.status_code == 200
    assert (
        "The email address and/or password you specified are not correct."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_duplicate_email_at_sign_up_answers_like_a_new_one_and_tells_only_the_owner(
    client, user, django_capture_on_commit_callbacks
):
    """Sign-up does not reveal which addresses have accounts (ACCOUNT_PREVENT_ENUMERATION):
    the page is the one a new address gets, nothing is created, and the address's owner is
    told by e-mail that they already have an account."""
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, email=user.email.upper())
        fresh = signup(Client(), email="someone-new@example.org")
    assert response.status_code == fresh.status_code == 302
    assert response["Location"] == fresh["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact=user.email).count() == 1
    assert "_auth_user_id" not in client.session
    [warning] = [m for m in mail.outbox if m.to[0].lower() == user.email.lower()]
    assert "already" in warning.body
    assert "/accounts/confirm-email/" not in warning.body


@pytest.mark.parametrize(
    "password, error",
    [
        ("short1", "This password is too short."),
        ("password123", "This password is too common."),
        ("83749501827364", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(client, password, error):
    response = signup(client, password=password)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client):
    response = client.post(
        SIGNUP, {"email": "x@example.org", "password1": "a-long passphrase 1", "password2": "other"}
    )
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()


def test_form_errors_are_tied_to_their_field_for_screen_readers(client):
    html = signup(client, email="not-an-email").content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_error' in html
    assert 'role="alert"' in html


def test_forgotten_password_is_reset_by_mail(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    [message] = mail.outbox
    reset_url = link_in(message, "/accounts/password/reset/key/")
    form_url = client.get(reset_url)["Location"]
    new_password = "a brand new and long passphrase"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_me_requires_login(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_me_shows_the_profile_and_saves_the_display_name(client, user):
    client.force_login(user)
    html = client.get("/me/").content.decode()
    assert user.email in html
    assert "You have no API token yet." in html
    response = client.post("/me/", {"display_name": "  Grace Hopper "})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Grace Hopper"
    assert "Grace Hopper" in client.get("/me/").content.decode()


def test_me_refuses_an_overlong_display_name(client, user):
    client.force_login(user)
    response = client.post("/me/", {"display_name": "x" * 200})
    assert response.status_code == 200
    assert "Ensure this value has at most 120 characters" in response.content.decode()


def test_a_member_replaces_their_api_token_and_the_old_one_stops_working(client, user):
    client.force_login(user)
    client.post("/me/token/")
    first = user.auth_token.key
    assert first in client.get("/me/").content.decode()
    client.post("/me/token/")
    user.refresh_from_db()
    assert user.auth_token.key != first
    api = client.__class__()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 401
    assert (
        api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {user.auth_token.key}").status_code == 200
    )


def test_token_endpoint_is_post_only_and_needs_login(client, user):
    assert client.post("/me/token/").status_code == 302
    client.force_login(user)
    assert client.get("/me/token/").status_code == 405


def test_staff_manage_users_in_admin(client, staff_user, user):
    client.force_login(staff_user)
    listing = client.get("/admin/hub/user/?q=" + user.email)
    assert listing.status_code == 200
    assert user.email in listing.content.decode()
    response = client.post(
        "/admin/hub/user/add/",
        {
            "email": "new.person@example.org",
            "display_name": "New Person",
            "usable_password": "false",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.org").exists()


def test_people_who_are_not_staff_cannot_open_admin(client, user):
    client.force_login(user)
    assert client.get("/admin/hub/user/").status_code == 302


def test_staff_read_the_audit_trail_but_nobody_edits_it(client, staff_user):
    entry = audit_record(actor=staff_user, action="test.action", target=staff_user)
    client.force_login(staff_user)
    listing = client.get("/admin/hub/auditentry/")
    assert "test.action" in listing.content.decode()
    assert client.get(f"/admin/hub/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/hub/auditentry/add/").status_code == 403
