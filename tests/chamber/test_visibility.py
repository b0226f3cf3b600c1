"""What the public never sees in the chamber, in the style of tests/test_visibility.py: one
hidden object with a marker of its own and a visible control with another, then every
public surface read anonymously. The rules under test are `chamber.queries`
(`PUBLIC_PRACTICE`, `public_positions_q`, `public_endorsements`) and their object checks in
`chamber.permissions`."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from chamber import queries
from chamber.permissions import user_can_view_position, user_can_view_practice
from directory.models import ListingStatus
from tests.chamber.factories import EndorsementFactory, PositionFactory, PracticeNoteFactory
from tests.directory.factories import OrganizationFactory
from tests.factories import StaffFactory, UserFactory
from tests.test_visibility import assert_not_found, assert_nowhere, assert_on, read

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [ListingStatus.PENDING, ListingStatus.REJECTED, ListingStatus.ARCHIVED]
SURFACES = [
    "/",
    "/practices/",
    "/practices/?q=Koalafind",
    "/practices/?q=Zebrafind",
    "/advocacy/",
    "/advocacy/feed.atom",
    "/api/v1/practices/",
    "/api/v1/practices/?q=Koalafind",
    "/api/v1/practices/?q=Zebrafind",
    "/api/v1/positions/",
]


def walk(urls: list[str]) -> dict[str, str]:
    client = Client()
    return {url: read(client, url) for url in dict.fromkeys([*SURFACES, *urls])}


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_an_unpublished_practice_note_shows_nowhere(state):
    organization = OrganizationFactory()
    control = PracticeNoteFactory(title="Wombatcontrol Koalafind", organization=organization)
    hidden = PracticeNoteFactory(
        title=f"Quokkahidden Zebrafind {state}", organization=organization, status=state
    )

    bodies = walk([organization.get_absolute_url(), control.get_absolute_url()])

    assert_nowhere(bodies, "Quokkahidden")
    assert_on(
        bodies,
        "Wombatcontrol",
        [
            "/practices/",
            "/practices/?q=Koalafind",
            "/api/v1/practices/",
            control.get_absolute_url(),
        ],
    )
    assert_not_found([hidden.get_absolute_url(), f"/api/v1/practices/{hidden.slug}/"])


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_the_notes_and_endorsements_of_an_unpublished_organization_show_nowhere(state):
    hidden_org = OrganizationFactory(name=f"Quokkahidden Org {state}", status=state)
    note = PracticeNoteFactory(title="Quokkahidden note", organization=hidden_org)
    position = PositionFactory(title="Wombatcontrol position")
    EndorsementFactory(position=position, organization=hidden_org)
    EndorsementFactory(
        position=position, organization=OrganizationFactory(name="Wombatcontrol Org")
    )
    endorsements = f"/api/v1/positions/{position.slug}/endorsements/"

    bodies = walk([position.get_absolute_url(), endorsements])

    assert_nowhere(bodies, "Quokkahidden")
    assert_on(bodies, "Wombatcontrol Org", [position.get_absolute_url(), endorsements])
    assert "Endorsed by 1 organization<" in bodies[position.get_absolute_url()]
    assert '"endorsement_count":1' in bodies["/api/v1/positions/"].replace(" ", "")
    assert_not_found([note.get_absolute_url(), f"/api/v1/practices/{note.slug}/"])


@pytest.mark.parametrize("published_at", [None, "tomorrow"])
def test_a_draft_or_scheduled_position_shows_nowhere(published_at):
    when = timezone.now() + timedelta(days=1) if published_at else None
    PositionFactory(title="Wombatcontrol Koalafind")
    hidden = PositionFactory(title="Quokkahidden Zebrafind", slug="hidden", published_at=when)

    bodies = walk([])

    assert_nowhere(bodies, "Quokkahidden")
    assert_on(bodies, "Wombatcontrol", ["/advocacy/", "/advocacy/feed.atom", "/api/v1/positions/"])
    assert_not_found(
        [
            hidden.get_absolute_url(),
            "/api/v1/positions/hidden/",
            "/api/v1/positions/hidden/endorsements/",
        ]
    )


def test_the_object_checks_agree_with_the_querysets():
    """`chamber.permissions` judges one note or position as `chamber.queries` filters them,
    for every kind of visitor."""
    author = UserFactory()
    hidden_org = OrganizationFactory(pending=True)
    notes = [
        PracticeNoteFactory(author=author, status=state)
        for state in [ListingStatus.PUBLISHED, *HIDDEN_STATES]
    ]
    notes.append(PracticeNoteFactory(author=author, organization=hidden_org))
    positions = [
        PositionFactory(),
        PositionFactory(draft=True),
        PositionFactory(published_at=timezone.now() + timedelta(hours=1)),
    ]
    for user in (AnonymousUser(), UserFactory(), author, StaffFactory()):
        visible_notes = set(queries.practices_visible_to(user))
        visible_positions = set(queries.positions_visible_to(user))
        for note in notes:
            assert user_can_view_practice(user=user, note=note) == (note in visible_notes)
        for position in positions:
            assert user_can_view_position(user=user, position=position) == (
                position in visible_positions
            )
