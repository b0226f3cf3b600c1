"""People's own data: the export, deleting an account, audited CSV exports, reset links."""

import json
import re
from datetime import timedelta
from decimal import Decimal
from unittest.mock import ANY

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from directory.models import Membership
from events import services as event_services
from events.models import Registration, Star, Vote
from events.program import services as program
from hub import account_emails
from hub import services as hub_services
from hub.forge_accounts import forge_account_add
from hub.models import AuditEntry, ForgeAccount, User
from hub.notifications import preference_set
from pledges import services as pledge_services
from pledges.models import Contribution
from portal.digest import send_digest
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.events import program_helpers as helpers
from tests.events.factories import EventFactory
from tests.factories import TEST_PASSWORD, UserFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

EXPORT = "/me/export.json"
API_EXPORT = "/api/v1/me/export/"
DELETE = "/me/delete/"
API_ME = "/api/v1/me/"


def log_hours(pledge, user, hours="3") -> Contribution:
    return pledge_services.contribution_log(
        pledge=pledge,
        user=user,
        data={
            "date": timezone.localdate(),
            "hours": Decimal(hours),
            "project": ProjectFactory(),
            "description": "Fixed the city's open data parser.",
            "evidence_urls": ["https://github.com/baltimore/open-data/pull/42"],
        },
    )


def organization_with(user, *, role=Membership.Role.MEMBER):
    """A published organization where `user` has `role` and a separate owner reviews hours."""
    organization = OrganizationFactory()
    reviewer = MembershipFactory(organization=organization, owner=True).user
    MembershipFactory(organization=organization, user=user, role=role)
    return organization, reviewer


def approved_log(user, organization, reviewer, hours="3") -> Contribution:
    pledge = PledgeFactory(organization=organization)
    contribution = log_hours(pledge, user, hours)
    pledge_services.contribution_approve(contribution=contribution, actor=reviewer)
    return contribution


def api_client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    token = hub_services.api_token_regenerate(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def a_person_with_a_history():
    """A member who registered with answers, proposed, voted, starred and logged hours."""
    person = UserFactory(display_name="Ada Lovelace")
    organization, reviewer = organization_with(person)
    approved_log(person, organization, reviewer)
    board = helpers.make_board(ask_accessibility=True)
    event_services.registration_create(
        event=board.event, user=person, accessibility_needs="Step-free access", notify=False
    )
    proposal = helpers.propose(board, "Mapping Baltimore's open data", by=person)
    other = helpers.propose(board, "Docs sprints that work")
    program.vote_cast(proposal=other, user=person)
    scheduled = helpers.accepted(board, "Maintainers' lunch")
    helpers.place(board, scheduled, helpers.add_room(board), helpers.add_slot(board))
    program.schedule_publish(event=board.event, actor=board.organizer, published=True)
    program.star_add(proposal=scheduled, user=person)
    preference_set(user=person, kind="weekly_digest", enabled=True)
    forge_account_add(user=person, forge="github", username="ada-lovelace")
    return person, organization, proposal, other, scheduled


# --- Export -------------------------------------------------------------------------------


def test_the_export_is_a_download_of_everything_the_hub_holds_about_the_person(client):
    person, organization, proposal, voted, starred = a_person_with_a_history()
    client.force_login(person)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.content)

    assert data["profile"]["email"] == person.email
    assert data["profile"]["display_name"] == "Ada Lovelace"
    assert data["email_addresses"] == [{"email": person.email, "primary": True, "verified": True}]
    assert [m["organization"] for m in data["memberships"]] == [organization.slug]
    [registration] = data["registrations"]
    assert registration["accessibility_needs"] == "Step-free access"
    assert registration["status"] == "confirmed"
    assert [p["title"] for p in data["session_proposals"]] == [proposal.title]
    assert [v["proposal"] for v in data["votes"]] == [voted.pk]
    assert [s["proposal"] for s in data["stars"]] == [starred.pk]
    [contribution] = data["contributions"]
    assert (contribution["hours"], contribution["status"]) == ("3.00", "approved")
    [evidence] = contribution["evidence"]
    assert evidence["url"] == "https://github.com/baltimore/open-data/pull/42"
    assert data["forge_accounts"] == [
        {"forge": "github", "username": "ada-lovelace", "proven": False, "created_at": ANY}
    ]
    assert {"kind": "weekly_digest", "label": "Weekly digest", "enabled": True} in data[
        "email_choices"
    ]
    actions = {entry["action"] for entry in data["audit_entries"]}
    assert {"contribution.log", "proposal.create"} <= actions


def test_the_api_export_is_the_same_document(client):
    person, *_ = a_person_with_a_history()
    api = api_client_for(person)
    client.force_login(person)
    page = json.loads(client.get(EXPORT).content)
    response = api.get(API_EXPORT)
    assert response.status_code == 200
    document = response.json()
    for each in (page, document):
        each.pop("generated_at")
    assert document == page
    assert document["api_token_created_at"] is not None


def test_the_export_takes_the_same_number_of_queries_however_much_data(client):
    person, organization, *_ = a_person_with_a_history()
    client.force_login(person)

    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(EXPORT).status_code == 200
        return len(captured)

    before = queries_for_export()
    pledge = PledgeFactory(organization=organization)
    for _ in range(3):
        log_hours(pledge, person, "1")
        event = EventFactory()
        event_services.registration_create(event=event, user=person, notify=False)
        MembershipFactory(user=person)
    assert queries_for_export() == before


def test_anonymous_people_are_sent_to_sign_in_and_the_api_answers_401(client):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get(API_EXPORT).status_code == 401


def test_a_person_downloads_only_their_own_data(client):
    person, *_ = a_person_with_a_history()
    stranger = UserFactory()
    client.force_login(stranger)
    text = client.get(EXPORT).content.decode()
    assert stranger.email in text
    assert person.email not in text
    assert "Step-free access" not in text
    assert "Mapping Baltimore" not in text
    data = api_client_for(stranger).get(API_EXPORT, {"user": person.pk}).json()
    assert data["profile"]["id"] == stranger.pk
    assert data["contributions"] == data["registrations"] == []


def test_the_export_is_described_in_the_api_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "get" in schema["paths"]["/api/v1/me/export/"]
    assert "delete" in schema["paths"]["/api/v1/me/"]
    assert "Export" in schema["components"]["schemas"]


# --- Deleting an account ------------------------------------------------------------------


def test_me_links_to_the_export_and_to_deletion(client, user):
    client.force_login(user)
    html = client.get("/me/").content.decode()
    assert 'href="/me/export.json"' in html
    assert 'href="/me/delete/"' in html
    page = client.get(DELETE)
    assert page.status_code == 200
    assert "first person on the waitlist" in page.content.decode()


def test_a_wrong_password_deletes_nothing(client):
    person, *_ = a_person_with_a_history()
    client.force_login(person)
    response = client.post(DELETE, {"password": "not my password"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    api = api_client_for(person).delete(API_ME, {"password": "nope"}, format="json")
    assert api.status_code == 400
    assert api.json() == {"password": ["That is not your password."]}

    person.refresh_from_db()
    assert person.is_active and person.deleted_at is None
    assert person.check_password(TEST_PASSWORD)
    assert Registration.objects.filter(user=person, status="confirmed").exists()
    assert Vote.objects.filter(user=person).exists() and Star.objects.filter(user=person).exists()
    assert Membership.objects.filter(user=person).exists()
    assert not AuditEntry.objects.filter(action="account.delete").exists()


def test_the_last_owner_of_an_organization_with_members_is_asked_to_hand_over_first(client):
    owner = UserFactory()
    organization = OrganizationFactory(name="Chesapeake Commons")
    MembershipFactory(organization=organization, user=owner, owner=True)
    MembershipFactory(organization=organization)
    event = EventFactory()
    event_services.registration_create(event=event, user=owner, notify=False)
    client.force_login(owner)

    response = client.post(DELETE, {"password": TEST_PASSWORD})
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are the last owner of Chesapeake Commons" in html
    assert f'href="/directory/organizations/{organization.slug}/members/"' in html

    api = api_client_for(owner).delete(API_ME, {"password": TEST_PASSWORD}, format="json")
    assert api.status_code == 400
    assert "Chesapeake Commons" in api.json()["non_field_errors"][0]
    assert api.json()["organizations"][0]["members_url"].endswith(
        f"/directory/organizations/{organization.slug}/members/"
    )
    owner.refresh_from_db()
    assert owner.is_active and owner.deleted_at is None
    assert Membership.objects.filter(user=owner, role="owner").exists()
    assert Registration.objects.get(user=owner).status == "confirmed"


def test_an_owner_with_a_co_owner_or_alone_in_the_organization_may_leave(client):
    person = UserFactory()
    shared = OrganizationFactory()
    MembershipFactory(organization=shared, user=person, owner=True)
    co_owner = MembershipFactory(organization=shared, owner=True)
    alone = OrganizationFactory()
    MembershipFactory(organization=alone, user=person, owner=True)
    client.force_login(person)
    assert client.post(DELETE, {"password": TEST_PASSWORD}).status_code == 302
    assert not Membership.objects.filter(user=person).exists()
    assert list(Membership.objects.filter(organization=shared)) == [co_owner]


def test_a_freed_seat_goes_to_the_first_waitlisted_person_who_is_told(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory()
    event = EventFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    for someone in (person, first, second):
        event_services.registration_create(event=event, user=someone, notify=False)
    past = EventFactory(starts_at=timezone.now() - timedelta(days=3))
    Registration.objects.create(event=past, user=person, status="checked_in")
    mail.outbox.clear()
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"password": TEST_PASSWORD})

    assert response.status_code == 302
    assert Registration.objects.get(event=event, user=person).status == "cancelled"
    promoted = Registration.objects.get(event=event, user=first)
    assert promoted.status == "confirmed"
    waiting = Registration.objects.get(event=event, user=second)
    assert (waiting.status, waiting.waitlist_position) == ("waitlisted", 1)
    assert [message.to for message in mail.outbox] == [[first.email]]
    # Attending a past event stays on the record.
    assert Registration.objects.get(event=past, user=person).status == "checked_in"


def test_approved_hours_still_count_and_show_as_a_former_member(client):
    person = UserFactory(display_name="Grace Hopper", show_name_on_pledges=True)
    organization, reviewer = organization_with(person)
    contribution = approved_log(person, organization, reviewer, hours="5")
    pledge = contribution.pledge
    pledge_page = f"/pledges/{pledge.pk}/"
    assert "Grace Hopper" in client.get(pledge_page).content.decode()
    total_before = organization_total(organization)

    client.force_login(person)
    assert client.post(DELETE, {"password": TEST_PASSWORD}).status_code == 302

    assert organization_total(organization) == total_before == Decimal("5")
    html = client.get(pledge_page).content.decode()
    assert "A former member" in html
    assert "Grace Hopper" not in html
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.APPROVED
    assert contribution.contributor.get_full_name() == "A former member"
    # The API names the person the same way to the organization's admins.
    api = APIClient()
    api.force_authenticate(user=reviewer)
    shown = api.get(f"/api/v1/contributions/{contribution.pk}/").json()["contributor"]
    assert shown["name"] == "A former member"


def organization_total(organization) -> Decimal:
    return sum(
        Contribution.objects.filter(
            pledge__organization=organization, status=Contribution.Status.APPROVED
        ).values_list("hours", flat=True),
        Decimal("0"),
    )


def test_votes_stars_sessions_and_the_api_token_end(client):
    person, *_ = a_person_with_a_history()
    api = api_client_for(person)
    assert api.get(API_ME).status_code == 200
    other_browser = client_class_logged_in(person)
    assert other_browser.get("/me/").status_code == 200

    response = api.delete(API_ME, {"password": TEST_PASSWORD}, format="json")

    assert response.status_code == 204
    assert not Vote.objects.filter(user=person).exists()
    assert not Star.objects.filter(user=person).exists()
    assert not Token.objects.filter(user=person).exists()
    assert not ForgeAccount.objects.filter(user=person).exists()
    assert api.get(API_ME).status_code == 401
    assert other_browser.get("/me/").status_code == 302
    assert (
        client.post(
            "/accounts/login/", {"login": person.email, "password": TEST_PASSWORD}
        ).status_code
        == 200
    )


def client_class_logged_in(user):
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    return browser


def test_nothing_more_is_emailed_to_a_deleted_person(client, django_capture_on_commit_callbacks):
    person, *_ = a_person_with_a_history()
    address = person.email
    bystander = UserFactory()
    preference_set(user=bystander, kind="weekly_digest", enabled=True)
    client.force_login(person)
    client.post(DELETE, {"password": TEST_PASSWORD})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        send_digest()
        client.post("/accounts/password/reset/", {"email": address})
    User.objects.filter(pk=person.pk).update(email=address)  # even an address put back
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": address})

    recipients = [m.to for m in mail.outbox]
    assert [bystander.email] in recipients  # the digest did go out, to others
    assert [to for to in recipients if address in to or "deleted.invalid" in str(to)] == []


def test_the_deletion_is_audited_without_the_persons_data(client):
    person, *_ = a_person_with_a_history()
    email, name = person.email, person.display_name
    client.force_login(person)
    client.post(DELETE, {"password": TEST_PASSWORD})

    entry = AuditEntry.objects.get(action="account.delete")
    assert (entry.target_type, entry.target_id) == ("hub.user", person.pk)
    recorded = json.dumps([entry.target_repr, entry.detail, str(entry)])
    assert email not in recorded and name not in recorded
    assert entry.detail["registrations_cancelled"] == 1
    person.refresh_from_db()
    assert person.deleted_at is not None and not person.is_active
    assert email not in person.email and person.display_name == ""
    assert not person.has_usable_password()
    assert not Registration.objects.filter(user=person).exclude(accessibility_needs="").exists()


# --- CSV exports leave an audit row ---------------------------------------------------------


def test_exporting_attendees_leaves_an_audit_row(client):
    organizer = UserFactory()
    event = EventFactory(organizers=[organizer])
    event_services.registration_create(event=event, user=UserFactory(), notify=False)
    client.force_login(organizer)
    response = client.get(f"/events/{event.slug}/manage/attendees.csv")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="event.export")
    assert (entry.actor, entry.target_id) == (organizer, event.pk)


def test_exporting_a_pledges_logs_leaves_an_audit_row(client):
    member = UserFactory()
    organization, owner = organization_with(member)
    contribution = approved_log(member, organization, owner)
    client.force_login(owner)
    response = client.get(f"/pledges/{contribution.pledge_id}/export.csv")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="pledge.export")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        owner,
        "pledges.pledge",
        contribution.pledge_id,
    )


# --- Password reset links are never stored ------------------------------------------------


RESET_LINK = r"https?://[^/\s]+(/accounts/password/reset/key/([0-9a-z]+)-([\w-]+)/)"


def every_stored_text() -> str:
    """Every row of every table, as text."""
    rows = []
    for model in apps.get_models():
        rows.extend(str(row) for row in model.objects.values_list())
    return "\n".join(rows)


def test_a_password_reset_link_is_never_stored_and_works(
    client, user, django_capture_on_commit_callbacks
):
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    [message] = mail.outbox
    match = re.search(RESET_LINK, message.body)
    assert match, message.body
    link, key = match.group(1), match.group(3)

    assert key not in every_stored_text()
    assert key not in json.dumps([query["sql"] for query in captured.captured_queries])

    form_url = client.get(link)["Location"]
    new_password = "a brand new and long passphrase"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_a_worker_builds_the_reset_link_without_a_request_and_skips_deleted_people(user):
    assert account_emails.password_reset_send(user_id=user.pk, email=user.email)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert re.search(RESET_LINK, message.body)
    User.objects.filter(pk=user.pk).update(is_active=False, deleted_at=timezone.now())
    assert not account_emails.password_reset_send(user_id=user.pk, email=user.email)
    assert len(mail.outbox) == 1
