"""The pledge pages: who sees and does what, logging hours through the form, honest progress,
private pledges, the organization page, /me/, and constant query counts."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Membership
from pledges.models import Contribution, Pledge
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory, UserFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def org():
    return OrganizationFactory(name="Formstone Software", slug="formstone-software")


@pytest.fixture
def pledge(org):
    return PledgeFactory(organization=org, hours_per_period=Decimal("40"))


@pytest.fixture
def people(org):
    """One person in each role the permission matrix asks about."""
    member = MembershipFactory(organization=org).user
    return {
        "anonymous": None,
        "other": UserFactory(),
        "member": member,
        "admin": MembershipFactory(organization=org, admin=True).user,
        "staff": StaffFactory(),
    }


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


def log_data(**overrides) -> dict:
    data = {
        "date": timezone.localdate().isoformat(),
        "hours": "2.5",
        "project": str(ProjectFactory().pk),
        "project_url": "",
        "description": "Fixed the date parser and reviewed two pull requests.",
        "link": "https://github.com/example/toolkit/pull/7",
    }
    data.update(overrides)
    return data


def pledge_data(**overrides) -> dict:
    data = {
        "kind": "hours",
        "hours_per_period": "12",
        "percent": "",
        "workforce_size": "",
        "period": "month",
        "starts_on": timezone.localdate().replace(day=1).isoformat(),
        "ends_on": "",
        "public": "on",
    }
    data.update(overrides)
    return data


# --- Permission matrix -------------------------------------------------------------------------

ROLES = ["anonymous", "other", "member", "admin", "staff"]


def _expect(statuses: str) -> dict:
    return dict(zip(ROLES, (int(s) for s in statuses.split()), strict=True))


PUBLIC_MATRIX = [
    # (method, url template, expected status for anonymous, other, member, admin, staff)
    ("get", "/pledges/", "200 200 200 200 200"),
    ("get", "/pledges/{pk}/", "200 200 200 200 200"),
    ("post", "/pledges/{pk}/", "302 403 302 302 403"),
    ("get", "/pledges/new/?organization={slug}", "302 403 403 200 200"),
    ("post", "/pledges/new/?organization={slug}", "302 403 403 302 302"),
    ("get", "/pledges/{pk}/edit/", "302 403 403 200 200"),
    ("post", "/pledges/{pk}/edit/", "302 403 403 302 302"),
    ("get", "/pledges/{pk}/end/", "405 405 405 405 405"),
    ("post", "/pledges/{pk}/end/", "302 403 403 302 302"),
    ("get", "/pledges/{pk}/export.csv", "302 403 403 200 200"),
    ("post", "/pledges/{pk}/review/{log}/approve/", "302 403 403 302 302"),
    ("post", "/pledges/{pk}/review/{log}/reject/", "302 403 403 302 302"),
    ("post", "/pledges/{pk}/review/approve/", "302 403 403 302 302"),
    ("get", "/pledges/logs/{log}/edit/", "302 404 200 404 404"),
    ("post", "/pledges/logs/{log}/withdraw/", "302 404 302 404 404"),
]

PRIVATE_MATRIX = [
    ("get", "/pledges/{pk}/", "404 404 200 200 200"),
    ("post", "/pledges/{pk}/", "404 404 302 302 403"),
    ("get", "/pledges/{pk}/edit/", "302 404 403 200 200"),
    ("post", "/pledges/{pk}/end/", "302 404 403 302 302"),
    ("get", "/pledges/{pk}/export.csv", "302 404 403 200 200"),
    ("post", "/pledges/{pk}/review/{log}/approve/", "302 404 403 302 302"),
    ("post", "/pledges/{pk}/review/approve/", "302 404 403 302 302"),
]


def _matrix_request(client, people, org, pledge, role, method, template):
    log = ContributionFactory(pledge=pledge, contributor=people["member"])
    url = template.format(pk=pledge.pk, slug=org.slug, log=log.pk)
    data = {}
    if method == "post":
        if url == f"/pledges/{pledge.pk}/":
            data = log_data(date=(timezone.localdate() - timedelta(days=1)).isoformat())
        elif "new" in url or "edit" in url:
            data = pledge_data()
        elif "reject" in url:
            data = {"reason": "Not open source work."}
        elif "review/approve" in url:
            data = {"contribution": [str(log.pk)]}
    response = getattr(as_(client, people[role]), method)(url, data)
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(LOGIN)
    return response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "statuses"), PUBLIC_MATRIX)
def test_permission_matrix_of_a_public_pledge(
    client, people, org, pledge, role, method, template, statuses
):
    """Everyone reads a public pledge; members log; only admins and staff manage and review."""
    response = _matrix_request(client, people, org, pledge, role, method, template)
    assert response.status_code == _expect(statuses)[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "statuses"), PRIVATE_MATRIX)
def test_permission_matrix_of_a_private_pledge(
    client, people, org, role, method, template, statuses
):
    """A private pledge is not found except by its organization's people and staff."""
    pledge = PledgeFactory(organization=org, private=True)
    response = _matrix_request(client, people, org, pledge, role, method, template)
    assert response.status_code == _expect(statuses)[role]


def test_a_pending_membership_does_not_let_anyone_log(client, org, pledge):
    claimant = MembershipFactory(organization=org, pending=True).user
    response = client.force_login(claimant) or client.post(f"/pledges/{pledge.pk}/", log_data())
    assert response.status_code == 403
    assert not Contribution.objects.exists()


# --- Logging hours through the page ----------------------------------------------------------


def test_a_member_logs_hours_and_sees_them_pending(client, people, pledge):
    member = people["member"]
    client.force_login(member)
    response = client.post(f"/pledges/{pledge.pk}/", log_data(hours="2.25"), follow=True)
    contribution = Contribution.objects.get()
    assert (contribution.contributor, contribution.hours) == (member, Decimal("2.25"))
    assert contribution.status == Contribution.Status.PENDING
    html = html_of(response)
    assert "2.25 hours logged" in html
    assert "Waiting for review" in html


def test_a_project_address_instead_of_a_listed_project_is_fine(client, people, pledge):
    client.force_login(people["member"])
    response = client.post(
        f"/pledges/{pledge.pk}/",
        log_data(project="", project_url="https://codeberg.org/example/thing"),
    )
    assert response.status_code == 302
    assert Contribution.objects.get().project_url == "https://codeberg.org/example/thing"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "1e9"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"hours": ""}, "hours"),
        ({"date": "2999-01-01"}, "date"),
        ({"date": "tomorrow"}, "date"),
        ({"project": "", "project_url": "ftp://example.org/thing"}, "project_url"),
        ({"project": "", "project_url": "javascript:alert(1)"}, "project_url"),
        ({"project": "", "project_url": ""}, "project"),
        ({"project": "999999"}, "project"),
        ({"link": "ftp://example.org/pr/1"}, "link"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_input_gives_form_errors_and_saves_nothing(client, people, pledge, overrides, field):
    client.force_login(people["member"])
    response = client.post(f"/pledges/{pledge.pk}/", log_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert 'class="form-errors"' in html_of(response)
    assert not Contribution.objects.exists()


def test_a_date_in_the_future_is_refused(client, people, pledge):
    client.force_login(people["member"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(f"/pledges/{pledge.pk}/", log_data(date=tomorrow.isoformat()))
    assert "today or earlier" in str(response.context["form"].errors["date"])
    assert not Contribution.objects.exists()


def test_dates_outside_the_pledge_are_refused(client, people, org):
    today = timezone.localdate()
    pledge = PledgeFactory(
        organization=org,
        starts_on=today - timedelta(days=10),
        ends_on=today - timedelta(days=3),
    )
    client.force_login(people["member"])
    before = client.post(
        f"/pledges/{pledge.pk}/", log_data(date=(today - timedelta(days=11)).isoformat())
    )
    assert "The pledge starts on" in str(before.context["form"].errors["date"])
    after = client.post(
        f"/pledges/{pledge.pk}/", log_data(date=(today - timedelta(days=1)).isoformat())
    )
    assert "The pledge ended on" in str(after.context["form"].errors["date"])
    assert not Contribution.objects.exists()


def test_an_unpublished_project_cannot_be_chosen(client, people, pledge):
    client.force_login(people["member"])
    pending = ProjectFactory(pending=True)
    response = client.post(f"/pledges/{pledge.pk}/", log_data(project=str(pending.pk)))
    assert response.context["form"].errors["project"]
    assert not Contribution.objects.exists()


def test_no_more_than_24_hours_a_day_across_logs(client, people, pledge):
    client.force_login(people["member"])
    assert client.post(f"/pledges/{pledge.pk}/", log_data(hours="20")).status_code == 302
    response = client.post(f"/pledges/{pledge.pk}/", log_data(hours="4.25"))
    assert "at most 4 more fit in 24 hours" in str(response.context["form"].errors["hours"])
    assert Contribution.objects.count() == 1


def test_someone_outside_the_organization_gets_403_and_nothing_is_saved(client, people, pledge):
    client.force_login(people["other"])
    assert client.post(f"/pledges/{pledge.pk}/", log_data()).status_code == 403
    client.force_login(people["staff"])
    assert client.post(f"/pledges/{pledge.pk}/", log_data()).status_code == 403
    assert not Contribution.objects.exists()


def test_an_ended_pledge_takes_no_more_hours(client, people, org):
    pledge = PledgeFactory(organization=org, ended=True)
    client.force_login(people["member"])
    page = html_of(client.get(f"/pledges/{pledge.pk}/"))
    assert "Log your hours" not in page
    assert "it takes no more hours" in page
    response = client.post(f"/pledges/{pledge.pk}/", log_data())
    assert response.status_code == 200
    assert not Contribution.objects.exists()


def test_the_log_form_lists_target_projects_first(client, people, org):
    listed = ProjectFactory(name="Aardvark Tools")
    target = ProjectFactory(name="Zebra Maps")
    pledge = PledgeFactory(organization=org, target_projects=[target])
    client.force_login(people["member"])
    html = html_of(client.get(f"/pledges/{pledge.pk}/"))
    assert html.index("This pledge&#x27;s projects") < html.index("Zebra Maps")
    assert html.index("Zebra Maps") < html.index("Aardvark Tools")
    assert listed.name in html


# --- Honest progress ---------------------------------------------------------------------------


def test_only_approved_hours_move_the_bar(client, people, pledge):
    member = people["member"]
    ContributionFactory(pledge=pledge, contributor=member, hours=Decimal("10"), approved=True)
    ContributionFactory(pledge=pledge, contributor=member, hours=Decimal("5"))
    ContributionFactory(pledge=pledge, contributor=member, hours=Decimal("7"), rejected=True)
    ContributionFactory(
        pledge=pledge,
        contributor=member,
        hours=Decimal("3"),
        status=Contribution.Status.WITHDRAWN,
    )
    detail = html_of(client.get(f"/pledges/{pledge.pk}/"))
    assert "10 of 40 hours</strong> (25%)" in detail
    assert 'value="25"' in detail
    assert "plus 5 waiting for review" in detail
    index = html_of(client.get("/pledges/"))
    assert "10 of 40 hours</strong> (25%)" in index
    assert "All time: <strong>10 hours</strong>" in index


def test_a_percentage_pledge_explains_its_hours(client, people, org):
    pledge = PledgeFactory(organization=org, percent_of_workforce=True)
    html = html_of(client.get(f"/pledges/{pledge.pk}/"))
    assert "= 160 hours a month at 160 working hours per person" in html
    index = html_of(client.get("/pledges/"))
    assert "0 of 160 hours</strong> (0%)" in index


def test_the_chart_and_its_table_carry_the_same_numbers(client, people, pledge):
    ContributionFactory(
        pledge=pledge, contributor=people["member"], hours=Decimal("12.5"), approved=True
    )
    html = html_of(client.get(f"/pledges/{pledge.pk}/"))
    assert '<svg class="chart__svg"' in html and 'role="img"' in html
    assert 'aria-labelledby="chart-title chart-desc"' in html
    assert '<desc id="chart-desc">' in html
    assert '12.5 h <span class="hint">(31%)</span>' in html
    assert "style=" not in html and "<script" not in html


def test_names_only_for_people_who_opt_in(client, org, pledge):
    shown = MembershipFactory(
        organization=org, user=UserFactory(display_name="Opal Open", show_name_on_pledges=True)
    ).user
    hidden = MembershipFactory(
        organization=org, user=UserFactory(display_name="Quinn Quiet", show_name_on_pledges=False)
    ).user
    ContributionFactory(pledge=pledge, contributor=shown, approved=True)
    ContributionFactory(pledge=pledge, contributor=hidden, approved=True)
    html = html_of(client.get(f"/pledges/{pledge.pk}/"))
    assert "Opal Open" in html
    assert "Quinn Quiet" not in html
    assert "A member" in html
    assert "2 people" in html
    client.force_login(hidden)
    assert "You</th>" in html_of(client.get(f"/pledges/{pledge.pk}/"))


def test_the_review_queue_is_only_for_admins(client, people, pledge):
    ContributionFactory(pledge=pledge, contributor=people["member"], description="Secret sauce")
    for role in ("anonymous", "other"):
        html = html_of(as_(client, people[role]).get(f"/pledges/{pledge.pk}/"))
        assert 'id="review"' not in html and "Secret sauce" not in html
    # The member sees their own log, not the queue.
    html = html_of(as_(client, people["member"]).get(f"/pledges/{pledge.pk}/"))
    assert 'id="review"' not in html and "Your logs under this pledge" in html
    html = html_of(as_(client, people["admin"]).get(f"/pledges/{pledge.pk}/"))
    assert 'id="review"' in html and "Secret sauce" in html


# --- Private pledges -----------------------------------------------------------------------------


def test_a_private_pledge_is_invisible_to_the_public(client, people, org):
    other_org = OrganizationFactory(name="Public Partners")
    PledgeFactory(organization=other_org)
    private = PledgeFactory(organization=org, private=True)
    ContributionFactory(pledge=private, contributor=people["member"], hours=Decimal("9"))
    Contribution.objects.update(status=Contribution.Status.APPROVED)

    index = html_of(client.get("/pledges/"))
    assert "Public Partners" in index
    assert "Formstone Software" not in index
    assert client.get(f"/pledges/{private.pk}/").status_code == 404
    org_page = html_of(client.get(f"/directory/organizations/{org.slug}/"))
    assert f"/pledges/{private.pk}/" not in org_page
    client.force_login(people["admin"])
    org_page = html_of(client.get(f"/directory/organizations/{org.slug}/"))
    assert f"/pledges/{private.pk}/" in org_page and "Private" in org_page


# --- Making, changing and ending a pledge --------------------------------------------------------


def test_an_admin_makes_a_percentage_pledge_with_target_projects(client, people, org):
    target = ProjectFactory(name="Harbor Maps")
    client.force_login(people["admin"])
    form_page = html_of(client.get(f"/pledges/new/?organization={org.slug}"))
    assert "Harbor Maps" in form_page
    response = client.post(
        f"/pledges/new/?organization={org.slug}",
        pledge_data(
            kind="percent",
            hours_per_period="",
            percent="2.5",
            workforce_size="40",
            target_projects=[str(target.pk)],
        ),
        follow=True,
    )
    pledge = Pledge.objects.get()
    assert (pledge.organization, pledge.kind, pledge.pledged_hours) == (org, "percent", 160)
    assert list(pledge.target_projects.all()) == [target]
    assert "= 160 hours a month at 160 working hours per person" in html_of(response)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours_per_period": ""}, "hours_per_period"),
        ({"hours_per_period": "0"}, "hours_per_period"),
        ({"hours_per_period": "abc"}, "hours_per_period"),
        ({"kind": "percent", "percent": "", "workforce_size": "10"}, "percent"),
        ({"kind": "percent", "percent": "101", "workforce_size": "10"}, "percent"),
        ({"kind": "percent", "percent": "5", "workforce_size": "0"}, "workforce_size"),
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"period": "fortnight"}, "period"),
    ],
)
def test_a_bad_pledge_gives_form_errors(client, people, org, overrides, field):
    client.force_login(people["admin"])
    response = client.post(f"/pledges/new/?organization={org.slug}", pledge_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Pledge.objects.exists()


def test_an_unknown_organization_is_not_found(client, people):
    client.force_login(people["staff"])
    assert client.get("/pledges/new/?organization=nope").status_code == 404
    assert client.get("/pledges/new/").status_code == 404


def test_an_admin_edits_and_ends_a_pledge(client, people, pledge):
    client.force_login(people["admin"])
    form = client.get(f"/pledges/{pledge.pk}/edit/")
    assert form.context["form"]["hours_per_period"].value() == Decimal("40.00")
    client.post(f"/pledges/{pledge.pk}/edit/", pledge_data(hours_per_period="55"))
    pledge.refresh_from_db()
    assert pledge.hours_per_period == Decimal("55")
    response = client.post(f"/pledges/{pledge.pk}/end/", follow=True)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ENDED and pledge.ends_on == timezone.localdate()
    assert "The pledge has ended" in html_of(response)
    assert "Ended" in html_of(client.get("/pledges/"))


# --- The organization page and /me/ -------------------------------------------------------------


def test_the_organization_page_shows_its_pledges_and_a_make_link_for_admins(
    client, people, org, pledge
):
    ContributionFactory(pledge=pledge, contributor=people["member"], hours=4, approved=True)
    html = html_of(client.get(f"/directory/organizations/{org.slug}/"))
    assert f"/pledges/{pledge.pk}/" in html
    assert "4 of 40 hours</strong> (10%)" in html
    assert "Make a pledge" not in html
    client.force_login(people["member"])
    assert "Make a pledge" not in html_of(client.get(f"/directory/organizations/{org.slug}/"))
    client.force_login(people["admin"])
    html = html_of(client.get(f"/directory/organizations/{org.slug}/"))
    assert f"/pledges/new/?organization={org.slug}" in html


def test_me_lists_my_logs_with_status_and_reason(client, people, pledge):
    member = people["member"]
    ContributionFactory(pledge=pledge, contributor=member, hours=3)
    ContributionFactory(
        pledge=pledge,
        contributor=member,
        rejected=True,
        rejection_reason="Please link the pull request.",
    )
    ContributionFactory(pledge=pledge, hours=7)  # someone else's
    client.force_login(member)
    html = html_of(client.get("/me/"))
    assert "Your logged hours" in html
    assert "Waiting for review" in html and "Rejected" in html
    assert "Please link the pull request." in html
    assert "Formstone Software" in html
    assert html.count("/withdraw/") == 1 and html.count("/pledges/logs/") == 2


def test_the_profile_checkbox_opts_in_to_names(client, people):
    member = people["member"]
    client.force_login(member)
    assert "Show my name on pledge pages" in html_of(client.get("/me/"))
    client.post("/me/", {"display_name": "Mira Member", "show_name_on_pledges": "on"})
    member.refresh_from_db()
    assert member.show_name_on_pledges and member.display_name == "Mira Member"
    client.post("/me/", {"display_name": "Mira Member"})
    member.refresh_from_db()
    assert not member.show_name_on_pledges


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_export_has_every_log_and_defuses_formulas(client, people, pledge):
    member = people["member"]
    member.display_name = "Zoë Ångström"
    member.save()
    ContributionFactory(pledge=pledge, contributor=member, description="=HYPERLINK(evil)")
    ContributionFactory(pledge=pledge, contributor=member, rejected=True, date=pledge.starts_on)
    ContributionFactory(pledge=PledgeFactory(), description="another pledge's log")
    client.force_login(people["admin"])
    response = client.get(f"/pledges/{pledge.pk}/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows) == 2
    assert rows[1]["description"] == "'=HYPERLINK(evil)"
    assert rows[1]["person"] == "Zoë Ångström"
    assert {row["status"] for row in rows} == {"Rejected", "Waiting for review"}


# --- Query counts -------------------------------------------------------------------------------


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pledges_index_runs_the_same_queries_for_1_or_15_pledges(client):
    PledgeFactory()
    ContributionFactory(approved=True)
    one = _queries(client, "/pledges/")
    for _ in range(14):
        ContributionFactory(approved=True, pledge=PledgeFactory(percent_of_workforce=True))
    assert _queries(client, "/pledges/") == one


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_a_pledge_page_runs_the_same_queries_for_1_or_15_logs(client, people, org, role):
    pledge = PledgeFactory(organization=org, target_projects=[ProjectFactory()])
    as_(client, people[role])

    def add_log(status="pending"):
        person = MembershipFactory(organization=org).user
        ContributionFactory(pledge=pledge, contributor=person, status=status)
        ContributionFactory(pledge=pledge, contributor=people["member"], status=status)

    add_log()
    one = _queries(client, f"/pledges/{pledge.pk}/")
    for index in range(14):
        add_log("approved" if index % 2 else "pending")
    assert _queries(client, f"/pledges/{pledge.pk}/") == one


def test_the_organization_page_runs_the_same_queries_for_1_or_15_pledges(client, org):
    PledgeFactory(organization=org)
    one = _queries(client, f"/directory/organizations/{org.slug}/")
    PledgeFactory.create_batch(14, organization=org)
    assert _queries(client, f"/directory/organizations/{org.slug}/") == one


def test_me_runs_the_same_queries_for_1_or_15_logs(client, people, org):
    member = people["member"]
    client.force_login(member)
    ContributionFactory(contributor=member, pledge=PledgeFactory(organization=org))
    one = _queries(client, "/me/")
    for _ in range(14):
        ContributionFactory(contributor=member, pledge=PledgeFactory(organization=org))
    assert _queries(client, "/me/") == one


def test_membership_roles_used_by_the_matrix_are_what_they_say(people, org):
    assert Membership.objects.get(user=people["admin"]).role == Membership.Role.ADMIN
    assert Membership.objects.get(user=people["member"]).role == Membership.Role.MEMBER
