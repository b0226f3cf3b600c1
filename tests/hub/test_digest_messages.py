"""The digest's messages: news rendered once per run, each reader's own greeting and
unsubscribe link, and the command's own peak memory."""

from pathlib import Path

import pytest
from django.test.signals import template_rendered

from hub import notifications
from hub.models import SentNotification
from portal import digest
from tests.conftest import free_port, run_django
from tests.directory.factories import OrganizationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def subscribe(*users):
    for user in users:
        notifications.preference_set(user=user, kind="weekly_digest", enabled=True)


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


def unsubscribe_link(message) -> str:
    return message["List-Unsubscribe"].strip().strip("<>")


def test_each_reader_gets_their_own_greeting_and_unsubscribe_link(mail_over_smtp):
    ann = UserFactory(display_name="Ann Arbor")
    zoe = UserFactory(display_name="Zoe Zimmer")
    subscribe(ann, zoe)
    digest.send_digest()
    by_reader = {message["To"]: message for message in mail_over_smtp.messages}
    assert sorted(by_reader) == sorted([ann.email, zoe.email])
    for reader, other in [(ann, zoe), (zoe, ann)]:
        message = by_reader[reader.email]
        link = unsubscribe_link(message)
        token = link.rstrip("/").rsplit("/", 1)[-1]
        assert notifications.read_unsubscribe_token(token) == (reader, "weekly_digest")
        for part in parts(message):
            assert f"Hello {reader.display_name}," in part
            assert link in part
            assert other.display_name not in part
            assert unsubscribe_link(by_reader[other.email]) not in part


def test_a_display_name_is_escaped_in_html_and_left_as_is_in_text(mail_over_smtp):
    subscribe(UserFactory(display_name="<b>Ann & Bob</b>"))
    digest.send_digest()
    [message] = mail_over_smtp.messages
    text, html = parts(message)
    assert "Hello <b>Ann & Bob</b>," in text
    assert "Hello &lt;b&gt;Ann &amp; Bob&lt;/b&gt;," in html
    assert "<b>Ann" not in html


def test_the_news_is_rendered_once_per_run_not_once_per_reader(mail_over_smtp):
    subscribe(*UserFactory.create_batch(3))
    rendered = []

    def note(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(note)
    try:
        run = digest.send_digest(batch_size=2)
    finally:
        template_rendered.disconnect(note)
    assert (run.sent, run.batches) == (3, 2)
    assert rendered.count("hub/email/digest_news.txt") == 1
    assert rendered.count("hub/email/digest_news.html") == 1
    assert rendered.count("hub/email/digest.html") == 3


def test_long_lists_keep_the_html_part_free_of_quoted_printable(mail_over_smtp, settings):
    organizations = [
        OrganizationFactory(name=f"Chesapeake Open Hardware and Civic Software Cooperative {n}")
        for n in range(10)
    ]
    subscribe(UserFactory())
    digest.send_digest()
    [message] = mail_over_smtp.messages
    html_part = message.get_body(preferencelist=("html",))
    assert html_part["Content-Transfer-Encoding"] != "quoted-printable"
    text, html = parts(message)
    for organization in organizations:
        url = f"{settings.HUB_SITE_URL}{organization.get_absolute_url()}"
        assert f"- {organization.name}: {url}" in text
        assert f'<a href="{url}">{organization.name}</a>' in html


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
def test_the_command_reports_its_own_peak_memory_not_its_parents():
    _ballast = b"x" * (256 * 2**20)  # the parent (this process) holds 256 MiB more
    code = (
        "import django, resource; django.setup();"
        "from portal.management.commands.send_digest import peak_memory_mib;"
        "print(peak_memory_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    result = run_django({"DEBUG": "1"}, code)
    assert result.returncode == 0, result.stderr
    own, inherited = map(float, result.stdout.split())
    # ru_maxrss of the child counts the parent's footprint: the mistake this avoids.
    assert inherited >= 256 > own


def test_a_server_that_is_away_leaves_the_batch_for_the_next_run(mail_over_smtp, settings):
    readers = UserFactory.create_batch(2)
    subscribe(*readers)
    settings.EMAIL_PORT = free_port()  # nobody listens there
    with pytest.raises(OSError):
        digest.send_digest()
    assert not SentNotification.objects.exists()
    settings.EMAIL_PORT = mail_over_smtp.controller.port
    assert digest.send_digest().sent == 2
    assert sorted(m["To"] for m in mail_over_smtp.messages) == sorted(u.email for u in readers)
