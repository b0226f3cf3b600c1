"""An edit's revision holds only what the edit changes, and staff see it as before and after;
the "is now published" e-mail links to the listing."""

import pytest
from django.core import mail
from django.urls import reverse

from directory import services
from directory.models import ListingRevision
from tests.directory.factories import MembershipFactory, OrganizationFactory, TagFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = "We build open source tools.\nMostly for the harbour."


def edit_page_post(client, organization, **changes):
    """The edit form as the browser posts it back: every field, text areas with CRLF."""
    data = {
        "name": organization.name,
        "kind": organization.kind,
        "description": organization.description.replace("\n", "\r\n"),
        "website": organization.website,
        "city": organization.city,
        "neighbourhood": organization.neighbourhood,
        "size_band": organization.size_band,
        "tags": [tag.pk for tag in organization.tags.all()],
        **changes,
    }
    if organization.innersource:
        data["innersource"] = "on"
    return client.post(reverse("directory:organization-edit", args=[organization.slug]), data)


@pytest.fixture
def owned():
    """A published, unverified organization with a tag, and its owner signed in later."""
    organization = OrganizationFactory(
        name="Harbor Labs", description=DESCRIPTION, tags=[TagFactory(name="Python")]
    )
    return MembershipFactory(owner=True, organization=organization)


def test_a_revision_holds_only_the_fields_the_edit_changed(client, owned, staff_user):
    client.force_login(owned.user)

    response = edit_page_post(client, owned.organization, city="Towson")

    assert response.status_code == 302
    revision = ListingRevision.objects.get(organization=owned.organization)
    assert revision.data == {"city": "Towson", "_previous": {"city": "Baltimore"}}
    client.force_login(staff_user)
    page = client.get(reverse("admin:directory_listingrevision_change", args=[revision.pk]))
    html = page.content.decode()
    assert "<tr><th>City</th><td>Baltimore</td><td>Towson</td></tr>" in html
    for unchanged in ("Description", "Name", "Website", "Tags", "Neighbourhood"):
        assert f"<tr><th>{unchanged}</th>" not in html


def test_an_edit_that_changes_nothing_leaves_nothing_to_review(client, owned):
    client.force_login(owned.user)

    response = edit_page_post(client, owned.organization)

    assert response.status_code == 302
    assert not ListingRevision.objects.exists()


def test_changed_tags_show_by_name_before_and_after(client, owned, staff_user):
    gis = TagFactory(name="GIS")
    client.force_login(owned.user)

    edit_page_post(client, owned.organization, tags=[tag.pk for tag in [gis]])

    revision = ListingRevision.objects.get()
    client.force_login(staff_user)
    html = client.get(
        reverse("admin:directory_listingrevision_change", args=[revision.pk])
    ).content.decode()
    assert "<tr><th>Tags</th><td>Python</td><td>GIS</td></tr>" in html
    services.revision_approve(revision=revision, actor=staff_user)
    assert [tag.name for tag in owned.organization.tags.all()] == ["GIS"]


def test_an_applied_edit_of_a_verified_organization_records_before_and_after(
    client, owned, staff_user
):
    services.organization_set_flags(
        organization=owned.organization, actor=staff_user, verified=True
    )
    client.force_login(owned.user)

    edit_page_post(client, owned.organization, neighbourhood="Canton")

    revision = ListingRevision.objects.get()
    assert revision.status == ListingRevision.Status.APPLIED
    assert revision.data == {
        "neighbourhood": "Canton",
        "_previous": {"neighbourhood": "Fells Point"},
    }
    client.force_login(staff_user)
    html = client.get(
        reverse("admin:directory_listingrevision_change", args=[revision.pk])
    ).content.decode()
    assert "<th>After</th>" in html
    assert "<tr><th>Neighbourhood</th><td>Fells Point</td><td>Canton</td></tr>" in html


def test_the_published_e_mail_links_to_the_listing(
    user, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.HUB_SITE_URL = "https://hub.example.org"
    settings.HUB_NAME = "Chesapeake Open Source Hub"
    organization = services.organization_submit(
        user=user, data={"name": "Patapsco Robotics", "kind": "company"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.listing_publish(listing=organization, actor=staff_user)

    [message] = mail.outbox
    assert "https://hub.example.org/directory/organizations/patapsco-robotics/" in message.body
    assert "Chesapeake Open Source Hub directory" in message.body
