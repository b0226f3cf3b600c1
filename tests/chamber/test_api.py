"""The chamber over the API: public reads, endorsing and withdrawing by role, bad input as
400, constant queries."""

import pytest
from rest_framework.test import APIClient

from chamber.models import Endorsement
from hub.models import AuditEntry
from tests.chamber.factories import EndorsementFactory, PositionFactory, PracticeNoteFactory
from tests.directory.factories import MembershipFactory, OrganizationFactory, TagFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganizationFactory(name="Formstone Software", slug="formstone")


@pytest.fixture
def position():
    return PositionFactory(slug="public-code")


def api_as(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


ENDORSEMENTS = "/api/v1/positions/public-code/endorsements/"


def test_practices_list_published_notes_with_filters():
    pattern = TagFactory(name="Trusted Committer")
    shown = PracticeNoteFactory(title="Trusted committers in a bank", tags=[pattern])
    PracticeNoteFactory(title="Waiting", pending=True)
    PracticeNoteFactory(title="Of a hidden org", organization=OrganizationFactory(pending=True))

    titles = [row["title"] for row in api_as().get("/api/v1/practices/").json()["results"]]
    tagged = api_as().get("/api/v1/practices/?tag=trusted-committer").json()["results"]
    searched = api_as().get("/api/v1/practices/?q=nothing-like-it").json()["results"]

    assert titles == ["Trusted committers in a bank"]
    assert [row["slug"] for row in tagged] == [shown.slug]
    assert tagged[0]["tags"] == [
        {"slug": "trusted-committer", "name": "Trusted Committer", "kind": "technology"}
    ]
    assert "<strong>one</strong>" in tagged[0]["text_html"]
    assert searched == []
    assert api_as().get("/api/v1/practices/waiting/").status_code == 404


def test_positions_list_published_ones_with_their_count(org, position):
    PositionFactory(title="Draft", draft=True)
    EndorsementFactory(position=position, organization=org)
    EndorsementFactory(position=position, organization=OrganizationFactory(pending=True))

    rows = api_as().get("/api/v1/positions/").json()["results"]

    assert [(row["slug"], row["endorsement_count"]) for row in rows] == [("public-code", 1)]
    listed = api_as().get(ENDORSEMENTS).json()["results"]
    assert [row["organization"]["slug"] for row in listed] == ["formstone"]


def test_endorsing_by_role(org, position):
    member = MembershipFactory(organization=org).user
    owner = MembershipFactory(organization=org, owner=True).user
    body = {"organization": "formstone"}

    assert api_as().post(ENDORSEMENTS, body, format="json").status_code == 401
    assert api_as(UserFactory()).post(ENDORSEMENTS, body, format="json").status_code == 403
    assert api_as(member).post(ENDORSEMENTS, body, format="json").status_code == 403
    assert api_as(StaffFactory()).post(ENDORSEMENTS, body, format="json").status_code == 403
    stranger = MembershipFactory(organization=OrganizationFactory(), owner=True).user
    assert api_as(stranger).post(ENDORSEMENTS, body, format="json").status_code == 403
    assert not Endorsement.objects.exists()

    first = api_as(owner).post(ENDORSEMENTS, body, format="json")
    again = api_as(owner).post(ENDORSEMENTS, body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["organization"]["slug"] == "formstone"
    assert Endorsement.objects.count() == 1
    assert AuditEntry.objects.filter(action="position.endorse").count() == 1


@pytest.mark.parametrize(
    "body", [{}, {"organization": ""}, {"organization": "nope"}, {"organization": ["a"]}, []]
)
def test_bad_input_is_a_400(org, position, body):
    owner = MembershipFactory(organization=org, owner=True).user
    response = api_as(owner).post(ENDORSEMENTS, body, format="json")
    assert response.status_code == 400
    assert not Endorsement.objects.exists()


def test_a_closed_position_is_a_400_with_its_code(org):
    owner = MembershipFactory(organization=org, owner=True).user
    PositionFactory(slug="closed", open_for_endorsement=False)
    response = api_as(owner).post(
        "/api/v1/positions/closed/endorsements/", {"organization": "formstone"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "closed"


def test_withdrawing_by_role(org, position):
    EndorsementFactory(position=position, organization=org)
    url = ENDORSEMENTS + "?organization=formstone"
    member = MembershipFactory(organization=org).user
    admin = MembershipFactory(organization=org, admin=True).user

    assert api_as().delete(url).status_code == 401
    assert api_as(member).delete(url).status_code == 403
    assert Endorsement.objects.count() == 1
    assert api_as(admin).delete(url).status_code == 204
    assert api_as(admin).delete(url).status_code == 404
    assert api_as(admin).delete(ENDORSEMENTS).status_code == 404
    for malformed in ("x" * 300, "a%20b", "%C3%9E%C3%B5", "%00"):
        assert api_as(admin).delete(f"{ENDORSEMENTS}?organization={malformed}").status_code in (
            400,
            404,
        )
    assert not Endorsement.objects.exists()


def test_drafts_are_not_found(org):
    owner = MembershipFactory(organization=org, owner=True).user
    PositionFactory(slug="draft", draft=True)
    assert api_as().get("/api/v1/positions/draft/").status_code == 404
    response = api_as(owner).post(
        "/api/v1/positions/draft/endorsements/", {"organization": "formstone"}, format="json"
    )
    assert response.status_code == 404


def test_lists_keep_a_constant_number_of_queries(position, django_assert_max_num_queries):
    tags = [TagFactory(name=f"Pattern {n}") for n in range(3)]
    PracticeNoteFactory(tags=tags)
    EndorsementFactory(position=position)
    client = api_as()
    # Practices: count, rows, tags; positions: count, rows; endorsements: position, count, rows.
    with django_assert_max_num_queries(8) as few:
        client.get("/api/v1/practices/")
        client.get("/api/v1/positions/")
        client.get(ENDORSEMENTS)
    for _ in range(10):
        PracticeNoteFactory(tags=tags)
        EndorsementFactory(position=position)
        EndorsementFactory(position=PositionFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/practices/")
        client.get("/api/v1/positions/")
        client.get(ENDORSEMENTS)
