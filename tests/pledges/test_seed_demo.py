"""The demo pledges: eight pledges of the demo organizations with a year of hours that keep
every rule (members only, 24 hours a day, inside the pledge, nothing in the future), safe to
re-run; and `--scale` adds logged hours in bulk under the same rules."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from directory.models import ListingStatus, Membership
from hub.models import AuditEntry, User
from pledges.models import Contribution, Pledge
from pledges.queries import pledge_history

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "pledges": Pledge.objects.count(),
        "contributions": Contribution.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
    }


def assert_every_log_keeps_the_rules():
    today = timezone.localdate()
    logs = Contribution.objects.all()
    assert not logs.filter(date__gt=today).exists()
    assert not logs.filter(date__lt=F("pledge__starts_on")).exists()
    assert not logs.filter(pledge__ends_on__isnull=False, date__gt=F("pledge__ends_on")).exists()
    busiest = (
        logs.filter(status__in=Contribution.COUNTING_TOWARDS_DAY)
        .values("contributor", "date")
        .annotate(total=Sum("hours"))
        .aggregate(most=Max("total"))["most"]
    )
    assert busiest <= Decimal("24")
    members = Membership.objects.filter(
        user=F("user"), status=Membership.Status.ACTIVE
    ).values_list("user_id", "organization_id")
    pairs = set(members)
    for contributor, organization in logs.values_list(
        "contributor_id", "pledge__organization_id"
    ).distinct():
        assert (contributor, organization) in pairs
    reviewed = logs.exclude(status=Contribution.Status.PENDING)
    assert not reviewed.filter(Q(reviewed_by=None) | Q(reviewed_at=None)).exists()
    # Nobody reviewed their own hours, and every pledging organization keeps an owner.
    assert not reviewed.filter(reviewed_by=F("contributor")).exists()
    assert not Pledge.objects.exclude(organization__status=ListingStatus.PUBLISHED).exists()
    with_members = Membership.objects.filter(status=Membership.Status.ACTIVE)
    owned = with_members.filter(role=Membership.Role.OWNER).values("organization")
    assert not with_members.exclude(organization__in=owned).exists()
    assert (
        not logs.filter(project__isnull=False)
        .exclude(project__status=ListingStatus.PUBLISHED)
        .exists()
    )


def test_seed_demo_pledges_are_varied_valid_and_idempotent():
    output = seed()
    assert "Pledges: 8 pledges (8 new)" in output
    first = counts()
    pledges = Pledge.objects.all()
    assert pledges.count() == 8
    assert set(pledges.values_list("kind", flat=True)) == {"hours", "percent"}
    assert set(pledges.values_list("period", flat=True)) == {"month", "quarter", "year"}
    assert pledges.filter(public=False).count() == 1
    assert pledges.filter(status=Pledge.Status.ENDED).count() == 1
    assert pledges.filter(target_projects__isnull=False).distinct().count() == 8

    by_status = dict(Contribution.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert by_status["approved"] > 200
    assert by_status["pending"] >= 5
    assert 0 < by_status["rejected"] < by_status["approved"] / 5
    oldest = Contribution.objects.order_by("date").first().date
    assert (timezone.localdate() - oldest).days > 330
    assert_every_log_keeps_the_rules()
    assert User.objects.filter(show_name_on_pledges=True).count() >= 2
    # Every decision records who and when, in the audit trail too.
    rejected = Contribution.objects.filter(status="rejected").first()
    assert AuditEntry.objects.filter(
        target_type="pledges.contribution", target_id=rejected.pk, action="contribution.rejected"
    ).exists()
    # The history shows progress: some periods met, pending hours waiting.
    formstone = Pledge.objects.get(organization__slug="formstone-software")
    history = pledge_history(formstone)
    assert len(history) >= 13
    assert sum(period.approved for period in history) > 0

    second = seed()
    assert "Pledges: 8 pledges (0 new), 0 new logged hours" in second
    assert counts() == first


def test_seed_demo_scale_adds_valid_logged_hours_in_bulk_once():
    output = seed("--scale", "1", "--seed", "7")
    assert "pledges and" in output
    scale_logs = Contribution.objects.filter(contributor__email__startswith="scale-contributor-")
    added = scale_logs.count()
    assert 1500 <= added <= 2000
    assert Pledge.objects.count() == 8 + 10
    assert_every_log_keeps_the_rules()
    before = counts()
    seed("--scale", "1", "--seed", "7")
    assert counts() == before
