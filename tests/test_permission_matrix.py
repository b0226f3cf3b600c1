"""Who may do what, in one table: every pledge, contribution and membership endpoint (pages
and API) and method, with the status each kind of person gets.

People: anonymous; `unrelated`, a member of another organization; `member`, `admin` and
`owner` of the organization; `staff`. Each row runs against a fresh world, so a change made
by one request never decides the next one's answer. Where a page answers a refusal with a
message and a redirect (the members and review pages do), the row also names who the change
took effect for, and checks it took effect for them and nobody else.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import Membership
from pledges import services
from pledges.models import Contribution, Pledge
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PEOPLE = ("anonymous", "unrelated", "member", "admin", "owner", "staff")
LOGIN = 302  # a page asks an anonymous visitor to sign in


class World:
    """An organization with an owner, an admin and a member; a public and a private pledge;
    a pending log by the member under the public one; someone of another organization;
    staff; a pending claim on the organization, and a second owner (a co-founder)."""

    def __init__(self):
        self.organization = OrganizationFactory(name="Formstone Software")
        self.owner = MembershipFactory(organization=self.organization, owner=True).user
        self.admin = MembershipFactory(organization=self.organization, admin=True).user
        self.member = MembershipFactory(organization=self.organization).user
        self.unrelated = MembershipFactory(organization=OrganizationFactory()).user
        self.staff = StaffFactory()
        self.anonymous = None
        terms = {"kind": Pledge.Kind.HOURS, "hours_per_period": Decimal("40")}
        terms["starts_on"] = TODAY - timedelta(days=30)
        self.pledge = services.pledge_create(
            organization=self.organization, actor=self.owner, data=terms
        )
        self.private = services.pledge_create(
            organization=self.organization, actor=self.owner, data={**terms, "public": False}
        )
        self.log = services.contribution_log(
            pledge=self.pledge,
            user=self.member,
            data={
                "date": TODAY,
                "hours": Decimal("2"),
                "project": ProjectFactory(),
                "description": "Reviewed pull requests.",
            },
        )
        self.claim = MembershipFactory(organization=self.organization, pending=True)
        self.co_owner_row = MembershipFactory(organization=self.organization, owner=True)
        self.member_row = Membership.objects.get(user=self.member, organization=self.organization)
        self.admin_row = Membership.objects.get(user=self.admin, organization=self.organization)
        self.owner_row = Membership.objects.get(user=self.owner, organization=self.organization)


@dataclass
class Row:
    name: str
    method: str
    url: str  # formatted with the world's attributes
    expected: dict
    data: dict = field(default_factory=dict)
    api: bool = False
    # Whether the change took effect (read from the database), and for whom it must.
    effect: Callable[[World], bool] | None = None
    effect_for: frozenset = frozenset()

    def __str__(self):
        return self.name


def statuses(anonymous, unrelated, member, admin, owner, staff) -> dict:
    return dict(zip(PEOPLE, (anonymous, unrelated, member, admin, owner, staff), strict=True))


NEW_PLEDGE = {"kind": "hours", "hours_per_period": "10", "period": "month", "starts_on": str(TODAY)}
NEW_LOG = {"date": str(TODAY), "hours": "1.5", "project_url": "https://example.org/x",
           "description": "Docs."}  # fmt: skip
ORG = "{w.organization.slug}"
PLEDGE = "{w.pledge.pk}"
MEMBERS = f"/directory/organizations/{ORG}/members/"


def role_of(row_name: str) -> Callable[[World], str | None]:
    def read(world: World):
        row = Membership.objects.filter(pk=getattr(world, row_name).pk).first()
        return row.role if row and row.status == Membership.Status.ACTIVE else None

    return read


def becomes(row_name: str, role: str | None) -> Callable[[World], bool]:
    return lambda world: role_of(row_name)(world) == role


def log_status(world: World) -> str:
    return Contribution.objects.get(pk=world.log.pk).status


def pledge_status(world: World) -> str:
    return Pledge.objects.get(pk=world.pledge.pk).status


OWNER, ADMIN, MEMBER = "owner", "admin", "member"
MANAGERS_AND_STAFF = frozenset({"admin", "owner", "staff"})
OWNERS_AND_STAFF = frozenset({"owner", "staff"})

ROWS = [
    # --- Pledge pages ---
    Row("pledges list", "get", "/pledges/", statuses(200, 200, 200, 200, 200, 200)),
    Row("public pledge", "get", f"/pledges/{PLEDGE}/", statuses(200, 200, 200, 200, 200, 200)),
    Row("private pledge", "get", "/pledges/{w.private.pk}/",
        statuses(404, 404, 200, 200, 200, 200)),
    Row("new pledge form", "get", f"/pledges/new/?organization={ORG}",
        statuses(LOGIN, 403, 403, 200, 200, 200)),
    Row("make a pledge", "post", f"/pledges/new/?organization={ORG}",
        statuses(LOGIN, 403, 403, 302, 302, 302), NEW_PLEDGE),
    Row("edit form", "get", f"/pledges/{PLEDGE}/edit/", statuses(LOGIN, 403, 403, 200, 200, 200)),
    Row("change a pledge", "post", f"/pledges/{PLEDGE}/edit/",
        statuses(LOGIN, 403, 403, 302, 302, 302), NEW_PLEDGE),
    Row("end a pledge", "post", f"/pledges/{PLEDGE}/end/",
        statuses(LOGIN, 403, 403, 302, 302, 302),
        effect=lambda w: pledge_status(w) == "ended", effect_for=MANAGERS_AND_STAFF),
    Row("export its logs", "get", f"/pledges/{PLEDGE}/export.csv",
        statuses(LOGIN, 403, 403, 200, 200, 200)),
    # --- Logging and reviewing on the pages ---
    Row("log hours", "post", f"/pledges/{PLEDGE}/", statuses(LOGIN, 403, 302, 302, 302, 403),
        NEW_LOG),
    Row("approve a log", "post", f"/pledges/{PLEDGE}/review/{{w.log.pk}}/approve/",
        statuses(LOGIN, 403, 403, 302, 302, 302),
        effect=lambda w: log_status(w) == "approved", effect_for=MANAGERS_AND_STAFF),
    Row("reject a log", "post", f"/pledges/{PLEDGE}/review/{{w.log.pk}}/reject/",
        statuses(LOGIN, 403, 403, 302, 302, 302), {"reason": "Not open source."},
        effect=lambda w: log_status(w) == "rejected", effect_for=MANAGERS_AND_STAFF),
    Row("approve ticked logs", "post", f"/pledges/{PLEDGE}/review/approve/",
        statuses(LOGIN, 403, 403, 302, 302, 302), {"contribution": "{w.log.pk}"},
        effect=lambda w: log_status(w) == "approved", effect_for=MANAGERS_AND_STAFF),
    Row("edit form of a log", "get", "/pledges/logs/{w.log.pk}/edit/",
        statuses(LOGIN, 404, 200, 404, 404, 404)),
    Row("change a log", "post", "/pledges/logs/{w.log.pk}/edit/",
        statuses(LOGIN, 404, 302, 404, 404, 404), NEW_LOG),
    Row("withdraw a log", "post", "/pledges/logs/{w.log.pk}/withdraw/",
        statuses(LOGIN, 404, 302, 404, 404, 404),
        effect=lambda w: log_status(w) == "withdrawn", effect_for=frozenset({"member"})),
    # --- Pledges API ---
    Row("API pledges", "get", "/api/v1/pledges/", statuses(200, 200, 200, 200, 200, 200), api=True),
    Row("API public pledge", "get", f"/api/v1/pledges/{PLEDGE}/",
        statuses(200, 200, 200, 200, 200, 200), api=True),
    Row("API private pledge", "get", "/api/v1/pledges/{w.private.pk}/",
        statuses(404, 404, 200, 200, 200, 200), api=True),
    Row("API make a pledge", "post", "/api/v1/pledges/",
        statuses(401, 403, 403, 201, 201, 201),
        {"organization": ORG, "hours_per_period": "10", "starts_on": str(TODAY)}, api=True),
    Row("API change a pledge", "patch", f"/api/v1/pledges/{PLEDGE}/",
        statuses(401, 403, 403, 200, 200, 200), {"hours_per_period": "12"}, api=True),
    Row("API end a pledge", "post", f"/api/v1/pledges/{PLEDGE}/end/",
        statuses(401, 403, 403, 200, 200, 200), api=True),
    # --- Contributions API ---
    Row("API logs", "get", "/api/v1/contributions/", statuses(401, 200, 200, 200, 200, 200),
        api=True),
    Row("API one log", "get", "/api/v1/contributions/{w.log.pk}/",
        statuses(401, 404, 200, 200, 200, 200), api=True),
    Row("API log hours", "post", "/api/v1/contributions/",
        statuses(401, 403, 201, 201, 201, 403), {**NEW_LOG, "pledge": PLEDGE}, api=True),
    Row("API change a log", "patch", "/api/v1/contributions/{w.log.pk}/",
        statuses(401, 403, 200, 403, 403, 403), {"hours": "3"}, api=True),
    Row("API withdraw a log", "delete", "/api/v1/contributions/{w.log.pk}/",
        statuses(401, 403, 204, 403, 403, 403), api=True),
    Row("API approve a log", "post", "/api/v1/contributions/{w.log.pk}/approve/",
        statuses(401, 403, 403, 200, 200, 200), api=True),
    Row("API reject a log", "post", "/api/v1/contributions/{w.log.pk}/reject/",
        statuses(401, 403, 403, 200, 200, 200), {"reason": "Not open source."}, api=True),
    # --- Memberships (pages; there is no membership API) ---
    Row("claim the listing", "post", f"/directory/organizations/{ORG}/claim/",
        statuses(LOGIN, 302, 302, 302, 302, 302), {"message": "I work there."},
        effect=lambda w: Membership.objects.filter(
            organization=w.organization, user=w.unrelated).exists(),
        effect_for=frozenset({"unrelated"})),
    Row("members page", "get", MEMBERS, statuses(LOGIN, 403, 403, 200, 200, 200)),
    Row("add a member", "post", MEMBERS, statuses(LOGIN, 403, 403, 302, 302, 302),
        {"email": "{w.unrelated.email}", "role": MEMBER},
        effect=lambda w: Membership.objects.filter(
            organization=w.organization, user=w.unrelated, status="active").exists(),
        effect_for=MANAGERS_AND_STAFF),
    Row("add someone as owner", "post", MEMBERS, statuses(LOGIN, 403, 403, 400, 302, 302),
        {"email": "{w.unrelated.email}", "role": OWNER},
        effect=lambda w: Membership.objects.filter(
            organization=w.organization, user=w.unrelated, role=OWNER).exists(),
        effect_for=OWNERS_AND_STAFF),
    Row("approve a claim", "post", MEMBERS + "{w.claim.pk}/",
        statuses(LOGIN, 403, 403, 302, 302, 302), {"action": "approve"},
        effect=lambda w: role_of("claim")(w) is not None, effect_for=MANAGERS_AND_STAFF),
    Row("reject a claim", "post", MEMBERS + "{w.claim.pk}/",
        statuses(LOGIN, 403, 403, 302, 302, 302), {"action": "reject", "reason": "Unknown."},
        effect=lambda w: Membership.objects.get(pk=w.claim.pk).status == "rejected",
        effect_for=MANAGERS_AND_STAFF),
    Row("make a member admin", "post", MEMBERS + "{w.member_row.pk}/",
        statuses(LOGIN, 403, 403, 302, 302, 302), {"action": "role", "role": ADMIN},
        effect=becomes("member_row", ADMIN), effect_for=MANAGERS_AND_STAFF),
    Row("make a member owner", "post", MEMBERS + "{w.member_row.pk}/",
        statuses(LOGIN, 403, 403, 302, 302, 302), {"action": "role", "role": OWNER},
        effect=becomes("member_row", OWNER), effect_for=OWNERS_AND_STAFF),
    Row("demote an owner", "post", MEMBERS + "{w.co_owner_row.pk}/",
        statuses(LOGIN, 403, 403, 302, 302, 302), {"action": "role", "role": MEMBER},
        effect=becomes("co_owner_row", MEMBER), effect_for=OWNERS_AND_STAFF),
    Row("remove an owner", "post", MEMBERS + "{w.co_owner_row.pk}/",
        statuses(LOGIN, 403, 403, 302, 302, 302), {"action": "remove"},
        effect=becomes("co_owner_row", None), effect_for=OWNERS_AND_STAFF),
    Row("remove a member", "post", MEMBERS + "{w.member_row.pk}/",
        statuses(LOGIN, 403, 302, 302, 302, 302), {"action": "remove"},
        effect=becomes("member_row", None), effect_for=MANAGERS_AND_STAFF | {"member"}),
    Row("transfer ownership", "post", MEMBERS + "transfer/",
        statuses(LOGIN, 403, 403, 302, 302, 302),
        {"to_membership": "{w.member_row.pk}", "confirm": "on"},
        effect=becomes("member_row", OWNER), effect_for=frozenset({"owner"})),
]  # fmt: skip


def _client(world: World, person: str, api: bool):
    user = getattr(world, person)
    client = APIClient() if api else Client()
    if user is not None:
        if api:
            client.force_authenticate(user=user)
        else:
            client.force_login(user)
    return client


def _filled(value, world: World):
    if isinstance(value, str):
        return value.format(w=world)
    if isinstance(value, dict):
        return {key: _filled(item, world) for key, item in value.items()}
    return value


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_each_endpoint_answers_each_person_as_the_table_says(row: Row, person: str):
    world = World()
    client = _client(world, person, row.api)
    url = _filled(row.url, world)
    data = _filled(row.data, world)
    send = getattr(client, row.method)
    response = send(url, data, format="json") if row.api else send(url, data)
    assert response.status_code == row.expected[person], (
        f"{row.method.upper()} {url} as {person}: {response.status_code} {response.content[:300]!r}"
    )
    if response.status_code == LOGIN and person == "anonymous" and not row.api:
        assert response["Location"].startswith("/accounts/login/")
    if row.effect is not None:
        assert row.effect(world) is (person in row.effect_for), (
            f"{row.name} as {person}: the change "
            f"{'did not take' if person in row.effect_for else 'took'} effect"
        )
