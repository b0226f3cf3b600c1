"""E-mails are written in the recipient's language, links included, whatever language the
job runs in; the job's own language is left as it was."""

import re

from django.core import mail
from django.utils import translation

from portal.reminders import send_pledge_reminders
from tests.directory.factories import MembershipFactory
from tests.pledges.factories import PledgeFactory


def test_a_pledge_reminder_reaches_a_french_speaker_in_french_with_french_links(db):
    pledge = PledgeFactory(
        organization__name="Harbour Code", kind="hours", hours_per_period="12.5", period="month"
    )
    francophone = MembershipFactory(organization=pledge.organization, user__language="fr").user
    today = translation.get_language()

    send_pledge_reminders(today=pledge.starts_on.replace(day=2))

    [message] = mail.outbox
    assert message.to == [francophone.email]
    assert message.subject.startswith("Déclarez vos heures d’open source pour ")
    assert (
        "Harbour Code s’est engagée à donner 12,5 heures par mois à l’open source" in message.body
    )
    assert f"/fr/pledges/{pledge.pk}/" in message.body
    assert "Choisir les courriels que vous recevez\u00a0: " in message.body
    assert "/fr/me/notifications/" in message.body
    html = message.alternatives[0][0]
    assert re.search(r'<html lang="fr">', html)
    assert translation.get_language() == today


def test_the_same_reminder_in_english_for_everyone_else(db):
    pledge = PledgeFactory(
        organization__name="Harbour Code", kind="hours", hours_per_period="12.5", period="month"
    )
    MembershipFactory(organization=pledge.organization)

    with translation.override("fr"):  # a job that happens to run in French
        send_pledge_reminders(today=pledge.starts_on.replace(day=2))

    [message] = mail.outbox
    assert message.subject.startswith("Log your open source hours for ")
    assert "Harbour Code pledged 12.5 hours a month to open source" in message.body
    assert f"/pledges/{pledge.pk}/" in message.body and "/fr/" not in message.body


def test_the_digest_reaches_each_reader_in_their_language_rendered_once_per_language(
    db, mail_over_smtp
):
    from django.test.signals import template_rendered

    from hub import notifications
    from portal import digest
    from tests.directory.factories import OrganizationFactory
    from tests.factories import UserFactory

    OrganizationFactory(name="Fells Point Robotics")
    readers = [UserFactory(language="fr"), UserFactory(language="fr"), UserFactory()]
    for reader in readers:
        notifications.preference_set(user=reader, kind="weekly_digest", enabled=True)
    rendered = []

    def note(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(note)
    try:
        digest.send_digest()
    finally:
        template_rendered.disconnect(note)

    by_reader = {m["To"]: m for m in mail_over_smtp.messages}
    french = by_reader[readers[0].email]
    assert french["Subject"].strip().startswith("Cette semaine sur ")
    assert "Nouveau dans le répertoire" in french.get_body(preferencelist=("plain",)).get_content()
    english = by_reader[readers[2].email]
    assert english["Subject"].startswith("This week at ")
    assert "New in the directory" in english.get_body(preferencelist=("plain",)).get_content()
    assert rendered.count("hub/email/digest_news.txt") == 2  # English and French, once each
