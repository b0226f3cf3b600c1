"""The pledge reminders: members early in a period, admins about others' hours waiting."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from pledges.models import Contribution
from pledges.periods import period_containing
from portal.reminders import send_pending_review_reminders, send_pledge_reminders
from tests.directory.factories import MembershipFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory


def test_a_pledge_reminder_reaches_each_member_without_hours_this_period_once(db):
    pledge = PledgeFactory(organization__name="Harbour Code")
    idle = MembershipFactory(organization=pledge.organization).user
    busy = MembershipFactory(organization=pledge.organization).user
    ContributionFactory(pledge=pledge, contributor=busy)
    today = timezone.localdate().replace(day=2)

    first = send_pledge_reminders(today=today)
    again = send_pledge_reminders(today=today)

    assert (first.considered, first.sent) == (1, 1)
    assert (again.considered, again.sent) == (1, 0)
    [message] = mail.outbox
    assert message.to == [idle.email]
    period = period_containing(today, pledge.period)
    assert f"{period.label} has begun. Harbour Code pledged" in message.body


def test_admins_hear_of_others_hours_waiting_a_week_not_of_their_own(db):
    pledge = PledgeFactory(organization__name="Harbour Code")
    owner = MembershipFactory(organization=pledge.organization, owner=True).user
    admin = MembershipFactory(organization=pledge.organization, admin=True).user
    log = ContributionFactory(pledge=pledge, contributor=owner)
    Contribution.objects.filter(pk=log.pk).update(created_at=timezone.now() - timedelta(days=8))

    first = send_pending_review_reminders()
    again = send_pending_review_reminders()

    assert (first.considered, first.sent) == (1, 1)
    assert again.sent == 0
    [message] = mail.outbox
    assert message.to == [admin.email]
    assert f"by {owner.get_short_name()}" in message.body
