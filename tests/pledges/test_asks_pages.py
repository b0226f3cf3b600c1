"""Ask pages: the list with its facets and search, one ask with its progress and offers,
posting and changing asks, offering hours; who may do what on each; bad input answered on the
form, never a server error; constant queries on the list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from directory.models import ListingStatus, Organization
from pledges.asks import services
from pledges.models import Ask, Contribution, Offer, PersonSkill
from tests.directory.factories import (
    OrganizationFactory,
    ProjectFactory,
    ProjectRoleFactory,
    TagFactory,
)
from tests.pledges.asks_world import AskFactory, World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return make_world()


TODAY = timezone.localdate()
PEOPLE = ("anonymous", "other", "maintainer_member", "contributor", "maintainer", "staff")


def client_of(world: World, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    return client


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_open_asks_of_published_projects_only(client, world: World):
    hidden = AskFactory(project=ProjectFactory(pending=True), title="Hidden pending ask")
    closed = AskFactory(project=world.project, title="Closed ask")
    services.ask_close(ask=closed, actor=world.maintainer)
    past = AskFactory(project=world.project, title="Past ask")
    Ask.objects.filter(pk=past.pk).update(needed_by=TODAY - timedelta(days=1))
    html = page(client, "/asks/")
    assert world.ask.title in html and "stoopkit" in html
    for ask in (hidden, closed, past):
        assert ask.title not in html
    page(client, hidden.get_absolute_url(), 404)
    assert "Closed by its maintainers" in page(client, closed.get_absolute_url())


def test_facets_and_search_narrow_the_list(client, world: World):
    rust = TagFactory(name="Rust")
    lab = OrganizationFactory(name="Bay Observing Lab", kind=Organization.Kind.LAB)
    buoy = ProjectFactory(name="buoyline", organizations=[lab])
    AskFactory(project=buoy, title="Port the parser to no_std", skills=[rust], hours_wanted=60)
    html = page(client, "/asks/?skill=rust")
    assert "Port the parser" in html and world.ask.title not in html
    html = page(client, "/asks/?kind=lab")
    assert "Port the parser" in html and world.ask.title not in html
    html = page(client, "/asks/?hours=few")
    assert "Port the parser" not in html and world.ask.title in html
    html = page(client, "/asks/?q=parser")
    assert "Port the parser" in html and world.ask.title not in html
    html = page(client, "/asks/?project=stoopkit&hours=many")
    assert "No open asks match this search" in html
    # Malformed filters are ignored, never looked up.
    assert world.ask.title in page(
        client, "/asks/?skill=..%2F&kind=nope&hours=%F0%9F%98%80&page=-1"
    )


def test_the_list_keeps_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    page(client, "/asks/")
    with django_assert_max_num_queries(10) as few:
        page(client, "/asks/")
    for _ in range(12):
        project = ProjectFactory(organizations=[OrganizationFactory()])
        AskFactory(project=project, skills=TagFactory.create_batch(2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(client, "/asks/")
    assert html.count('class="listing-card ask-card"') == 13


# --- One ask ----------------------------------------------------------------------------------


def test_progress_is_an_accessible_bar_of_approved_hours(client, world: World):
    world.log("4")
    world.log("3", approve=False)
    html = page(client, world.ask.get_absolute_url())
    assert '<progress class="pledge-progress__bar" max="100" value="40"' in html
    assert 'aria-labelledby="ask-progress-detail"' in html
    assert "4 of 10 hours</strong> given and approved (40%)" in html
    assert "Tidewater Cloudworks" in html  # given by


@pytest.mark.parametrize("who", PEOPLE)
def test_only_maintainers_see_the_offers(world: World, who):
    services.offer_make(ask=world.ask, person=world.contributor, hours=Decimal("5"), note="Hi!")
    html = page(client_of(world, who), world.ask.get_absolute_url())
    sees = who in ("maintainer", "staff")
    assert ("Offers (1)" in html) is sees
    assert (world.contributor.email in html) is sees


# --- Who may do what --------------------------------------------------------------------------

ALLOWED_TO_MAINTAIN = {"maintainer", "staff"}


@pytest.mark.parametrize("who", PEOPLE)
def test_posting_an_ask(world: World, who):
    client = client_of(world, who)
    response = client.post(
        "/asks/new/",
        {
            "project": "stoopkit",
            "title": "Write the city install guide",
            "text": "For cities that run their own copy.",
            "hours_wanted": "16",
            "needed_by": (TODAY + timedelta(days=20)).isoformat(),
        },
    )
    made = Ask.objects.filter(title="Write the city install guide").exists()
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif who in ALLOWED_TO_MAINTAIN:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
    assert made is (who in ALLOWED_TO_MAINTAIN)


@pytest.mark.parametrize("who", PEOPLE)
def test_changing_and_closing_an_ask(world: World, who):
    client = client_of(world, who)
    edit = client.post(
        f"/asks/{world.ask.pk}/edit/",
        {
            "title": "Changed",
            "text": "New text.",
            "hours_wanted": "10",
            "needed_by": (TODAY + timedelta(days=9)).isoformat(),
        },
    )
    close = client.post(f"/asks/{world.ask.pk}/close/")
    ask = Ask.objects.get()
    allowed = who in ALLOWED_TO_MAINTAIN
    expected = 302 if allowed or who == "anonymous" else 403
    assert (edit.status_code, close.status_code) == (expected, expected)
    assert (ask.title == "Changed") is allowed
    assert (ask.status == Ask.Status.CLOSED) is allowed


@pytest.mark.parametrize("who", PEOPLE)
def test_offering_and_withdrawing(world: World, who):
    client = client_of(world, who)
    offered = client.post(f"/asks/{world.ask.pk}/offer/", {"hours": "6", "note": "Evenings."})
    active = Offer.objects.filter(status=Offer.Status.ACTIVE)
    if who == "anonymous":
        assert offered.status_code == 302 and not active.exists()
        return
    assert offered.status_code == 302 and active.get().person == getattr(world, who)
    assert client.post(f"/asks/{world.ask.pk}/withdraw/").status_code == 302
    assert not active.exists()


def test_a_double_submitted_offer_makes_one(world: World):
    client = client_of(world, "contributor")
    for _ in range(2):
        assert client.post(f"/asks/{world.ask.pk}/offer/", {"hours": "6"}).status_code == 302
    assert Offer.objects.count() == 1


def test_forms_need_csrf(world: World):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)
    assert client.post(f"/asks/{world.ask.pk}/offer/", {"hours": "6"}).status_code == 403


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours": "0"}, "greater than or equal to 0.25"),
        ({"hours": "1.1"}, "quarter hours"),
        ({"hours": "x"}, "Enter a number"),
        ({"hours": "99999999999999"}, "Ensure"),
        ({"hours": "2", "note": "n" * 1001}, "at most 1000"),
    ],
)
def test_a_bad_offer_is_answered_on_the_form(world: World, data, message):
    response = client_of(world, "other").post(f"/asks/{world.ask.pk}/offer/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Offer.objects.exists()


def test_an_offer_to_a_closed_ask_is_refused_on_the_page(world: World):
    client = client_of(world, "other")
    html = page(client, world.ask.get_absolute_url())
    services.ask_close(ask=world.ask, actor=world.maintainer)
    response = client.post(f"/asks/{world.ask.pk}/offer/", {"hours": "2"})
    assert response.status_code == 400 and "takes no more offers" in response.content.decode()
    assert "Offer hours" in html


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"needed_by": "2020-01-01"}, "Choose today or a later day"),
        ({"needed_by": "2025-02-30"}, "Enter a valid date"),
        ({"hours_wanted": "0"}, "greater than or equal to 1"),
        ({"hours_wanted": "1e9"}, "Ensure"),
        ({"project": "not-mine"}, "Select a valid choice"),
        ({"title": ""}, "This field is required"),
    ],
)
def test_a_bad_ask_is_answered_on_the_form(world: World, data, field_message):
    ProjectFactory(slug="not-mine")
    response = client_of(world, "maintainer").post(
        "/asks/new/",
        {
            "project": "stoopkit",
            "title": "Guide",
            "text": "Write it.",
            "hours_wanted": "8",
            "needed_by": (TODAY + timedelta(days=9)).isoformat(),
            **data,
        },
    )
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert Ask.objects.count() == 1


# --- The project and organization pages, /me/ -------------------------------------------------


def test_a_pledging_organizations_page_shows_the_asks_that_match_it(client, world: World):
    html = page(client, world.pledging.get_absolute_url())
    assert "Asks that match Tidewater Cloudworks" in html and world.ask.title in html
    # An organization without a pledge gets no such section.
    assert "Asks that match" not in page(client, world.maintaining.get_absolute_url())


def test_an_unpublished_projects_asks_leave_every_page(client, world: World):
    world.project.status = ListingStatus.PENDING
    world.project.save()
    assert world.ask.title not in page(client, "/asks/")
    assert world.ask.title not in page(client, world.pledging.get_absolute_url())
    page(client, world.ask.get_absolute_url(), 404)
    client.force_login(world.staff)
    assert "only staff see the ask" in page(client, world.ask.get_absolute_url())


def test_me_lists_my_skills_and_the_asks_that_need_them(world: World):
    client = client_of(world, "other")
    assert world.ask.title not in page(client, "/me/")
    python = world.ask.skills.get()
    response = client.post("/asks/skills/", {"skills": [python.pk]})
    assert response.status_code == 302 and response["Location"].endswith("/me/#skills-title")
    html = page(client, "/me/")
    assert world.ask.title in html
    bad = client.post("/asks/skills/", {"skills": ["x"]})
    assert bad.status_code == 302
    assert "Your skills are saved" not in page(client, "/me/")
    assert list(PersonSkill.objects.filter(person=world.other).values_list("tag", flat=True)) == [
        python.pk
    ]


def test_a_member_of_a_pledging_organization_sees_its_target_projects_asks_on_me(world: World):
    assert world.ask.title in page(client_of(world, "contributor"), "/me/")


def test_the_project_page_lists_its_open_asks_and_links_maintainers_to_post(world: World):
    html = page(Client(), world.project.get_absolute_url())
    assert world.ask.title in html and "Post an ask" not in html
    html = page(client_of(world, "maintainer"), world.project.get_absolute_url())
    assert "Post an ask" in html and "/asks/new/?project=stoopkit" in html


def test_the_log_form_offers_open_asks(world: World):
    ProjectRoleFactory(project=world.project, organization=world.pledging, role="sponsor")
    html = page(client_of(world, "contributor"), world.pledge.get_absolute_url())
    assert f"stoopkit: {world.ask.title}" in html


def test_listing_skills_needs_a_signed_in_person(client, world: World):
    python = world.ask.skills.get()
    response = client.post("/asks/skills/", {"skills": [python.pk]})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/asks/skills/").status_code == 405


def test_a_log_from_the_pledge_page_names_its_ask_and_takes_its_project(world: World):
    response = client_of(world, "contributor").post(
        world.pledge.get_absolute_url(),
        {"date": TODAY.isoformat(), "hours": "2", "description": "Strings.", "ask": world.ask.pk},
    )
    assert response.status_code == 302
    log = Contribution.objects.get()
    assert (log.ask, log.project) == (world.ask, world.project)
