import re
import textwrap

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction

from hub.services import email_queue
from tests.conftest import free_port, run_django


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


def test_a_broker_outage_leaves_the_committed_data_in_place(tmp_path):
    """Publishing fails after commit: logged, not raised, and nothing is rolled back.

    Runs in a fresh process whose broker really is unreachable.
    """
    code = textwrap.dedent(
        """
        import django
        django.setup()
        from django.core.mail import EmailMessage
        from django.core.management import call_command
        from django.db import transaction
        from hub.models import User
        from hub.services import email_queue

        call_command("migrate", verbosity=0)
        with transaction.atomic():
            User.objects.create_user("kept@example.org", "a long passphrase")
            email_queue(message=EmailMessage("Hi", "Body", to=["kept@example.org"]))
        print("users", User.objects.filter(email="kept@example.org").count())
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
    assert "users 1" in result.stdout
    assert "Error calling" in result.stderr and "on_commit" in result.stderr


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
