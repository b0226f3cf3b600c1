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
