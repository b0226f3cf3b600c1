"""The chamber's pages: who sees and does what (every URL, each kind of person), search and
facets, forms that answer bad input with errors, constant query counts, the feed, the
organization page's section and the staff export."""

import csv
import io

import pytest
from django.test import Client

from chamber.models import Endorsement, PracticeNote
from directory.models import ListingStatus
from hub.models import AuditEntry
from tests.chamber.factories import EndorsementFactory, PositionFactory, PracticeNoteFactory
from tests.directory.factories import MembershipFactory, OrganizationFactory, TagFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = 302  # a page asks an anonymous visitor to sign in


class World:
    """An organization with an owner, an admin and a member (who wrote a published note and
    a pending one); someone of another organization; staff; an open, a closed and a draft
    position, the open one endorsed by another organization."""

    def __init__(self):
        self.organization = OrganizationFactory(name="Formstone Software", slug="formstone")
        self.owner = MembershipFactory(organization=self.organization, owner=True).user
        self.admin = MembershipFactory(organization=self.organization, admin=True).user
        self.member = MembershipFactory(organization=self.organization).user
        self.unrelated = MembershipFactory(organization=OrganizationFactory()).user
        self.staff = StaffFactory()
        self.anonymous = None
        self.note = PracticeNoteFactory(
            organization=self.organization, author=self.member, title="Trusted committers"
        )
        self.pending = PracticeNoteFactory(
            organization=self.organization, author=self.member, title="Draft note", pending=True
        )
        self.position = PositionFactory(title="Publish public code", slug="public-code")
        self.closed = PositionFactory(title="Fund maintainers", open_for_endorsement=False)
        self.draft = PositionFactory(title="Secret plans", slug="secret", draft=True)
        self.other = EndorsementFactory(position=self.position)


@pytest.fixture
def world():
    return World()


def client_as(world, who: str) -> Client:
    client = Client()
    person = getattr(world, who)
    if person is not None:
        client.force_login(person)
    return client


PEOPLE = ["anonymous", "unrelated", "member", "admin", "owner", "staff"]


def note_data(world, **overrides) -> dict:
    return {
        "title": "How our OSPO approves upstream contributions",
        "organization": world.organization.pk,
        "summary": "One form and two business days.",
        "text": "Open an issue; a trusted committer reviews it.",
        **overrides,
    }


# --- Who gets what, URL by URL -----------------------------------------------------------------

READS = {
    # url: status for each of PEOPLE
    "/practices/": [200] * 6,
    "/practices/trusted-committers/": [200] * 6,
    "/practices/draft-note/": [404, 404, 200, 404, 404, 200],
    "/practices/new/": [LOGIN, 200, 200, 200, 200, 403],
    "/practices/trusted-committers/edit/": [LOGIN, 403, 200, 403, 403, 403],
    "/practices/draft-note/edit/": [LOGIN, 404, 200, 404, 404, 403],
    "/advocacy/": [200] * 6,
    "/advocacy/feed.atom": [200] * 6,
    "/advocacy/public-code/": [200] * 6,
    "/advocacy/secret/": [404, 404, 404, 404, 404, 200],
    "/advocacy/public-code/endorsers.csv": [LOGIN, 403, 403, 403, 403, 200],
    "/advocacy/secret/endorsers.csv": [LOGIN, 403, 403, 403, 403, 200],
}


@pytest.mark.parametrize("url", READS)
def test_who_reads_what(world, url):
    answers = [client_as(world, who).get(url).status_code for who in PEOPLE]
    assert dict(zip(PEOPLE, answers, strict=True)) == dict(zip(PEOPLE, READS[url], strict=True))


def test_endorsing_by_role(world):
    """Only the organization's owners and admins endorse; others get 403, anonymous a login."""
    expected = {"anonymous": LOGIN, "unrelated": 403, "member": 403, "staff": 403}
    for who, status in expected.items():
        response = client_as(world, who).post(
            "/advocacy/public-code/endorse/", {"organization": "formstone"}
        )
        assert response.status_code == status, who
    assert not Endorsement.objects.filter(organization=world.organization).exists()
    for who in ("admin", "owner"):
        response = client_as(world, who).post(
            "/advocacy/public-code/endorse/", {"organization": "formstone"}, follow=True
        )
        assert response.status_code == 200
        assert Endorsement.objects.filter(organization=world.organization).count() == 1
    assert AuditEntry.objects.filter(action="position.endorse").count() == 1


def test_endorsing_for_an_organization_one_does_not_manage_is_a_form_error(world):
    response = client_as(world, "owner").post(
        "/advocacy/public-code/endorse/", {"organization": world.other.organization.slug}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("value", ["", "x" * 500, "\u2603", "formstone'--"])
def test_bad_input_to_endorse_is_a_400_with_the_form(world, value):
    response = client_as(world, "owner").post(
        "/advocacy/public-code/endorse/", {"organization": value}
    )
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()


def test_a_closed_position_refuses_on_the_page(world):
    response = client_as(world, "owner").post(
        f"/advocacy/{world.closed.slug}/endorse/", {"organization": "formstone"}
    )
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert Endorsement.objects.filter(position=world.closed).count() == 0


def test_withdrawing_by_role(world):
    Endorsement.objects.create(position=world.position, organization=world.organization)
    expected = {"anonymous": LOGIN, "unrelated": 403, "member": 403}
    for who, status in expected.items():
        response = client_as(world, who).post(
            "/advocacy/public-code/withdraw/", {"organization": "formstone"}
        )
        assert response.status_code == status, who
    assert Endorsement.objects.filter(organization=world.organization).count() == 1
    response = client_as(world, "admin").post(
        "/advocacy/public-code/withdraw/", {"organization": "formstone"}
    )
    assert response.status_code == 302
    assert not Endorsement.objects.filter(organization=world.organization).exists()
    # Nothing left to withdraw, or a malformed name: not found, never a server error.
    for value in ("formstone", "", "a b", "x" * 300):
        response = client_as(world, "admin").post(
            "/advocacy/public-code/withdraw/", {"organization": value}
        )
        assert response.status_code == 404


def test_the_position_page_shows_endorsers_grouped_by_kind_and_the_form_to_managers(world):
    lab = OrganizationFactory(name="Jones Falls Computing Lab", kind="lab")
    EndorsementFactory(position=world.position, organization=lab)
    EndorsementFactory(
        position=world.position, organization=OrganizationFactory(name="Hidden Co", pending=True)
    )

    anonymous = client_as(world, "anonymous").get("/advocacy/public-code/").content.decode()
    owner = client_as(world, "owner").get("/advocacy/public-code/").content.decode()

    assert "Endorsed by 2 organizations" in anonymous
    assert anonymous.index("Company") < anonymous.index("Research lab")
    assert "Jones Falls Computing Lab" in anonymous and "Hidden Co" not in anonymous
    assert 'action="/advocacy/public-code/endorse/"' not in anonymous
    assert 'action="/advocacy/public-code/endorse/"' in owner
    assert "Formstone Software" in owner


# --- Practice notes: the list, the form ---------------------------------------------------------


def test_search_and_facets(world):
    pattern = TagFactory(name="Trusted Committer")
    world.note.tags.set([pattern])
    PracticeNoteFactory(title="Procurement without silos", text="Buy once, share with the county.")

    everything = Client().get("/practices/").content.decode()
    searched = Client().get("/practices/?q=county").content.decode()
    tagged = Client().get("/practices/?tag=trusted-committer").content.decode()
    by_org = Client().get("/practices/?organization=formstone").content.decode()

    assert "Trusted committers" in everything and "Procurement without silos" in everything
    assert "Draft note" not in everything
    assert "Procurement without silos" in searched and "Trusted committers" not in searched
    assert "Trusted committers" in tagged and "Procurement without silos" not in tagged
    assert "Trusted Committer" in everything  # the tag facet
    assert "Procurement without silos" not in by_org


@pytest.mark.parametrize(
    "query",
    ["?q=" + "x" * 5000, "?tag=%E2%98%83", "?organization=../../", "?page=-1", "?page=99999"],
)
def test_malformed_filters_never_fail(world, query):
    assert Client().get("/practices/" + query).status_code == 200


def test_the_list_keeps_a_constant_number_of_queries(world, django_assert_max_num_queries):
    tags = [TagFactory(name=f"Pattern {n}") for n in range(3)]
    PracticeNoteFactory(tags=tags[:1])
    client = Client()
    with django_assert_max_num_queries(8) as few:
        client.get("/practices/")
    for _ in range(15):
        PracticeNoteFactory(tags=tags)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/practices/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/advocacy/")
    for _ in range(10):
        EndorsementFactory(position=PositionFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/advocacy/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/advocacy/{world.position.slug}/")


def test_a_member_writes_a_note_that_waits_for_review(world):
    client = client_as(world, "member")
    response = client.post("/practices/new/", note_data(world))

    note = PracticeNote.objects.get(title="How our OSPO approves upstream contributions")
    assert response.status_code == 302 and response["Location"] == note.get_absolute_url()
    assert note.status == ListingStatus.PENDING and note.author == world.member
    assert Client().get(note.get_absolute_url()).status_code == 404
    assert "pending review" in client.get(note.get_absolute_url()).content.decode().lower()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": ""}, "title"),
        ({"text": ""}, "text"),
        ({"organization": "999999"}, "organization"),
        ({"organization": "not a number"}, "organization"),
        ({"summary": "x" * 400}, "summary"),
        ({"tags": ["999999"]}, "tags"),
    ],
)
def test_bad_input_to_the_note_form_is_a_400_with_errors(world, overrides, field):
    response = client_as(world, "member").post("/practices/new/", note_data(world, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not PracticeNote.objects.filter(summary__startswith="x").exists()


def test_a_note_is_written_only_for_ones_own_organization(world):
    stranger_org = OrganizationFactory()
    response = client_as(world, "member").post(
        "/practices/new/", note_data(world, organization=stranger_org.pk)
    )
    assert response.status_code == 400
    assert not PracticeNote.objects.filter(organization=stranger_org).exists()


def test_editing_a_published_note_sends_it_back_to_review(world):
    response = client_as(world, "member").post(
        "/practices/trusted-committers/edit/", note_data(world, title="Trusted committers, v2")
    )
    assert response.status_code == 302
    world.note.refresh_from_db()
    assert world.note.status == ListingStatus.PENDING
    assert world.note.title == "Trusted committers, v2"
    assert Client().get("/practices/trusted-committers/").status_code == 404


def test_bad_input_to_the_edit_form_keeps_the_note(world):
    response = client_as(world, "member").post(
        "/practices/trusted-committers/edit/", note_data(world, title="")
    )
    assert response.status_code == 400
    world.note.refresh_from_db()
    assert world.note.title == "Trusted committers" and world.note.status == "published"


# --- Around the pages -----------------------------------------------------------------------------


def test_the_organization_page_links_its_notes_and_endorsements(world):
    Endorsement.objects.create(position=world.position, organization=world.organization)
    page = Client().get(world.organization.get_absolute_url()).content.decode()
    assert "/practices/trusted-committers/" in page
    assert "Draft note" not in page
    assert "/advocacy/public-code/" in page
    member_page = client_as(world, "member").get(world.organization.get_absolute_url())
    assert "/practices/new/?organization=formstone" in member_page.content.decode()


def test_the_feed_lists_published_positions_only(world):
    feed = Client().get("/advocacy/feed.atom").content.decode()
    assert "Publish public code" in feed and "Fund maintainers" in feed
    assert "Secret plans" not in feed


def test_staff_export_endorsers_with_an_audit_row(world):
    EndorsementFactory(
        position=world.position, organization=OrganizationFactory(name="=HYPERLINK(evil)")
    )
    response = client_as(world, "staff").get("/advocacy/public-code/endorsers.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "organization"
    assert {row[0] for row in rows[1:]} == {world.other.organization.name, "'=HYPERLINK(evil)"}
    entry = AuditEntry.objects.get(action="position.export")
    assert entry.actor == world.staff and entry.detail == {"rows": 2}
    assert response["Cache-Control"] == "private, no-store"


def test_other_users_own_pending_note_is_not_theirs_to_see(world):
    other = UserFactory()
    client = Client()
    client.force_login(other)
    assert client.get("/practices/draft-note/").status_code == 404
