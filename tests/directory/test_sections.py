"""The organization page's sections: higher apps add theirs (directory.sections), directory
never imports them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from directory.sections import (
    organization_sections,
    register_organization_section,
    unregister_organization_section,
)
from tests.directory.factories import OrganizationFactory
from tests.events.factories import EventFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_section():
    calls = []

    def build(request, organization, *, can_manage):
        calls.append((organization, can_manage))
        if organization.slug.startswith("quiet"):
            return None
        return {
            "template": "directory/test_section.html",
            "context": {"section_note": f"Notes on {organization.name}"},
            "stylesheets": ["css/events-manage.css"],  # not on the page otherwise
        }

    register_organization_section("test", order=15, build=build)
    yield calls
    unregister_organization_section("test")


@pytest.fixture
def section_template(settings, tmp_path):
    (tmp_path / "directory").mkdir()
    (tmp_path / "directory" / "test_section.html").write_text(
        '<section id="test-section"><p>{{ section_note }} ({{ organization.slug }})</p></section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_a_registered_section_shows_on_the_page_in_its_order(
    client, test_section, section_template
):
    organization = OrganizationFactory(name="Harbor Labs", slug="harbor-labs")
    PledgeFactory(organization=organization)
    EventFactory(title="Harbor Python Night", organization=organization)
    html = client.get(organization.get_absolute_url()).content.decode()
    assert '<section id="test-section"><p>Notes on Harbor Labs (harbor-labs)</p></section>' in html
    assert "css/events-manage" in html
    # pledges (10) < test (15) < events (20)
    pledges, ours, events = (
        html.index('id="pledges-title"'),
        html.index('id="test-section"'),
        html.index('id="events-title"'),
    )
    assert pledges < ours < events
    assert test_section == [(organization, False)]


def test_a_section_with_nothing_to_show_is_left_out(client, test_section, section_template):
    organization = OrganizationFactory(slug="quiet-labs")
    html = client.get(organization.get_absolute_url()).content.decode()
    assert 'id="test-section"' not in html and "css/events-manage" not in html


def test_events_and_pledges_register_their_sections(rf):
    organization = OrganizationFactory()
    PledgeFactory(organization=organization)
    EventFactory(organization=organization)
    request = rf.get("/")
    request.user = AnonymousUser()
    names = [s.name for s in organization_sections(request, organization, can_manage=False)]
    assert names == ["pledges", "events"]


def test_without_pledges_or_events_only_a_manager_sees_the_sections(rf):
    organization = OrganizationFactory()
    request = rf.get("/")
    request.user = AnonymousUser()
    assert organization_sections(request, organization, can_manage=False) == []
    managed = organization_sections(request, organization, can_manage=True)
    assert [(s.name, s.stylesheets) for s in managed] == [
        ("pledges", ("css/pledges.css",)),
        ("events", ()),  # with its "Create an event" link
    ]
