"""/pledges/ caches the public list (its count and each page) under the leaderboards'
version and the directory's: approvals, pledge changes and listing changes show at once."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import services as directory_services
from pledges import services
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.factories import StaffFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def list_of(response) -> str:
    """The public list only (the leaderboards beside it have rules of their own)."""
    html = html_of(response)
    return html[html.index('id="pledges-title"') : html.index('id="boards-title"')]


@pytest.fixture
def org():
    return OrganizationFactory(name="Formstone Software")


@pytest.fixture
def admin(org):
    return MembershipFactory(organization=org, admin=True).user


@pytest.fixture
def pledge(org):
    return PledgeFactory(organization=org, hours_per_period=Decimal("40"))


def test_the_second_visit_reads_the_list_from_the_cache(client, pledge):
    ContributionFactory(pledge=pledge, hours=Decimal("10"), approved=True)
    with CaptureQueriesContext(connection) as cold:
        first = html_of(client.get("/pledges/"))
    with CaptureQueriesContext(connection) as warm:
        second = html_of(client.get("/pledges/"))
    assert len(warm) < len(cold)
    assert len(warm) == 0
    assert first == second
    assert "10 of 40 hours</strong> (25%)" in second


def test_an_approval_shows_at_once(client, pledge, admin, django_capture_on_commit_callbacks):
    log = ContributionFactory(pledge=pledge, hours=Decimal("10"))
    assert "0 of 40 hours</strong> (0%)" in html_of(client.get("/pledges/"))
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_approve(contribution=log, actor=admin)
    html = html_of(client.get("/pledges/"))
    assert "10 of 40 hours</strong> (25%)" in html
    assert "All time: <strong>10 hours</strong>" in html


def test_a_new_or_ended_pledge_shows_at_once(
    client, org, pledge, admin, django_capture_on_commit_callbacks
):
    assert "Ended" not in html_of(client.get("/pledges/"))
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_end(pledge=pledge, actor=admin)
    assert "Ended" in html_of(client.get("/pledges/"))


def test_a_private_pledge_never_shows(client, org):
    PledgeFactory(organization=org, private=True, hours_per_period=Decimal("77"))
    for _ in range(2):  # cold, then from the cache
        html = list_of(client.get("/pledges/"))
        assert "Formstone Software" not in html and "77" not in html


def test_an_archived_organization_leaves_the_list_at_once(
    client, org, pledge, django_capture_on_commit_callbacks
):
    assert "Formstone Software" in list_of(client.get("/pledges/"))
    with django_capture_on_commit_callbacks(execute=True):
        directory_services.listing_archive(listing=org, actor=StaffFactory())
    assert "Formstone Software" not in list_of(client.get("/pledges/"))


def test_a_renamed_organization_shows_its_new_name_at_once(
    client, pledge, django_capture_on_commit_callbacks
):
    org = pledge.organization
    org.verified = True
    org.save(update_fields=["verified"])
    owner = MembershipFactory(organization=org, owner=True).user
    assert "Formstone Software" in html_of(client.get("/pledges/"))
    data = {field: getattr(org, field) for field in directory_services.ORGANIZATION_FIELDS}
    data["name"] = "Formstone Labs"
    with django_capture_on_commit_callbacks(execute=True):
        directory_services.listing_edit(listing=org, actor=owner, data=data)
    assert "Formstone Labs" in list_of(client.get("/pledges/"))
