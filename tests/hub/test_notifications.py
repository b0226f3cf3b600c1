"""Notifications: each message once, preferences, one-click unsubscribe, real SMTP."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import notifications as event_mail
from events import services
from hub import notifications
from hub.models import NotificationSetting, SentNotification
from portal import digest, reminders
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def subscribe(*users):
    for user in users:
        notifications.preference_set(user=user, kind="weekly_digest", enabled=True)


# --- The digest ------------------------------------------------------------------------------


def test_the_digest_goes_to_subscribers_once_even_when_run_twice(mail_over_smtp):
    readers = UserFactory.create_batch(3)
    UserFactory()  # never opted in
    subscribe(*readers)
    first = digest.send_digest()
    second = digest.send_digest()
    assert (first.sent, second.sent, second.skipped) == (3, 0, 3)
    assert second.connections == 0  # nobody left to send to: no SMTP connection either
    assert sorted(m["To"] for m in mail_over_smtp.messages) == sorted(u.email for u in readers)


def test_digest_mail_has_text_html_footer_and_one_click_unsubscribe(mail_over_smtp, settings):
    reader = UserFactory()
    subscribe(reader)
    digest.send_digest()
    [message] = mail_over_smtp.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith(settings.HUB_SITE_URL + "/notifications/unsubscribe/")
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert settings.HUB_POSTAL_ADDRESS in text and settings.HUB_POSTAL_ADDRESS in html
    assert link in text and link in html


def test_digest_batches_use_one_smtp_connection_each(mail_over_smtp):
    subscribe(*UserFactory.create_batch(4))
    run = digest.send_digest(batch_size=2)
    assert (run.sent, run.batches, run.connections) == (4, 2, 2)
    assert mail_over_smtp.handler.connections == 2


def test_digest_queries_per_batch_do_not_grow_with_the_batch(mail_over_smtp):
    digest.digest_content()  # the pledge totals are cached from here on
    subscribe(*UserFactory.create_batch(2))
    with CaptureQueriesContext(connection) as two_people:
        digest.send_digest(batch_size=10)
    SentNotification.objects.all().delete()
    subscribe(*UserFactory.create_batch(6))
    with CaptureQueriesContext(connection) as eight_people:
        digest.send_digest(batch_size=10)
    assert len(eight_people) == len(two_people)


def test_a_bounced_address_is_noted_and_never_blocks_the_others(mail_over_smtp):
    good, bad = UserFactory(), UserFactory()
    subscribe(good, bad)
    mail_over_smtp.handler.refuse = {bad.email}
    run = digest.send_digest()
    assert run.sent == 1 and run.failed == 1
    assert [m["To"] for m in mail_over_smtp.messages] == [good.email]
    bounced = SentNotification.objects.get(recipient=bad)
    assert bounced.sent_at is None and "refused" in bounced.error
    # Not retried forever: the next run leaves the bounced address alone.
    assert digest.send_digest().sent == 0


def test_a_run_that_dies_half_way_is_finished_by_the_next_without_doubles(mail_over_smtp):
    readers = UserFactory.create_batch(5)
    subscribe(*readers)
    mail_over_smtp.handler.fail_after = 2  # the server gives up after two messages
    first = digest.send_digest()
    assert first.sent == 2 and first.failed == 3
    mail_over_smtp.handler.fail_after = None
    second = digest.send_digest()
    assert second.sent == 3
    assert sorted(m["To"] for m in mail_over_smtp.messages) == sorted(u.email for u in readers)


def test_dry_run_sends_nothing(mail_over_smtp):
    subscribe(UserFactory())
    run = digest.send_digest(dry_run=True)
    assert run.sent == 1
    assert mail_over_smtp.messages == [] and not SentNotification.objects.exists()


# --- Preferences and unsubscribe ---------------------------------------------------------


def test_one_click_unsubscribe_works_without_login_or_csrf():
    reader = UserFactory()
    subscribe(reader)
    url = notifications.unsubscribe_url(reader, "weekly_digest").split("8000", 1)[-1]
    client = Client(enforce_csrf_checks=True)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Stop sending" in confirm.content.decode()
    assert notifications.wants(reader, "weekly_digest")  # a GET changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not notifications.wants(reader, "weekly_digest")


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxLCJrIjoid2Vla2x5X2RpZ2VzdCJ9:abc:def"])
def test_a_tampered_unsubscribe_link_changes_nothing(client, token):
    reader = UserFactory()
    subscribe(reader)
    response = client.post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert notifications.wants(reader, "weekly_digest")


def test_an_expired_unsubscribe_link_changes_nothing(client, monkeypatch):
    reader = UserFactory()
    subscribe(reader)
    url = notifications.unsubscribe_url(reader, "weekly_digest").split("8000", 1)[-1]
    monkeypatch.setattr(notifications, "UNSUBSCRIBE_MAX_AGE", -1)
    assert client.post(url).status_code == 400
    assert notifications.wants(reader, "weekly_digest")


def test_preferences_need_login_and_save_one_switch_per_kind(client, user):
    assert client.get("/me/notifications/").status_code == 302
    client.force_login(user)
    page = client.get("/me/notifications/").content.decode()
    assert 'name="weekly_digest"' in page
    assert 'name="ticket"' not in page  # transactional mail has no switch
    client.post("/me/notifications/", {"weekly_digest": "on", "event_reminder": ""})
    settings_now = dict(
        NotificationSetting.objects.filter(user=user).values_list("kind", "enabled")
    )
    assert settings_now["weekly_digest"] is True and settings_now["event_reminder"] is False


# --- Reminders ---------------------------------------------------------------------------------


def test_event_reminders_go_once_with_the_calendar_and_ticket(mail_over_smtp):
    soon = EventFactory(starts_at=timezone.now() + timedelta(hours=20))
    EventFactory(starts_at=timezone.now() + timedelta(days=5))  # too far ahead
    attendee = services.registration_create(event=soon, user=UserFactory(), notify=False)
    first = reminders.send_event_reminders()
    second = reminders.send_event_reminders()
    assert (first.sent, second.sent) == (1, 0)
    [message] = mail_over_smtp.messages
    assert message["To"] == attendee.registration.user.email
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["event.ics", "ticket-qr.png"]
    assert attendee.registration.ticket_code in message.get_body(("plain",)).get_content()


def test_people_who_switched_reminders_off_get_none(mail_over_smtp):
    soon = EventFactory(starts_at=timezone.now() + timedelta(hours=3))
    person = UserFactory()
    notifications.preference_set(user=person, kind="event_reminder", enabled=False)
    services.registration_create(event=soon, user=person, notify=False)
    assert reminders.send_event_reminders().sent == 0
    assert mail.outbox == [] and mail_over_smtp.messages == []


# --- Every event job can run twice ----------------------------------------------------------


def test_event_jobs_run_twice_send_each_message_once(mail_over_smtp, staff_user):
    event = EventFactory(capacity=1)
    holder = services.registration_create(event=event, user=UserFactory(), notify=False)
    waiting = services.registration_create(event=event, user=UserFactory(), notify=False)
    for _ in range(2):
        event_mail.send_ticket(holder.registration.pk)
        event_mail.send_ticket(waiting.registration.pk)
    assert len(mail_over_smtp.messages) == 2

    services.registration_cancel(registration=holder.registration, actor=holder.registration.user)
    mail_over_smtp.reset()
    for _ in range(2):
        event_mail.send_promotion(waiting.registration.pk)
        event_mail.send_event_message(event.pk, "note-1", "Doors at six", "See you there.")
    subjects = sorted(m["Subject"] for m in mail_over_smtp.messages)
    assert len(subjects) == 2 and subjects[0].endswith("Doors at six")
    assert all(m.get_body(("html",)) is not None for m in mail_over_smtp.messages)

    mail_over_smtp.reset()
    for _ in range(2):
        event_mail.send_event_cancelled(event.pk, "The venue flooded.")
    assert [m["To"] for m in mail_over_smtp.messages] == [waiting.registration.user.email]
    assert "List-Unsubscribe" not in mail_over_smtp.messages[0]  # transactional: no opt-out
