import re
import textwrap
import time

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction

from hub import notifications
from hub.jobs import outbox_flush
from hub.models import OutboxJob, SentNotification
from hub.services import email_queue
from hub.tasks import outbox_flush_task
from portal.tasks import weekly_digest_task
from tests.conftest import database_url_for_workers, free_port, run_django
from tests.events.factories import EventFactory
from tests.factories import UserFactory


def a_message(to="someone@example.org"):
    return EmailMessage(subject="Hello", body="Welcome to the hub.", to=[to])


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(message=a_message())
        assert mail.outbox == []
        raise RuntimeError("roll back")
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_only_once_its_transaction_commits():
    with transaction.atomic():
        email_queue(message=a_message())
        assert mail.outbox == []
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_a_broker_outage_keeps_the_job_in_the_outbox_and_the_data_in_place(tmp_path):
    """Publishing fails after commit: logged, not raised, nothing rolled back, and the
    job waits in the outbox. Runs in a fresh process whose broker really is unreachable."""
    code = textwrap.dedent(
        """
        import django
        django.setup()
        from django.core.mail import EmailMessage
        from django.core.management import call_command
        from django.db import transaction
        from hub.models import OutboxJob, User
        from hub.services import email_queue

        call_command("migrate", verbosity=0)
        with transaction.atomic():
            User.objects.create_user("kept@example.org", "a long passphrase")
            email_queue(message=EmailMessage("Hi", "Body", to=["kept@example.org"]))
        print("users", User.objects.filter(email="kept@example.org").count())
        print("waiting", OutboxJob.objects.filter(dispatched_at__isnull=True).count())
        """
    )
    result = run_django(
        {
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        },
        code,
    )
    assert result.returncode == 0, result.stderr
    assert "users 1" in result.stdout and "waiting 1" in result.stdout
    assert "stays in the outbox" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_registration_during_a_broker_outage_gets_its_ticket_once_the_broker_is_back(
    celery_worker, smtp_sink
):
    """The web request succeeds quickly without Redis; the outbox hands the job to the real
    worker when Redis answers again, and the ticket arrives once."""
    event = EventFactory()
    person = UserFactory()
    code = textwrap.dedent(
        f"""
        import time, django
        django.setup()
        from events.models import Event
        from events.services import registration_create
        from hub.models import User
        event, person = Event.objects.get(pk={event.pk}), User.objects.get(pk={person.pk})
        started = time.monotonic()
        registration_create(event=event, user=person)
        print("seconds", round(time.monotonic() - started, 2))
        """
    )
    result = run_django(
        {
            "SECRET_KEY": "insecure-key-for-the-test-suite-only",
            "DATABASE_URL": database_url_for_workers(),
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        },
        code,
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.split("seconds")[-1]) < 5
    [job] = OutboxJob.objects.filter(dispatched_at__isnull=True)
    assert job.task_name == "events.tasks.send_ticket_task"

    # Redis answers again (this process has it): the next flush hands the job over.
    assert outbox_flush(older_than_seconds=0) == 1
    message = smtp_sink.wait_for(lambda m: m["To"] == person.email)
    assert message["Subject"].startswith("Your ticket")
    assert outbox_flush(older_than_seconds=0) == 0
    time.sleep(1)
    assert [m["To"] for m in smtp_sink.messages].count(person.email) == 1


@pytest.mark.django_db(transaction=True)
def test_the_weekly_digest_runs_on_the_real_worker_and_twice_sends_nothing_new(
    celery_worker, smtp_sink
):
    readers = UserFactory.create_batch(3)
    for reader in readers:
        notifications.preference_set(user=reader, kind="weekly_digest", enabled=True)
    weekly_digest_task.delay()
    for reader in readers:
        smtp_sink.wait_for(lambda m, r=reader: m["To"] == r.email)
    weekly_digest_task.delay()
    outbox_flush_task.delay()  # a second, unrelated job: once it ran, the digest ran too
    deadline = time.monotonic() + 30
    while SentNotification.objects.filter(sent_at__isnull=False).count() < 3:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    time.sleep(2)
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(r.email for r in readers)


@pytest.mark.django_db(transaction=True)
def test_sign_up_mail_travels_through_redis_and_a_real_worker_to_smtp(
    client, celery_worker, smtp_sink
):
    """The full stack: commit, Redis, a Celery worker process, SMTP, then verification."""
    address = f"worker-{celery_worker}@example.org"
    password = "a-long and unusual passphrase"
    response = client.post(
        "/accounts/signup/", {"email": address, "password1": password, "password2": password}
    )
    assert response.status_code == 302
    assert mail.outbox == []  # not sent in-process: the worker sends it

    message = smtp_sink.wait_for(lambda m: m["To"] == address)
    body = message.get_body(preferencelist=("plain",)).get_content()
    confirm_url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", body).group(1)
    assert client.post(confirm_url).status_code == 302

    client.logout()
    response = client.post("/accounts/login/", {"login": address, "password": password})
    assert response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
