"""The demo region's evidence: some logs link pull requests and issues, judged by the evidence
rules from the forge answers recorded in pledges/demo/pledges.yaml, so loading it asks no
forge; some check out, some do not, each with what was found or why."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from hub.models import ForgeAccount
from pledges.leaderboards import compute_leaderboards
from pledges.models import Contribution, ContributionEvidence

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_carries_checked_and_failed_evidence_without_asking_a_forge(fake_forge):
    call_command("seed_demo", stdout=StringIO())

    assert fake_forge.requests == []
    assert ForgeAccount.objects.filter(proven=True).count() == 1
    links = ContributionEvidence.objects.all()
    assert not links.filter(status=ContributionEvidence.Status.PENDING).exists()
    checked = links.filter(status=ContributionEvidence.Status.CHECKED)
    assert checked.filter(contribution__status=Contribution.Status.APPROVED).count() >= 10
    assert checked.filter(reason__startswith="Pull request by mayaokafor, merged on").exists()
    failed = set(links.filter(status="failed").values_list("reason", flat=True))
    assert failed == {
        "merged 12 days after the logged day (at most 3 apart)",
        "author is octocat, not one of yours",
    }
    totals = compute_leaderboards(timezone.localdate())
    assert 0 < totals["totals"]["all_time_evidenced"] < totals["totals"]["all_time_hours"]
