"""Hostile input answers 400 (or 404, 413, a form error) with a clear message, never a 500.

Each row of BAD_INPUTS is one input a fuzzing run found to answer 500 (or to keep a worker
busy) before the hub bounded it: NUL characters (PostgreSQL refuses them in a query),
JSON nested deep enough for a RecursionError, ids written in non-ASCII digits ("²" passes
`str.isdigit()` but not `int()`), months Python cannot represent, oversized bodies and lists.
"""

import json
from dataclasses import dataclass, field

import pytest
from django.test import Client

from directory.models import Organization
from hub.bounded import MAX_JSON_DEPTH, MAX_TAGS, MAX_TARGET_PROJECTS, parse_id
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)
from tests.events.program_helpers import make_board, propose
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


@dataclass
class World:
    organizer: object
    event: object
    owner: object
    organization: object
    pledge: object
    proposal: object
    member: object = field(default=None)


@pytest.fixture
def world():
    board = make_board()
    proposal = propose(board)
    organization = OrganizationFactory(name="Formstone Software")
    owner = MembershipFactory(organization=organization, owner=True).user
    return World(
        organizer=board.organizer,
        event=board.event,
        owner=owner,
        organization=organization,
        pledge=PledgeFactory(organization=organization),
        proposal=proposal,
        member=board.attendee,
    )


@dataclass(frozen=True)
class Bad:
    """One hostile request and what the hub must answer."""

    who: str  # anonymous, member, organizer, owner
    method: str  # get, post (form), or an API method with a JSON body: post-json, patch-json
    path: str  # {event}, {organization}, {pledge} and {proposal} are filled in from the world
    data: object = None
    status: int = 400
    says: str = ""


DEEP_LIST = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000

BAD_INPUTS = {
    "NUL in a search": Bad("anonymous", "get", "/directory/", {"q": "a\x00b"}, says="NUL"),
    "NUL in an export": Bad("anonymous", "get", "/directory/export.csv", {"q": "\x00"}),
    "NUL in an API filter": Bad("anonymous", "get", "/api/v1/organizations/", {"q": "\x00"}),
    "NUL as a parameter name": Bad("anonymous", "get", "/events/", {"\x00": "1"}),
    "NUL in a path": Bad("anonymous", "get", "/directory/organizations/a%00b/", says="NUL"),
    "NUL in a form field": Bad(
        "anonymous", "post", "/accounts/login/", {"login": "a\x00@b.org", "password": "x"}
    ),
    "JSON lists nested 5,000 deep": Bad(
        "member", "post-json", "/api/v1/contributions/", DEEP_LIST, says="nested deeper"
    ),
    "JSON objects nested 3,000 deep": Bad(
        "member", "post-json", "/api/v1/events/{event}/registration/", DEEP_OBJECT
    ),
    "JSON nested deeper than the limit": Bad(
        "member",
        "post-json",
        "/api/v1/events/{event}/registration/",
        '{"answers": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}",
        says="nested deeper",
    ),
    "a superscript digit as the id to check in": Bad(
        "organizer", "post", "/events/{event}/manage/check-in/", {"registration": "²"}, 404
    ),
    "a superscript digit as a log to approve": Bad(
        "owner", "post", "/pledges/{pledge}/review/approve/", {"contribution": ["²"]}, 302
    ),
    "superscript digits placing a session": Bad(
        "organizer",
        "post",
        "/events/{event}/manage/schedule/place/",
        {"proposal": "²", "room": "²", "slot": "²"},
        302,
    ),
    "the API's events in month 0000-01": Bad(
        "anonymous", "get", "/api/v1/events/", {"month": "0000-01"}, says="1900-01"
    ),
    "the API's events in month 9999-12": Bad(
        "anonymous", "get", "/api/v1/events/", {"month": "9999-12"}, says="9998-12"
    ),
    "the API's events in a year of Arabic-Indic digits": Bad(
        "anonymous", "get", "/api/v1/events/", {"month": "٢٠٢٦-01"}, says="YYYY-MM"
    ),
    "a form body over 1 MiB": Bad(
        "anonymous",
        "post",
        "/accounts/login/",
        {"login": "a@b.org", "password": "x" * MIB},
        413,
        "too large",
    ),
    "a JSON body over 1 MiB": Bad(
        "member", "post-json", "/api/v1/contributions/", json.dumps("x" * MIB), 413, "too large"
    ),
    "a word as the page to go back to after a vote": Bad(
        "member", "post", "/events/{event}/sessions/{proposal}/vote/", {"next": "²"}, 302
    ),
    "an unknown section to go back to after opening the board": Bad(
        "organizer",
        "post",
        "/events/{event}/manage/sessions/board/",
        {"open": "1", "section": "99"},
        302,
    ),
    "10**30 hours logged": Bad(
        "owner",
        "post",
        "/pledges/{pledge}/",
        {"date": "2026-01-05", "hours": str(10**30), "description": "x"},
        200,
        "Ensure this value",
    ),
    "more answers than an event has questions": Bad(
        "member",
        "post-json",
        "/api/v1/events/{event}/registration/",
        json.dumps({"answers": {f"Question {n}?": "yes" for n in range(11)}}),
        says="at most 10 answers",
    ),
}


def client_for(who: str, world: World) -> Client:
    client = Client()
    user = {
        "anonymous": None,
        "member": world.member,
        "organizer": world.organizer,
        "owner": world.owner,
    }[who]
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, bad: Bad, world: World):
    path = bad.path.format(
        event=world.event.slug,
        organization=world.organization.slug,
        pledge=world.pledge.pk,
        proposal=world.proposal.pk,
    )
    if bad.method == "get":
        return client.get(path, bad.data)
    if bad.method == "post":
        return client.post(path, bad.data)
    method = bad.method.removesuffix("-json")
    return getattr(client, method)(path, bad.data, content_type="application/json")


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_hostile_input_is_answered_without_a_server_error(name, world):
    bad = BAD_INPUTS[name]
    response = send(client_for(bad.who, world), bad, world)
    assert response.status_code == bad.status, response.content[:500]
    assert bad.says in response.content.decode()


def test_a_page_refusing_input_explains_itself_in_html():
    response = Client().get("/directory/", {"q": "\x00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>We could not read that request</h1>" in response.content.decode()


def test_an_api_call_refusing_input_answers_json():
    response = Client().get("/api/v1/organizations/", {"q": "\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_invalid_utf8_in_a_query_or_path_is_replaced_not_a_server_error():
    client = Client()
    assert client.get("/directory/", QUERY_STRING="q=%ff%fe&tag=%c3%28").status_code == 200
    assert client.get("/directory/organizations/%ff/").status_code == 404


@pytest.mark.parametrize(
    "value,expected",
    [("12", 12), ("0012", 12), ("²", None), ("١٢", None), ("1" * 19, None), ("-1", None),
     (" 1", None), ("1\n", None), ("", None), (None, None), (7, 7)],
)  # fmt: skip
def test_ids_are_ascii_digits_of_bounded_length(value, expected):
    assert parse_id(value) == expected


# --- Lists: capped before a single row is looked up ------------------------------------------


def test_half_a_megabyte_of_tag_slugs_is_refused_with_a_constant_number_of_queries(
    world, django_assert_max_num_queries
):
    """A 540 KB list of tags once kept a worker busy for 43 s, one query per slug."""
    client = client_for("owner", world)
    slugs = [f"tag-{n}" for n in range(50_000)]
    with django_assert_max_num_queries(12):
        response = client.patch(
            f"/api/v1/organizations/{world.organization.slug}/",
            json.dumps({"tags": slugs}),
            content_type="application/json",
        )
    assert response.status_code == 400
    assert response.json()["tags"] == [f"Choose at most {MAX_TAGS} tags."]


def test_the_api_takes_twenty_tags_but_not_twenty_one(world):
    tags = TagFactory.create_batch(MAX_TAGS + 1)
    client = client_for("owner", world)
    path = f"/api/v1/organizations/{world.organization.slug}/"

    def patch(chosen):
        body = json.dumps({"tags": [tag.slug for tag in chosen]})
        return client.patch(path, body, content_type="application/json")

    assert patch(tags).status_code == 400
    assert patch(tags[:MAX_TAGS]).status_code == 200


def test_the_submit_form_refuses_more_than_twenty_tags_with_a_form_error(world):
    tags = TagFactory.create_batch(MAX_TAGS + 1)
    response = client_for("member", world).post(
        "/directory/submit/",
        {"name": "Harbor Labs", "kind": "company", "tags": [tag.pk for tag in tags]},
    )
    assert response.status_code == 200
    assert f"Choose at most {MAX_TAGS} tags." in response.content.decode()
    assert not Organization.objects.filter(name="Harbor Labs").exists()


def test_a_pledge_names_at_most_fifty_target_projects(world):
    projects = ProjectFactory.create_batch(MAX_TARGET_PROJECTS + 1)
    response = client_for("owner", world).patch(
        f"/api/v1/pledges/{world.pledge.pk}/",
        json.dumps({"target_projects": [project.slug for project in projects]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["target_projects"] == [
        f"Choose at most {MAX_TARGET_PROJECTS} target projects."
    ]


def test_the_pledge_form_refuses_more_than_fifty_target_projects(world):
    from pledges.forms import PledgeForm

    form = PledgeForm()
    field = form.fields["target_projects"]
    with pytest.raises(Exception, match="at most 50 target projects"):
        field.clean([str(n) for n in range(MAX_TARGET_PROJECTS + 1)])
