"""What the public never sees: one walk over every public surface per model.

Each test makes one hidden object with a marker of its own in its name, and a visible
control with another marker, then reads every public surface anonymously: the pages,
the feeds and exports, the iCal files, the API and the weekly digest. The hidden marker
appears nowhere; the control's marker appears where the control belongs (so the walk
can fail). The rules under test are `directory.queries`, `events.queries` and
`pledges.queries` (with their object checks in each app's `permissions.py`).
"""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from directory.models import ListingStatus, ProjectRole, SlugRedirect
from events.models import Event, Room, ScheduledSession, SessionProposal, TimeSlot
from pledges.models import Contribution
from portal.digest import digest_content, digest_news
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.pledges.factories import ContributionFactory, PledgeFactory

pytestmark = pytest.mark.django_db

HIDDEN_LISTING_STATES = [ListingStatus.PENDING, ListingStatus.REJECTED, ListingStatus.ARCHIVED]

# Every public surface that lists things, whatever the model; each test adds the addresses
# of its own objects (detail pages, an event's board); SEARCHES run for both names.
LISTS = [
    "/",
    "/directory/",
    "/directory/?tab=organizations",
    "/directory/?tab=projects",
    "/directory/?sort=newest",
    "/directory/feed.atom",
    "/directory/export.csv",
    "/directory/export.json",
    "/events/",
    "/events/?when=past",
    "/events/calendar.ics",
    "/pledges/",
    "/api/v1/organizations/",
    "/api/v1/projects/",
    "/api/v1/events/",
    "/api/v1/events/?when=past",
    "/api/v1/pledges/",
    "/api/v1/contributions/",
    "/api/v1/tags/",
]
SEARCHES = [
    "/directory/?q={q}",
    "/directory/?tab=organizations&q={q}",
    "/directory/?tab=projects&q={q}",
    "/directory/export.csv?q={q}",
    "/directory/export.json?q={q}",
    "/api/v1/organizations/?q={q}",
    "/api/v1/projects/?q={q}",
]


def read(client: Client, url: str) -> str:
    """The body of an anonymous GET, following redirects, as text."""
    response = client.get(url, follow=True)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON escapes some characters: compare with the decoded text too.
        text += json.dumps(json.loads(text or "null"), ensure_ascii=False)
    return text


def digest_text() -> str:
    """This week's digest as a subscriber reads it (text and HTML)."""
    news = digest_news(digest_content())
    return news["news_text"] + news["news_html"]


# Searches use a second word of each name, so a page that repeats the search words never
# counts as showing the marker.
SEARCH_WORDS = ("Zebrafind", "Koalafind")


def walk(urls: list[str]) -> dict[str, str]:
    """Every public surface: the lists, the searches for both names, `urls`, the digest."""
    client = Client()
    every = [*LISTS, *(s.format(q=word) for s in SEARCHES for word in SEARCH_WORDS), *urls]
    bodies = {url: read(client, url) for url in dict.fromkeys(every)}
    bodies["digest"] = digest_text()
    return bodies


def assert_nowhere(bodies: dict[str, str], marker: str) -> None:
    leaks = [url for url, body in bodies.items() if marker.lower() in body.lower()]
    assert leaks == [], f"{marker} shows on {leaks}"


def assert_on(bodies: dict[str, str], marker: str, urls: list[str]) -> None:
    missing = [url for url in urls if marker.lower() not in bodies[url].lower()]
    assert missing == [], f"{marker} missing from {missing}"


def assert_not_found(urls: list[str]) -> None:
    client = Client()
    answers = {url: client.get(url).status_code for url in urls}
    assert answers == dict.fromkeys(urls, 404)


def long_ago():
    return timezone.now() - timedelta(days=60)


# --- Organizations --------------------------------------------------------------------------


@pytest.mark.parametrize("state", HIDDEN_LISTING_STATES)
def test_an_unpublished_organization_shows_nowhere(state):
    """A pending, rejected or archived organization: not listed, searched, exported, fed,
    counted in the digest, named with a project it works on or an event it runs, nor found
    by its address, its API address or an old address."""
    control = OrganizationFactory(name="Wombatcontrol Koalafind Labs")
    hidden = OrganizationFactory(
        name=f"Quokkahidden Zebrafind {state} Labs", slug=f"hidden-{state}", status=state
    )
    if state == ListingStatus.PENDING:
        hidden.published_at = None
        hidden.save(update_fields=["published_at"])
    shared = ProjectFactory(name="Shared Toolkit", organizations=[control])
    ProjectRole.objects.create(project=shared, organization=hidden, role=ProjectRole.Role.SPONSOR)
    SlugRedirect.objects.create(old_slug="quokka-old-name", organization=hidden)
    # Staff published an event the hidden organization runs: the event is public, its
    # organization is not named.
    event = EventFactory(title="Harbour Night", organization=hidden, kind=Event.Kind.MEETUP)
    control_event = EventFactory(title="Dock Evening", organization=control)

    bodies = walk(
        [
            shared.get_absolute_url(),
            f"/api/v1/projects/{shared.slug}/",
            event.get_absolute_url(),
            f"/events/{event.slug}/calendar.ics",
            f"/api/v1/events/{event.slug}/",
            f"/events/?organization={hidden.slug}",
            f"/api/v1/events/?organization={hidden.slug}",
            control.get_absolute_url(),
            control_event.get_absolute_url(),
        ],
    )

    assert_nowhere(bodies, "Quokkahidden")
    assert_on(bodies, "Harbour Night", ["/events/", "/api/v1/events/", "/events/calendar.ics"])
    assert_on(
        bodies,
        "Wombatcontrol",
        [
            "/directory/",
            "/directory/?q=Koalafind",
            "/directory/feed.atom",
            "/directory/export.csv",
            "/directory/export.json",
            "/api/v1/organizations/",
            "/api/v1/organizations/?q=Koalafind",
            shared.get_absolute_url(),
            f"/api/v1/projects/{shared.slug}/",
            "/events/",
            "/events/calendar.ics",
            "/api/v1/events/",
            "digest",
        ],
    )
    assert_not_found(
        [
            hidden.get_absolute_url(),
            f"/api/v1/organizations/{hidden.slug}/",
            "/directory/organizations/quokka-old-name/",
        ]
    )


# --- Projects -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", HIDDEN_LISTING_STATES)
def test_an_unpublished_project_shows_nowhere(state):
    """A pending, rejected or archived project: not listed, searched, exported, fed, in the
    digest (not even as seeking contributors), nor on its organization's page or API."""
    organization = OrganizationFactory(name="Harbour Works", published_at=long_ago())
    control = ProjectFactory(
        name="Wombatcontrol Koalafind Toolkit",
        organizations=[organization],
        seeking_contributors=True,
    )
    hidden = ProjectFactory(
        name=f"Quokkahidden Zebrafind {state} Toolkit",
        status=state,
        organizations=[organization],
        seeking_contributors=True,
    )
    SlugRedirect.objects.create(old_slug="quokka-old-toolkit", project=hidden)

    bodies = walk(
        [
            organization.get_absolute_url(),
            f"/api/v1/organizations/{organization.slug}/",
            control.get_absolute_url(),
            f"/api/v1/projects/{control.slug}/",
        ]
    )

    assert_nowhere(bodies, "Quokkahidden")
    assert_on(
        bodies,
        "Wombatcontrol",
        [
            "/directory/",
            "/directory/?q=Koalafind",
            "/directory/?tab=projects&q=Koalafind",
            "/directory/feed.atom",
            "/directory/export.csv",
            "/directory/export.json",
            "/api/v1/projects/",
            "/api/v1/projects/?q=Koalafind",
            organization.get_absolute_url(),
            f"/api/v1/organizations/{organization.slug}/",
            control.get_absolute_url(),
            f"/api/v1/projects/{control.slug}/",
            "digest",
        ],
    )
    assert_not_found(
        [
            hidden.get_absolute_url(),
            f"/api/v1/projects/{hidden.slug}/",
            "/directory/projects/quokka-old-toolkit/",
        ]
    )


# --- Events ---------------------------------------------------------------------------------


def _program(event: Event, *titles_and_statuses) -> list[SessionProposal]:
    """Proposals of `event`, each placed on a published grid (one room, a slot each)."""
    room, _ = Room.objects.get_or_create(event=event, name="Main hall", defaults={"capacity": 80})
    proposals = []
    for number, (title, status) in enumerate(titles_and_statuses):
        proposal = SessionProposal.objects.create(
            event=event, title=title, proposer=UserFactory(), status=status
        )
        starts = event.starts_at + timedelta(hours=number + event.slots.count())
        slot = TimeSlot.objects.create(
            event=event, starts_at=starts, ends_at=starts + timedelta(minutes=45)
        )
        ScheduledSession.objects.create(proposal=proposal, room=room, slot=slot)
        proposals.append(proposal)
    Event.objects.filter(pk=event.pk).update(schedule_published=True, proposals_open=True)
    return proposals


def _event_surfaces(event: Event) -> list[str]:
    return [
        event.get_absolute_url(),
        f"/events/{event.slug}/calendar.ics",
        f"/events/{event.slug}/sessions/",
        f"/events/{event.slug}/sessions/?sort=new",
        f"/events/{event.slug}/schedule/",
        f"/events/{event.slug}/schedule.ics",
        f"/api/v1/events/{event.slug}/",
        f"/api/v1/events/{event.slug}/sessions/",
        f"/api/v1/events/{event.slug}/schedule/",
    ]


@pytest.mark.parametrize("past", [False, True], ids=["upcoming", "past"])
def test_a_draft_event_shows_nowhere(past):
    """A draft (upcoming or past): not listed, in no calendar, API or digest, and none of its
    pages, its board or its schedule answer."""
    starts = timezone.now() + (timedelta(days=-20) if past else timedelta(days=5))
    control = EventFactory(
        title="Wombatcontrol Unconference",
        kind=Event.Kind.UNCONFERENCE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
    )
    hidden = EventFactory(
        title="Quokkahidden Unconference",
        kind=Event.Kind.UNCONFERENCE,
        status=Event.Status.DRAFT,
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
    )
    _program(control, ("Wombatcontrol session", SessionProposal.Status.ACCEPTED))
    _program(hidden, ("Quokkahidden session", SessionProposal.Status.ACCEPTED))

    bodies = walk(_event_surfaces(control))

    assert_nowhere(bodies, "Quokkahidden")
    tab = "/events/?when=past" if past else "/events/"
    api_tab = "/api/v1/events/?when=past" if past else "/api/v1/events/"
    assert_on(
        bodies,
        "Wombatcontrol",
        [tab, "/events/calendar.ics", api_tab, *_event_surfaces(control)]
        + ([] if past else ["digest"]),
    )
    assert_not_found(_event_surfaces(hidden))


# --- Session proposals ----------------------------------------------------------------------

HIDDEN_PROPOSAL_STATES = [
    status for status in SessionProposal.Status.values if status not in SessionProposal.VISIBLE
]


@pytest.mark.parametrize("state", [*HIDDEN_PROPOSAL_STATES, "of a draft event"])
def test_a_proposal_off_the_board_shows_nowhere(state):
    """A hidden or merged proposal, or any proposal of a draft event: not on the board, the
    grid, the schedule's iCal or the API (even when it was placed on the grid), and its
    address answers 404 (a merged one leads to the session it joined)."""
    event = EventFactory(title="Harbour Unconference", kind=Event.Kind.UNCONFERENCE)
    control, *_ = _program(event, ("Wombatcontrol session", SessionProposal.Status.ACCEPTED))
    if state == "of a draft event":
        draft = EventFactory(
            title="Harbour Draft", kind=Event.Kind.UNCONFERENCE, status=Event.Status.DRAFT
        )
        [hidden] = _program(draft, ("Quokkahidden session", SessionProposal.Status.ACCEPTED))
    else:
        [hidden] = _program(event, ("Quokkahidden session", SessionProposal.Status.ACCEPTED))
        SessionProposal.objects.filter(pk=hidden.pk).update(
            status=state,
            merged_into=control if state == SessionProposal.Status.MERGED else None,
        )

    bodies = walk(
        [*_event_surfaces(event), *_event_surfaces(hidden.event), control.get_absolute_url()]
    )

    assert_nowhere(bodies, "Quokkahidden")
    assert_on(
        bodies,
        "Wombatcontrol",
        [
            f"/events/{event.slug}/sessions/",
            f"/events/{event.slug}/schedule/",
            f"/events/{event.slug}/schedule.ics",
            f"/api/v1/events/{event.slug}/sessions/",
            f"/api/v1/events/{event.slug}/schedule/",
            control.get_absolute_url(),
        ],
    )
    response = Client().get(hidden.get_absolute_url())
    if state == SessionProposal.Status.MERGED:
        assert response.status_code == 302
        assert response["Location"] == control.get_absolute_url()
    else:
        assert response.status_code == 404


# --- Pledges and contributions --------------------------------------------------------------

PLEDGE_CASES = [
    ListingStatus.PENDING,
    ListingStatus.REJECTED,
    ListingStatus.ARCHIVED,
    "private pledge",
]


def _pledge_with_hours(organization, *, hours: str, marker: str, public: bool = True):
    """A pledge with two approved logs by a member: one on a listed project, one on a URL;
    the reviewer is another admin of the organization."""
    pledge = PledgeFactory(organization=organization, public=public)
    reviewer = MembershipFactory(organization=organization, admin=True).user
    person = MembershipFactory(organization=organization).user
    project = ProjectFactory(name=f"{marker} Parser", published_at=long_ago())
    for log in (
        {"project": project},
        {"project": None, "project_url": f"https://example.org/{marker.lower()}-fork"},
    ):
        ContributionFactory(
            pledge=pledge,
            contributor=person,
            hours=Decimal(hours),
            description=f"{marker} work on the parser.",
            status=Contribution.Status.APPROVED,
            reviewed_at=timezone.now(),
            reviewed_by=reviewer,
            **log,
        )
    return pledge


@pytest.mark.parametrize("case", PLEDGE_CASES)
def test_a_hidden_pledge_and_its_hours_show_nowhere(case):
    """A pledge of a pending, rejected or archived organization, or a private pledge of a
    published one: neither it, its logs, its projects' names as its work, nor its hours are
    on /pledges/ (list, three leaderboards, the hub's totals), its page, the organization's
    page, the API or the digest."""
    control_org = OrganizationFactory(name="Wombatcontrol Koalafind Labs", published_at=long_ago())
    _pledge_with_hours(control_org, hours="2.5", marker="Wombatcontrol")
    if case == "private pledge":
        organization = OrganizationFactory(name="Harbour Private Co", published_at=long_ago())
        hidden = _pledge_with_hours(organization, hours="7.75", marker="Quokkahidden", public=False)
    else:
        organization = OrganizationFactory(
            name=f"Quokkahidden Zebrafind {case} Co",
            slug=f"hidden-{case}",
            status=case,
            published_at=long_ago(),
        )
        hidden = _pledge_with_hours(organization, hours="7.75", marker="Quokkahidden")

    bodies = walk(
        [
            f"/pledges/{hidden.pk}/",
            f"/api/v1/pledges/{hidden.pk}/",
            organization.get_absolute_url(),
            f"/api/v1/organizations/{organization.slug}/",
            control_org.get_absolute_url(),
        ],
    )
    # The project listings themselves are public (they are directory entries): only the
    # pledge surfaces may not credit them with the hidden pledge's work.
    pledge_surfaces = {
        url: body
        for url, body in bodies.items()
        if url.startswith(("/pledges/", "/api/v1/pledges/", "/api/v1/contributions/"))
        or url in ("digest", organization.get_absolute_url(), control_org.get_absolute_url())
    }

    assert_nowhere(pledge_surfaces, "Quokkahidden")
    # 7.75 + 7.75 hidden hours: on no board and in no total (the control gave 2.5 + 2.5).
    for hours in ("7.75", "15.5", "20.5"):
        assert_nowhere(pledge_surfaces, hours)
    assert_on(bodies, "Wombatcontrol", ["/pledges/", "/api/v1/pledges/"])
    # The all-time total is the control's 5 hours alone.
    assert_on(bodies, "<dt>Hours given, all time</dt><dd>5</dd>", ["/pledges/"])
    assert Client().get(f"/pledges/{hidden.pk}/").status_code == 404
    assert Client().get(f"/api/v1/pledges/{hidden.pk}/").status_code == 404
