"""A crawler: every URL pattern of the URLconf, with real slugs and ids of the demo region and
with malformed ones, with hostile query strings, anonymously, as a member and (the admin) as
staff, on PostgreSQL. No answer may be a server error.

The patterns come from the resolver itself (its reverse dictionaries, namespaces included),
so a new route is crawled without anyone listing it here.
"""

import time
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver
from django.utils.regex_helper import normalize

from chamber.models import Position, PracticeNote
from directory.models import ListingStatus, Membership, Project, Tag
from events.models import Event, Room, SessionProposal, TimeSlot
from hub.models import User
from hub.notifications import unsubscribe_token
from pledges.models import Contribution, Pledge
from tests.factories import StaffFactory

MEMBER_EMAIL = "maya.okafor@example.org"
STAFF_EMAIL = "admin@hub.example"

# Path values that must never make a server error: a NUL, a 10 kB string, an emoji, negative
# and huge numbers, an impossible date, a path trick.
BAD_VALUES = [
    "\x00",
    "x" * 10_000,
    "\U0001f600",
    "-1",
    "99999999999999999999999",
    "2025-02-30",
    "..%2F",
]
LONG = "a" * 10_000
# Query strings with every parameter the pages and the API read, malformed, repeated.
BAD_QUERIES = [
    "q=%00&page=%00",
    "page=-1&page=99999999999999999999&q=" + LONG + "&sort=%F0%9F%98%80&kind=nope"
    "&month=2025-13&year=0&when=%F0%9F%98%80&tab=x&type=x&tag=&tag=" + LONG,
    "page=0&month=9999-12&month=0000-01&year=99999&year=-1&organization="
    + LONG
    + "&tag=%F0%9F%98%80&tag=%F0%9F%98%80&license=..&city=%F0%9F%98%80&seeking=2"
    "&innersource=x&pledge=-5&pledge=1e99&status=%F0%9F%98%80&format=json&next=//evil.test"
    "&date=2025-02-30&start=9999999999&o=-99&p=-1&e=1&_changelist_filters=%F0%9F%98%80"
    # An admin add form takes its first values from these (a key of each related model).
    "&project=%F0%9F%98%80&user=abc&event=-1&proposer=99999999999999999999&tags=a,b"
    "&contributor=1.5&reviewed_by=&merged_into=x",
]


def url_templates() -> set[tuple[str, tuple[str, ...]]]:
    """Every route as a format string and its parameter names, namespaces included."""

    def walk(resolver, prefix: str, prefix_params: tuple[str, ...]):
        found = set()
        for _key, entries in resolver.reverse_dict.lists():
            for possibilities, _pattern, _defaults, _converters in entries:
                for template, params in possibilities:
                    found.add(("/" + prefix + template, prefix_params + tuple(params)))
        for sub_prefix, sub_resolver in resolver.namespace_dict.values():
            for template, params in normalize(sub_prefix):
                found |= walk(sub_resolver, prefix + template, prefix_params + tuple(params))
        return found

    return walk(get_resolver(), "", ())


class RealValues:
    """Real slugs and ids from the demo region, chosen by where the parameter sits."""

    def __init__(self, member: User):
        self.member = member
        organized = Event.objects.filter(organizers=member).order_by("-starts_at").first()
        proposal = SessionProposal.objects.order_by("pk").first()
        self.event = organized or Event.objects.filter(status=Event.Status.PUBLISHED).first()
        self.program_event = proposal.event
        self.proposal = proposal
        membership = Membership.objects.filter(user=member).select_related("organization")
        self.organization = membership.first().organization
        self.membership = Membership.objects.filter(organization=self.organization).last()
        self.project = Project.objects.filter(status=ListingStatus.PUBLISHED).first()
        self.pledge = Pledge.objects.filter(organization=self.organization).first() or (
            Pledge.objects.first()
        )
        self.contribution = Contribution.objects.filter(pledge=self.pledge).first()
        self.room = Room.objects.filter(event=self.program_event).first()
        self.slot = TimeSlot.objects.filter(event=self.program_event).first()

    def fill(self, template: str, param: str) -> str:
        program = any(word in template for word in ("/sessions/", "/schedule"))
        event = self.program_event if program else self.event
        if param == "slug":
            if "/organizations/" in template:
                return self.organization.slug
            if "/projects/" in template:
                return self.project.slug
            if "/tags/" in template:
                return Tag.objects.first().slug
            if "practices/" in template:
                return PracticeNote.objects.order_by("pk").first().slug
            if "advocacy/" in template or "positions/" in template:
                return Position.objects.order_by("pk").first().slug
            return event.slug
        if param == "pk":
            if "/rooms/" in template:
                return str(getattr(self.room, "pk", 1))
            if "/slots/" in template:
                return str(getattr(self.slot, "pk", 1))
            if "/sessions/" in template:
                return str(self.proposal.pk)
            if "/logs/" in template or "/contributions/" in template:
                return str(self.contribution.pk)
            return str(self.pledge.pk)
        if param == "log_pk":
            return str(self.contribution.pk)
        if param == "membership_id":
            return str(self.membership.pk)
        if param == "token":
            return unsubscribe_token(self.member, "digest")
        if param == "app_label":
            return "directory"
        if param == "object_id":
            parts = template.strip("/").split("/")
            try:
                model = apps.get_model(parts[1], parts[2])
            except (LookupError, ValueError):  # admin/r/<content_type_id>/<object_id>/
                return "1"
            first = model._default_manager.order_by("pk").first()
            return str(first.pk) if first else "1"
        return "1"


def urls_for(template: str, params: tuple[str, ...], real: RealValues, *, thorough: bool):
    values = {param: real.fill(template, param) for param in params}

    def build(overrides: dict[str, str]) -> str:
        filled = {**values, **overrides}
        return template % {name: quote(value, safe="") for name, value in filled.items()}

    yield build({})
    bad_values = BAD_VALUES if thorough else BAD_VALUES[:3]
    for param in params:
        for bad in bad_values:
            yield build({param: bad})
    queries = BAD_QUERIES if thorough else BAD_QUERIES[-1:]
    for query in queries:
        yield f"{build({})}?{query}"


@pytest.fixture
def demo_region(postgres, settings):
    # Rates have tests of their own; a 429 here would only stop the crawl short.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": [],
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), None
        ),
    }
    settings.RATELIMIT_ENABLE = False
    settings.ACCOUNT_RATE_LIMITS = False
    call_command("seed_demo", verbosity=0)


def test_no_url_answers_a_server_error(demo_region, request):
    """Every route, real and malformed values, hostile queries: 0 answers of 500 or more."""
    member = User.objects.get(email=MEMBER_EMAIL)
    staff = User.objects.get(email=STAFF_EMAIL)
    real = RealValues(member)
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name, user in (("member", member), ("staff", staff)):
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(user)

    templates = url_templates()
    assert len(templates) > 200
    started = time.monotonic()
    requests = 0
    server_errors = []
    statuses: dict[int, int] = {}
    for template, params in sorted(templates):
        admin = template.startswith("/admin/")
        # The admin is only itself for staff; others get the login page.
        identities = ["staff"] if admin else ["anonymous", "member", "staff"]
        for url in urls_for(template, params, real, thorough=not admin):
            for identity in identities:
                response = clients[identity].get(url)
                requests += 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    server_errors.append(f"{response.status_code} {identity} GET {url[:200]}")
    seconds = round(time.monotonic() - started)
    request.node.user_properties.append(
        (
            "figures",
            f"crawler: {len(templates)} routes, {requests} requests in {seconds} s, "
            f"by status {dict(sorted(statuses.items()))}",
        )
    )
    assert not server_errors, f"{len(server_errors)} server errors:\n" + "\n".join(
        server_errors[:100]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/events/event/add/?organization=abc",
        "/admin/directory/membership/add/?user=x&organization=-1.5",
        "/admin/pledges/pledge/add/?organization=%F0%9F%98%80",
        "/admin/directory/membership/add/?organization=abc&user=",
    ],
)
def test_admin_add_forms_drop_prefilled_values_that_are_not_keys(client, path):
    """The crawler's find: `?organization=abc` on an add form with an autocomplete was a 500."""
    client.force_login(StaffFactory(is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200
