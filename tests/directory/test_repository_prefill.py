"""Listing a project from its repository: the submit form filled from the forge (issue 19).

The real forge client speaks HTTP to the fake forge on loopback (tests/forge/fake.py).
"""

import re

import pytest
from django.urls import reverse

from directory.models import ListingStatus, Project, Tag
from directory.repositories import projects_by_repository, repository_key
from tests.directory.factories import ProjectFactory, TagFactory

pytestmark = pytest.mark.django_db

SUBMIT = reverse("directory:submit") + "?type=project"
REPO = "https://github.com/chesapeake-data/harbor-tides"


def prefill(client, url):
    return client.post(SUBMIT, {"action": "prefill", "prefill-repository_url": url})


def field_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def checked_tag_ids(html: str) -> set[int]:
    return {
        int(value)
        for tag in re.findall(r'<input[^>]*name="tags"[^>]*>', html)
        if "checked" in tag
        for value in re.findall(r'value="(\d+)"', tag)
    }


def test_the_form_is_filled_from_the_repository_and_waits_for_review_once_sent(
    client, user, fake_forge
):
    """Name, description, homepage, license and the topics that are tags come from the
    forge; the submitter edits them, and the project goes to moderation as any other."""
    open_data = TagFactory(name="Open data", slug="open-data", kind=Tag.Kind.TOPIC)
    TagFactory(name="Rust")
    fake_forge.serve_repository(
        REPO,
        description="Tide readings for the bay.",
        homepage="https://tides.example.org",
        license={"key": "apache-2.0", "spdx_id": "Apache-2.0"},
        topics=["open-data", "chesapeake"],
    )
    client.force_login(user)

    response = prefill(client, REPO)

    html = response.content.decode()
    assert response.status_code == 200
    assert field_value(html, "name") == "harbor-tides"
    assert "Tide readings for the bay." in html
    assert field_value(html, "homepage") == "https://tides.example.org"
    assert field_value(html, "repository_url") == REPO
    assert field_value(html, "license") == "Apache-2.0"
    assert checked_tag_ids(html) == {open_data.pk}
    assert "Topics that are not tags in the directory were left out: chesapeake" in html
    assert Project.objects.count() == 0  # nothing is listed before the person sends it

    response = client.post(
        SUBMIT,
        {
            "name": "Harbor Tides",
            "description": "Tide readings for the bay, edited.",
            "repository_url": REPO,
            "homepage": "https://tides.example.org",
            "license": "Apache-2.0",
            "tags": [open_data.pk],
            "role": "maintainer",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert (project.name, project.status) == ("Harbor Tides", ListingStatus.PENDING)
    assert list(project.tags.all()) == [open_data]


def test_a_license_the_directory_does_not_know_is_left_empty_with_a_note(client, user, fake_forge):
    fake_forge.serve_repository(REPO, license={"key": "other", "spdx_id": "Harbor-License-1.0"})
    client.force_login(user)

    html = prefill(client, REPO).content.decode()

    assert field_value(html, "license") == ""
    assert "“Harbor-License-1.0” is not an SPDX identifier we know" in html


def test_a_gitlab_license_key_in_lower_case_is_the_spdx_id(client, user, fake_forge):
    fake_forge.serve_repository(
        "https://gitlab.com/civic-lab/permits", license={"key": "mit", "name": "MIT License"}
    )
    client.force_login(user)

    html = prefill(client, "https://gitlab.com/civic-lab/permits").content.decode()

    assert field_value(html, "license") == "MIT"
    assert field_value(html, "name") == "permits"


def test_a_repository_listed_already_is_pointed_out(client, user, fake_forge):
    ProjectFactory(
        name="Harbor Tides", repository_url="http://www.github.com/Chesapeake-Data/harbor-tides.git"
    )
    fake_forge.serve_repository(REPO)
    client.force_login(user)

    html = prefill(client, REPO + "/tree/main").content.decode()

    assert "Harbor Tides lists this repository already" in html


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url at all", "This is not the address of a repository"),
        ("https://github.com/", "This is not the address of a repository"),
        ("https://forge.example.net/acme/tool", "The hub does not read from forge.example.net"),
        (REPO, "github.com has no public repository chesapeake-data/harbor-tides."),
        ("https://github.com/" + "a" * 10_000, "at most 500 characters"),
    ],
)
def test_an_address_the_forge_cannot_fill_from_is_a_form_error(
    client, user, fake_forge, url, message
):
    client.force_login(user)

    response = prefill(client, url)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'class="form-errors"' in html
    assert field_value(html, "name") == ""


def test_a_rate_limited_forge_says_until_when_and_to_fill_in_by_hand(client, user, fake_forge):
    fake_forge.rate_limited("github.com")
    client.force_login(user)

    html = prefill(client, REPO).content.decode()

    assert "github.com asks us to wait until" in html
    assert "Fill in the form by hand" in html


def test_a_slow_forge_does_not_hold_the_page(client, user, fake_forge, settings):
    settings.HUB_FORGE_TIMEOUT = 0.5
    fake_forge.serve("github.com", "/repos/chesapeake-data/harbor-tides", {}, delay=1.5)
    client.force_login(user)

    html = prefill(client, REPO).content.decode()

    assert "github.com did not answer in time. Fill in the form by hand" in html


def test_only_people_signed_in_fill_from_a_repository(client, fake_forge):
    fake_forge.serve_repository(REPO)

    response = prefill(client, REPO)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert fake_forge.requests == []


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://github.com/Acme/Tool", "github.com/acme/tool"),
        ("http://www.github.com/acme/tool.git/", "github.com/acme/tool"),
        ("https://github.com/acme/tool/tree/main/docs", "github.com/acme/tool"),
        ("https://gitlab.com/group/sub/tool/-/issues/3", "gitlab.com/group/sub/tool"),
        ("https://git.example.org:8443/team/tool", "git.example.org:8443/team/tool"),
        ("ftp://github.com/acme/tool", ""),
        ("not a url", ""),
    ],
)
def test_repository_addresses_have_one_normal_form(url, key):
    assert repository_key(url) == key


def test_listed_projects_are_found_by_repository_whatever_the_spelling(django_assert_num_queries):
    kept = ProjectFactory(repository_url="https://GitHub.com/acme/tool.git")
    ProjectFactory(repository_url="https://github.com/acme/toolbox")
    ProjectFactory(repository_url="https://github.com/other/tool")

    with django_assert_num_queries(1):
        found = projects_by_repository(
            ["https://github.com/acme/tool", "https://github.com/acme/missing"]
        )

    assert found == {"github.com/acme/tool": kept}
