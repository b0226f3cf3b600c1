"""The year in numbers' pages (/impact/, /impact/<year>/, its CSV): the total first, the
organizations in the hub's order, an accessible chart with its table, a CSV for machines,
404 outside the hub's years, a constant number of queries, and the page cache."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.events.factories import EventFactory
from tests.factories import StaffFactory, UserFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory
from tests.portal.impact_world import LAST_YEAR, approved, build_world, day, moment

pytestmark = pytest.mark.django_db

PAGE = f"/impact/{LAST_YEAR}/"
CSV = f"/impact/{LAST_YEAR}/impact.csv"
ALPHABETICAL = ["Formstone Software", "Harbor Health Informatics Lab", "Tidewater Cloudworks"]


@pytest.fixture
def world(db):
    return build_world()


def fetch(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured)


def text_of(response) -> str:
    """The page's words, tags and spaces folded away."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def organization_names(response) -> list[str]:
    table = response.content.decode().split('class="impact-organizations"')[1]
    return re.findall(
        r'<th scope="row"><a href="/directory/organizations/[^"]+/">([^<]+)</a>', table
    )


def test_the_hub_s_total_comes_first(client, world):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('<strong class="impact-headline__figure">11</strong>') < html.index(
        'id="hours-title"'
    )
    words = text_of(response)
    # Harbor Health pledged but gave no hours yet: two organizations gave.
    assert f"In {LAST_YEAR}, 3 people from 2 organizations of" in words
    assert "gave 11 hours to 2 open source projects" in words
    assert "That is 1% of the 1,160 hours pledged for the year." in words


def test_every_figure_is_on_the_page(client, world):
    words = text_of(client.get(PAGE))
    for figure in (
        "Hours given 11",
        f"Hours pledged for {LAST_YEAR} 1,160",
        "Approved logs with evidence checked on a forge 1 of 4",
        "Hours with checked evidence 3",
        "Organizations pledging 3",
        "People contributing 3",
        "Projects helped 2",
        "Projects’ asks met 1",
        "New members of the hub 1",
        "Organizations joining the directory 2",
        "Events held 2",
        "People checked in at them 2",
        "Positions published 1",
        "Endorsements by organizations 3",
    ):
        assert figure in words


def test_private_pledges_and_unpublished_organizations_are_not_named(client, world):
    html = client.get(PAGE).content.decode()
    for name in ("Screen Door Digital", "Fells Point Pending Co", "Archived Analytics"):
        assert name not in html
    assert "Pledges an organization keeps private count nowhere on this page" in html


def test_organizations_are_alphabetical_by_default(client, world, settings):
    assert settings.HUB_BOARDS_RANKED is False
    response = client.get(PAGE)
    assert organization_names(response) == ALPHABETICAL
    assert "In alphabetical order" in response.content.decode()


def test_organizations_are_ranked_when_the_hub_says_so(client, world, settings):
    settings.HUB_BOARDS_RANKED = True
    response = client.get(PAGE)
    assert organization_names(response) == [
        "Tidewater Cloudworks",
        "Formstone Software",
        "Harbor Health Informatics Lab",
    ]
    assert "By hours given, most first." in response.content.decode()


def test_the_chart_is_an_accessible_svg_with_its_numbers_in_a_table(client, world):
    html = client.get(PAGE).content.decode()
    svg = re.search(r"<svg [^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="impact-chart-title impact-chart-desc"' in svg
    assert (
        f'<title id="impact-chart-title">Hours given per month, January {LAST_YEAR} '
        f"to December {LAST_YEAR}</title>"
    ) in svg
    assert '<desc id="impact-chart-desc">' in svg
    assert svg.count("<rect ") == 3  # February, April and July gave hours
    assert f"April {LAST_YEAR}: 5.5 hours given" in svg
    table = html.split("<caption>Approved hours given per month")[1].split("</table>")[0]
    assert f'<th scope="row">April {LAST_YEAR}</th><td class="num">5.5</td>' in table
    assert table.count("<tr>") == 13  # the heading and twelve months


def test_the_page_links_its_csv_and_print_stylesheet(client, world):
    html = client.get(PAGE).content.decode()
    assert f'href="{CSV}"' in html
    assert 'href="/static/css/impact.css"' in html


def test_the_csv_holds_the_figures_months_and_organizations(client, world):
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="impact-{LAST_YEAR}-as-of-{LAST_YEAR}-12-31.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "figure",
        "period_start",
        "period_end",
        "organization",
        "organization_name",
        "value",
    ]
    year = [f"{LAST_YEAR}-01-01", f"{LAST_YEAR}-12-31"]
    assert ["hours_pledged", *year, "", "", "1160.00"] in rows
    assert ["hours_given", *year, "", "", "11.00"] in rows
    assert ["logs_with_checked_evidence", *year, "", "", "1"] in rows
    assert ["event_attendance", *year, "", "", "2"] in rows
    assert ["asks_met", *year, "", "", "1"] in rows
    assert ["organizations_giving", *year, "", "", "2"] in rows
    assert ["hours_given", f"{LAST_YEAR}-04-01", f"{LAST_YEAR}-04-30", "", "", "5.50"] in rows
    tidewater = rows[
        rows.index(
            ["hours_pledged", *year, "tidewater-cloudworks", "Tidewater Cloudworks", "100.00"]
        )
        + 1
    ]
    assert tidewater == [
        "hours_given",
        *year,
        "tidewater-cloudworks",
        "Tidewater Cloudworks",
        "9.50",
    ]
    named = [row[4] for row in rows if row[0] == "hours_pledged" and row[3]]
    assert named == ALPHABETICAL


def test_the_current_year_s_csv_runs_through_today(client, db):
    today = timezone.localdate()
    response = client.get(f"/impact/{today.year}/impact.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["hours_given", f"{today.year}-01-01", today.isoformat(), "", "", "0.00"] in rows
    assert ["hours_pledged", f"{today.year}-01-01", f"{today.year}-12-31", "", "", "0.00"] in rows


def test_impact_is_the_current_year_so_far(client, world):
    today = timezone.localdate()
    response = client.get("/impact/")
    html = response.content.decode()
    assert f"<h1>{today.year} so far, in numbers</h1>" in html
    assert f'<link rel="canonical" href="http://testserver/impact/{today.year}/">' in html
    assert f'<a href="/impact/{today.year}/" aria-current="page">{today.year}</a>' in html
    for year in (LAST_YEAR, LAST_YEAR - 1):
        assert f'<a href="/impact/{year}/">{year}</a>' in html


@pytest.mark.parametrize("offset", [-2, 1, 2])
def test_a_year_outside_the_hub_s_is_not_found(client, world, offset):
    year = LAST_YEAR + offset if offset < 0 else timezone.localdate().year + offset
    assert client.get(f"/impact/{year}/").status_code == 404
    assert client.get(f"/impact/{year}/impact.csv").status_code == 404


@pytest.mark.parametrize("path", ["/impact/0/", "/impact/99999999999999999999999/", "/impact/abc/"])
def test_a_year_that_is_no_year_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_the_page_and_csv_answer_only_reads(client, world):
    assert client.post(PAGE).status_code == 405
    assert client.post(CSV).status_code == 405


@pytest.mark.parametrize("who", ["anonymous", "someone", "member", "admin", "staff"])
def test_everyone_sees_the_same_public_figures(client, world, who):
    """Staff and the private pledge's own people too: the page is the public's."""
    people = {
        "someone": UserFactory,
        "member": lambda: MembershipFactory(organization=world.screen_door).user,
        "admin": lambda: MembershipFactory(organization=world.harbor, admin=True).user,
        "staff": StaffFactory,
    }
    if who != "anonymous":
        client.force_login(people[who]())
    response = client.get(PAGE)
    assert response.status_code == 200
    words = text_of(response)
    assert "Hours given 11" in words
    assert "Screen Door Digital" not in words
    assert client.get(CSV).content.decode().count("\nhours_pledged,") == 4


def test_the_page_takes_the_same_queries_for_more_rows(client, world, settings):
    settings.HUB_PAGE_CACHE_SECONDS = 0
    _, queries = fetch(client, PAGE)
    for index in range(6):
        organization = OrganizationFactory(name=f"Canton Civic Tech {index}")
        pledge = PledgeFactory(organization=organization, starts_on=day(1, 1))
        approved(pledge, "2", day(index + 1, 2))
        ContributionFactory(pledge=pledge, date=day(3, index + 1))
        EventFactory(starts_at=moment(3, index + 1))
    response, more_queries = fetch(client, PAGE)
    assert len(organization_names(response)) == 9
    assert more_queries == queries
    _, csv_queries = fetch(client, CSV)
    assert csv_queries == queries


class TestPageCache:
    @pytest.fixture(autouse=True)
    def page_cache_on(self, settings):
        settings.HUB_PAGE_CACHE_SECONDS = 60

    def test_an_anonymous_reader_gets_the_stored_page(self, client, world):
        for url in ("/impact/", PAGE, CSV):
            first, _ = fetch(client, url)
            second, queries = fetch(client, url)
            assert (url, queries) == (url, 0)
            assert second.content == first.content

    def test_a_signed_in_reader_gets_a_fresh_page(self, client, world):
        fetch(client, PAGE)  # the anonymous copy is in the cache
        client.force_login(UserFactory())
        _, queries = fetch(client, PAGE)
        assert queries > 0

    @pytest.mark.parametrize("app", ["directory", "events", "pledges", "chamber"])
    def test_a_change_to_any_app_it_counts_makes_it_stale(
        self, client, world, app, django_capture_on_commit_callbacks
    ):
        fetch(client, PAGE)
        changes = {
            "directory": lambda: OrganizationFactory(),
            "events": lambda: EventFactory(starts_at=moment(10, 1)),
            "pledges": lambda: approved(world.harbor_pledge, "1", day(10, 1)),
            "chamber": lambda: world.position.save(),
        }
        with django_capture_on_commit_callbacks(execute=True):
            changes[app]()
        _, queries = fetch(client, PAGE)
        assert queries > 0

    def test_approved_hours_show_once_committed(
        self, client, world, django_capture_on_commit_callbacks
    ):
        assert "Hours given 11" in text_of(fetch(client, PAGE)[0])
        with django_capture_on_commit_callbacks(execute=True):
            approved(world.harbor_pledge, "4", day(10, 1))
        assert "Hours given 15" in text_of(fetch(client, PAGE)[0])


def test_the_home_page_and_every_footer_link_here(client, db):
    html = client.get("/").content.decode()
    main, footer = html.split("<footer")
    assert '<a href="/impact/">The year in numbers</a>' in main
    assert '<a href="/impact/">The year in numbers</a>' in footer
    assert '<a href="/impact/">The year in numbers</a>' in client.get("/pledges/").content.decode()


def test_the_page_keeps_to_the_content_security_policy(client, world):
    """No inline script, style or handler: the chart draws with SVG attributes only."""
    html = client.get(PAGE).content.decode()
    assert "<script" not in html
    assert "style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_in_french_the_chart_keeps_numeric_coordinates_and_french_labels(client, world):
    html = client.get(f"/fr{PAGE}").content.decode()
    svg = re.search(r"<svg [^>]*>.*?</svg>", html, re.S).group(0)
    coordinates = re.findall(r'\b(?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', svg)
    assert coordinates and all("," not in value for value in coordinates)
    assert f"avril {LAST_YEAR} : 5,5 heures données".replace(" :", "\u00a0:") in svg
