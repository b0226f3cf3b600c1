"""An organization imports its repositories from a forge organization or group (issue 19).

The real forge client speaks HTTP to the fake forge on loopback (tests/forge/fake.py); the
import job runs in process (eager Celery), after the request's transaction commits.
"""

import re

import pytest
from django.urls import reverse

from directory.models import ListingStatus, Membership, Project, ProjectRole, Tag
from directory.services import IMPORT_DONE, import_audit_entries
from directory.tasks import repository_import_task
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORG = "https://github.com/chesapeake-data"
RUN_KEY = "5f0c1bd0-3a4e-4d7e-9a55-4c2f8e7d1a10"


def repo_url(name: str) -> str:
    return f"{ORG}/{name}"


def serve_org(fake_forge, repos: list[dict]) -> None:
    """The organization's repositories on one page; each repository's own answer too."""
    pages = [
        [
            {
                "name": repo["name"],
                "full_name": f"chesapeake-data/{repo['name']}",
                "html_url": repo_url(repo["name"]),
                "description": repo.get("description", f"About {repo['name']}."),
                "topics": repo.get("topics", []),
                "archived": repo.get("archived", False),
            }
            for repo in repos
        ]
    ]
    fake_forge.serve_owner_repositories(ORG, pages)
    for repo in repos:
        fake_forge.serve_repository(
            repo_url(repo["name"]),
            description=repo.get("description", f"About {repo['name']}."),
            topics=repo.get("topics", []),
            archived=repo.get("archived", False),
            license={"key": "mit", "spdx_id": "MIT"},
            homepage="",
        )


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Chesapeake Data")


@pytest.fixture
def admin(organization):
    return MembershipFactory(
        organization=organization, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).user


def import_url(organization) -> str:
    return reverse("directory:organization-import", args=[organization.slug])


def preview(client, organization, **params):
    query = {"source": ORG, "filter": "topic", "topic": "civic", **params}
    return client.get(import_url(organization), query)


def send_import(client, organization, repositories, *, run_key=RUN_KEY, **params):
    data = {
        "source": ORG,
        "filter": "topic",
        "topic": "civic",
        "repositories": repositories,
        "run_key": run_key,
        **params,
    }
    return client.post(import_url(organization), data)


# --- Who may import ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("other user", 403),
        ("member", 403),
        ("pending admin", 403),
        ("admin", 200),
        ("owner", 200),
        ("staff", 200),
    ],
)
def test_only_the_organizations_owners_admins_and_staff_import(
    client, organization, fake_forge, who, status, staff_user, django_capture_on_commit_callbacks
):
    serve_org(fake_forge, [{"name": "rowhouse-permits", "topics": ["civic"]}])
    roles = {
        "member": (Membership.Role.MEMBER, Membership.Status.ACTIVE),
        "pending admin": (Membership.Role.ADMIN, Membership.Status.PENDING),
        "admin": (Membership.Role.ADMIN, Membership.Status.ACTIVE),
        "owner": (Membership.Role.OWNER, Membership.Status.ACTIVE),
    }
    if who in roles:
        role, membership_status = roles[who]
        person = MembershipFactory(
            organization=organization, role=role, status=membership_status
        ).user
        client.force_login(person)
    elif who == "other user":
        client.force_login(UserFactory())
    elif who == "staff":
        client.force_login(staff_user)

    shown = preview(client, organization)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_import(client, organization, [repo_url("rowhouse-permits")])

    assert shown.status_code == status
    if status == 200:
        assert "rowhouse-permits" in shown.content.decode()
        assert sent.status_code == 302
        assert Project.objects.filter(name="rowhouse-permits").exists()
    else:
        assert sent.status_code == status
        assert not Project.objects.exists()
        assert fake_forge.requests == []  # nobody else makes the hub ask a forge


# --- The preview -----------------------------------------------------------------------------


def test_the_preview_lists_the_repositories_with_the_topic_and_says_which_are_listed(
    client, organization, admin, fake_forge
):
    serve_org(
        fake_forge,
        [
            {"name": "rowhouse-permits", "topics": ["civic", "housing"]},
            {"name": "harbor-tides", "topics": ["civic"]},
            {"name": "old-maps", "topics": ["civic"], "archived": True},
            {"name": "internal-tools", "topics": ["devops"]},
        ],
    )
    listed = ProjectFactory(name="Harbor Tides", repository_url=f"{ORG}/Harbor-Tides/")
    client.force_login(admin)

    html = preview(client, organization).content.decode()

    assert "3 repositories of https://github.com/chesapeake-data" in html
    assert "internal-tools" not in html
    assert f'value="{repo_url("rowhouse-permits")}" id="repo-1" checked' in html
    assert f'<a href="{listed.get_absolute_url()}">Harbor Tides</a>' in html
    assert f'value="{repo_url("harbor-tides")}"' not in html  # no box for a listed one
    assert f'value="{repo_url("old-maps")}" id="repo-3">' in html  # archived: not ticked


def test_the_preview_needs_a_constant_number_of_queries(
    client, organization, admin, fake_forge, django_assert_max_num_queries
):
    repos = [{"name": f"tool-{n}", "topics": ["civic"]} for n in range(30)]
    serve_org(fake_forge, repos)
    for repo in repos[:10]:
        ProjectFactory(name=repo["name"], repository_url=repo_url(repo["name"]))
    client.force_login(admin)

    with django_assert_max_num_queries(12):
        html = preview(client, organization).content.decode()

    assert "30 repositories" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"source": "not an address"}, "This is not the address of an organization or group"),
        ({"source": "https://forge.example.net/acme"}, "The hub does not read from forge.example"),
        ({"source": "https://github.com/nobody-here"}, "github.com has no organization or group"),
        ({"filter": "topic", "topic": ""}, "Name the topic, or choose another filter."),
        ({"filter": "topic", "topic": "no spaces please"}, "Enter a valid “slug”"),
        ({"filter": "everything"}, "Select a valid choice."),
        ({"source": "https://github.com/" + "a" * 10_000}, "at most 500 characters"),
        ({"source": "https://github.com/😀"}, "This is not the address of an organization"),
    ],
)
def test_bad_sources_and_filters_are_form_errors(
    client, organization, admin, fake_forge, params, message
):
    client.force_login(admin)

    response = preview(client, organization, **params)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Choose what to import" not in html


def test_a_rate_limited_forge_is_a_form_error_that_says_until_when(
    client, organization, admin, fake_forge
):
    fake_forge.rate_limited("github.com")
    client.force_login(admin)

    html = preview(client, organization).content.decode()

    assert "github.com asks us to wait until" in html


# --- The import ------------------------------------------------------------------------------


def test_imported_repositories_wait_for_review_with_the_organization_as_maintainer(
    client, organization, admin, fake_forge, mailoutbox, django_capture_on_commit_callbacks
):
    civic = TagFactory(name="Civic", slug="civic", kind=Tag.Kind.TOPIC)
    serve_org(
        fake_forge,
        [
            {"name": "rowhouse-permits", "topics": ["civic", "housing"]},
            {"name": "harbor-tides", "topics": ["civic"]},
        ],
    )
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = send_import(
            client, organization, [repo_url("rowhouse-permits"), repo_url("harbor-tides")]
        )

    assert response.status_code == 302
    projects = Project.objects.order_by("name")
    assert [(p.name, p.status, p.created_by) for p in projects] == [
        ("harbor-tides", ListingStatus.PENDING, admin),
        ("rowhouse-permits", ListingStatus.PENDING, admin),
    ]
    assert {p.license for p in projects} == {"MIT"}
    assert all(list(p.tags.all()) == [civic] for p in projects)
    roles = ProjectRole.objects.filter(organization=organization, role="maintainer")
    assert roles.count() == 2
    [message] = mailoutbox
    assert message.to == [admin.email]
    assert "Imported: 2" in message.body and "Already listed: 0" in message.body
    html = client.get(import_url(organization)).content.decode()
    assert "2 imported, 0 already listed, 0 skipped" in html


def test_reimporting_never_duplicates_a_listing(
    client, organization, admin, fake_forge, mailoutbox, django_capture_on_commit_callbacks
):
    serve_org(
        fake_forge,
        [{"name": "rowhouse-permits", "topics": ["civic"]}, {"name": "harbor-tides"}],
    )
    ProjectFactory(
        name="Harbor Tides", repository_url="http://www.GitHub.com/chesapeake-data/harbor-tides.git"
    )
    client.force_login(admin)
    urls = [repo_url("rowhouse-permits"), repo_url("harbor-tides")]

    with django_capture_on_commit_callbacks(execute=True):
        send_import(client, organization, urls)
    with django_capture_on_commit_callbacks(execute=True):
        send_import(client, organization, urls, run_key="0b6c8a1e-2f57-4b1e-8d0a-2d9f6f4c7e31")

    assert sorted(Project.objects.values_list("name", flat=True)) == [
        "Harbor Tides",
        "rowhouse-permits",
    ]
    first, second = sorted(import_audit_entries(organization, IMPORT_DONE), key=lambda e: e.pk)
    assert (first.detail["imported"], first.detail["already_listed"]) == (
        ["rowhouse-permits"],
        ["harbor-tides"],
    )
    assert (second.detail["imported"], second.detail["already_listed"]) == (
        [],
        ["rowhouse-permits", "harbor-tides"],
    )
    assert len(mailoutbox) == 2


def test_the_same_form_sent_twice_imports_once_and_e_mails_once(
    client, organization, admin, fake_forge, mailoutbox, django_capture_on_commit_callbacks
):
    serve_org(fake_forge, [{"name": "rowhouse-permits", "topics": ["civic"]}])
    client.force_login(admin)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            send_import(client, organization, [repo_url("rowhouse-permits")])
    # A job delivered twice (a worker lost after it finished) changes nothing either.
    repository_import_task(
        organization.pk, admin.pk, ORG, [repo_url("rowhouse-permits")], RUN_KEY, ""
    )

    assert Project.objects.count() == 1
    assert len(mailoutbox) == 1
    assert import_audit_entries(organization, IMPORT_DONE).count() == 1


def test_with_a_file_filter_repositories_without_the_file_are_skipped(
    client, organization, admin, fake_forge, django_capture_on_commit_callbacks
):
    serve_org(fake_forge, [{"name": "rowhouse-permits"}, {"name": "harbor-tides"}])
    fake_forge.serve_file(repo_url("rowhouse-permits"), "publiccode.yml")
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        send_import(
            client,
            organization,
            [repo_url("rowhouse-permits"), repo_url("harbor-tides")],
            filter="publiccode.yml",
            topic="",
        )

    assert list(Project.objects.values_list("name", flat=True)) == ["rowhouse-permits"]
    [done] = import_audit_entries(organization, IMPORT_DONE)
    assert done.detail["skipped"] == [{"name": "harbor-tides", "reason": "no publiccode.yml"}]


def test_repositories_gone_or_rate_limited_during_the_job_are_skipped_with_the_reason(
    client, organization, admin, fake_forge, mailoutbox, django_capture_on_commit_callbacks
):
    serve_org(fake_forge, [{"name": "rowhouse-permits"}])
    fake_forge.rate_limited("github.com", "/repos/chesapeake-data/harbor-tides")
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        send_import(
            client,
            organization,
            [repo_url("rowhouse-permits"), repo_url("private-one"), repo_url("harbor-tides")],
            filter="all",
        )

    assert list(Project.objects.values_list("name", flat=True)) == ["rowhouse-permits"]
    [done] = import_audit_entries(organization, IMPORT_DONE)
    reasons = {item["name"]: item["reason"] for item in done.detail["skipped"]}
    assert reasons["private-one"] == "not found (private or deleted)"
    assert reasons["harbor-tides"].startswith("github.com asked us to wait until")
    assert "Skipped: 2" in mailoutbox[0].body


@pytest.mark.parametrize(
    "repositories",
    [
        ["https://github.com/someone-else/tool"],
        ["https://gitlab.com/chesapeake-data/tool"],
        ["not an address"],
        [f"{ORG}/tool-{n}" for n in range(201)],
        [],
    ],
)
def test_only_repositories_of_the_source_are_imported(
    client, organization, admin, fake_forge, repositories
):
    serve_org(fake_forge, [{"name": "rowhouse-permits", "topics": ["civic"]}])
    client.force_login(admin)

    response = send_import(client, organization, repositories)

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r"Choose repositories of https://github.com/chesapeake-data only|Tick at least one"
        r"|Choose at most 200 repositories at a time",
        html,
    )
    assert not Project.objects.exists()


def test_a_gitlab_groups_subgroup_repositories_are_imported_too(
    client, organization, admin, fake_forge, django_capture_on_commit_callbacks
):
    group = "https://gitlab.com/groups/civic-lab"
    fake_forge.serve_owner_repositories(
        group,
        [[{"name": "permits", "path_with_namespace": "civic-lab/data/permits", "topics": []}]],
    )
    fake_forge.serve_repository(
        "https://gitlab.com/civic-lab/data/permits", license={"key": "mit"}, topics=[]
    )
    client.force_login(admin)

    shown = client.get(import_url(organization), {"source": group, "filter": "all"})
    with django_capture_on_commit_callbacks(execute=True):
        send_import(
            client,
            organization,
            ["https://gitlab.com/civic-lab/data/permits"],
            source=group,
            filter="all",
        )

    assert "https://gitlab.com/civic-lab/data/permits" in shown.content.decode()
    project = Project.objects.get()
    assert (project.name, project.license) == ("permits", "MIT")
    assert project.repository_url == "https://gitlab.com/civic-lab/data/permits"
