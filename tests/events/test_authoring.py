"""Organizers make events: /events/new/, publishing or review, withdrawing, duplicating, the
staff queue in the admin, and the event's own time zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.models import ListingStatus
from events import authoring
from events.authoring_forms import next_week_same_time
from events.authoring_mail import send_review_decision
from events.models import Event
from hub.models import AuditEntry, SentNotification
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.events.factories import EventFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
NEW = reverse("events:create")
EVENTS_ADMIN = reverse("admin:events_event_changelist")
LOCAL = "%Y-%m-%dT%H:%M"


def next_year(month: int, day: int, hour: int, minute: int = 0, zone=VANCOUVER) -> datetime:
    return datetime(timezone.now().year + 1, month, day, hour, minute, tzinfo=zone)


class World:
    """A published organization with an owner, an admin and a plain member; the admin of
    another organization; staff."""

    def __init__(self, *, verified: bool = False):
        self.organization = OrganizationFactory(name="Chesapeake Code", verified=verified)
        self.owner = MembershipFactory(organization=self.organization, owner=True).user
        self.admin = MembershipFactory(organization=self.organization, admin=True).user
        self.member = MembershipFactory(organization=self.organization).user
        self.other_admin = MembershipFactory(organization=OrganizationFactory(), admin=True).user
        self.staff = StaffFactory()
        self.anonymous = None

    def client(self, role: str) -> Client:
        client = Client()
        person = getattr(self, role)
        if person is not None:
            client.force_login(person)
        return client

    def draft(self, **fields) -> Event:
        starts = fields.pop("starts_at", timezone.now() + timedelta(days=20))
        fields.setdefault("status", Event.Status.DRAFT)
        event = EventFactory(
            organization=self.organization,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            **fields,
        )
        event.organizers.set([self.admin])
        return event


@pytest.fixture
def world():
    return World()


def form_data(world: World, **changes) -> dict:
    starts = next_year(1, 15, 18)
    data = {
        "organization": world.organization.pk,
        "kind": "meetup",
        "title": "Harbor Python Night",
        "summary": "Talks and pizza.",
        "description": "Three **short** talks.",
        "time_zone": "America/Vancouver",
        "starts_at": starts.strftime(LOCAL),
        "ends_at": (starts + timedelta(hours=2)).strftime(LOCAL),
        "venue_name": "The Foundery",
        "venue_address": "101 W Dickman St",
        "online_url": "",
        "capacity": "40",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "ask_accessibility": "on",
        "questions": "What do you work on?",
        "co_organizers": "",
    }
    data.update(changes)
    return data


def manage_url(name: str, event: Event) -> str:
    return reverse(f"events:{name}", kwargs={"slug": event.slug})


# --- Who may use each page ------------------------------------------------------------------

ROLES = ["anonymous", "member", "admin", "owner", "other_admin", "staff"]
ALLOWED = {"admin", "owner", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_new_event_page(world, role):
    response = world.client(role).get(NEW)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif role == "member":
        assert response.status_code == 403
    else:
        # The admin of another organization creates events, for their own organization only.
        assert response.status_code == 200
        choices = list(response.context["form"].fields["organization"].queryset)
        assert (world.organization in choices) == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_create_an_event_for_the_organization(world, role):
    response = world.client(role).post(NEW, form_data(world))
    created = Event.objects.filter(title="Harbor Python Night").first()
    if role in ALLOWED:
        assert response.status_code == 302
        assert created is not None and created.status == Event.Status.DRAFT
        assert response["Location"] == created.get_absolute_url()
        assert list(created.organizers.all()) == [getattr(world, role)]
        assert AuditEntry.objects.filter(action="event.create", target_id=created.pk).exists()
    else:
        assert created is None
        expected = {"anonymous": 302, "member": 403, "other_admin": 200}[role]
        assert response.status_code == expected
        if role == "other_admin":
            assert "organization" in response.context["form"].errors


MANAGE_ROLES = ["anonymous", "member", "admin", "other_admin", "staff"]


@pytest.mark.parametrize("role", MANAGE_ROLES)
def test_who_may_submit_an_event(world, role):
    event = world.draft()
    response = world.client(role).post(manage_url("manage-submit", event))
    event.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in ("member", "other_admin"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302
    expected = {"admin": Event.Status.REVIEW, "staff": Event.Status.PUBLISHED}
    assert event.status == expected.get(role, Event.Status.DRAFT)


@pytest.mark.parametrize("role", MANAGE_ROLES)
def test_who_may_withdraw_an_event(world, role):
    event = world.draft(status=Event.Status.REVIEW)
    response = world.client(role).post(manage_url("manage-withdraw", event))
    event.refresh_from_db()
    allowed = role in ("admin", "staff")
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    assert event.status == (Event.Status.DRAFT if allowed else Event.Status.REVIEW)


@pytest.mark.parametrize("role", MANAGE_ROLES)
def test_who_may_duplicate_an_event(world, role):
    event = world.draft()
    url = manage_url("manage-duplicate", event)
    client = world.client(role)
    response = client.get(url)
    expected = {"anonymous": 302, "member": 403, "other_admin": 403}.get(role, 200)
    assert response.status_code == expected
    starts = timezone.localtime(event.starts_at) + timedelta(days=7)
    client.post(url, {"title": "The copy", "starts_at": starts.strftime(LOCAL)})
    assert Event.objects.filter(title="The copy").exists() == (expected == 200)


def test_a_co_organizer_who_is_a_plain_member_may_publish_but_not_duplicate(world):
    event = world.draft()
    event.organizers.add(world.member)
    client = world.client("member")
    assert client.get(manage_url("manage-duplicate", event)).status_code == 403
    assert client.post(manage_url("manage-submit", event)).status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.REVIEW


def test_an_unpublished_organization_creates_no_events(world):
    world.organization.status = ListingStatus.PENDING
    world.organization.save()
    assert world.client("owner").get(NEW).status_code == 403
    with pytest.raises(PermissionDenied):
        authoring.event_create(
            actor=world.owner,
            organization=world.organization,
            data={"title": "X", "kind": "meetup", "starts_at": timezone.now(),
                  "ends_at": timezone.now() + timedelta(hours=1)},
        )  # fmt: skip


# --- Publishing and review ------------------------------------------------------------------


def test_a_verified_organization_publishes_at_once():
    world = World(verified=True)
    event = world.draft()
    page = world.client("admin").get(event.get_absolute_url()).content.decode()
    assert ">Publish</button>" in page and "Submit for review" not in page
    world.client("admin").post(manage_url("manage-submit", event))
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="event.publish", actor=world.admin).exists()
    assert Client().get(event.get_absolute_url()).status_code == 200


def test_an_unverified_organization_waits_for_review(world):
    event = world.draft()
    page = world.client("admin").get(event.get_absolute_url()).content.decode()
    assert "Submit for review" in page and ">Publish</button>" not in page
    world.client("admin").post(manage_url("manage-submit", event))
    event.refresh_from_db()
    assert event.status == Event.Status.REVIEW
    assert AuditEntry.objects.filter(action="event.submit", actor=world.admin).exists()
    assert Client().get(event.get_absolute_url()).status_code == 404
    page = world.client("admin").get(manage_url("manage", event)).content.decode()
    assert "Waiting for review" in page and ">Withdraw</button>" in page
    preview = world.client("admin").get(event.get_absolute_url()).content.decode()
    assert "waits for the hub&#x27;s review" in preview and "This event is a draft" not in preview


def test_withdrawing_takes_a_submitted_event_back_to_a_draft(world):
    event = world.draft(status=Event.Status.REVIEW)
    authoring.event_withdraw(event=event, actor=world.admin)
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert AuditEntry.objects.filter(action="event.withdraw").count() == 1
    published = world.draft(status=Event.Status.PUBLISHED)
    with pytest.raises(ValidationError):
        authoring.event_withdraw(event=published, actor=world.admin)


def run_action(client, action, events, **extra):
    return client.post(
        EVENTS_ADMIN,
        {"action": action, ACTION_CHECKBOX_NAME: [event.pk for event in events], **extra},
    )


def test_staff_approve_and_each_organizer_is_told_exactly_once(
    world, django_capture_on_commit_callbacks
):
    event = world.draft(status=Event.Status.REVIEW)
    event.organizers.add(world.owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_action(world.client("staff"), "approve_selected", [event])
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.admin.email, world.owner.email])
    message = mail.outbox[0]
    assert message.subject == f"Published: {event.title}"
    assert f"http://testserver{event.get_absolute_url()}" in message.body or (
        event.get_absolute_url() in message.body
    )
    decision = AuditEntry.objects.get(action="event.review_approve")
    assert decision.actor == world.staff
    # The job again (a retry), and the action again: nobody hears twice.
    assert send_review_decision(event.pk, decision.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        run_action(world.client("staff"), "approve_selected", [event])
    assert len(mail.outbox) == 2
    assert SentNotification.objects.filter(key__startswith=f"event-{event.pk}-review").count() == 2


def test_staff_send_back_with_a_reason_the_organizer_reads(
    world, django_capture_on_commit_callbacks
):
    event = world.draft(status=Event.Status.REVIEW)
    client = world.client("staff")
    asked = run_action(client, "send_back_selected", [event])
    assert asked.status_code == 200 and "reason" in asked.context["form"].fields
    assert (
        run_action(client, "send_back_selected", [event], apply="1", reason=" ").status_code == 200
    )
    event.refresh_from_db()
    assert event.status == Event.Status.REVIEW
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_action(client, "send_back_selected", [event], apply="1", reason="Add the address.")
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    [message] = mail.outbox
    assert message.to == [world.admin.email]
    assert "Add the address." in message.body
    assert manage_url("manage-edit", event) in message.body
    entry = AuditEntry.objects.get(action="event.review_send_back")
    assert entry.detail == {"reason": "Add the address."}
    page = world.client("admin").get(manage_url("manage", event)).content.decode()
    assert "Staff sent it back:" in page and "Add the address." in page
    # Submitted again, the note is gone.
    authoring.event_submit(event=event, actor=world.admin)
    page = world.client("admin").get(manage_url("manage", event)).content.decode()
    assert "Staff sent it back:" not in page


def test_only_staff_decide_and_only_on_events_waiting(world):
    event = world.draft(status=Event.Status.REVIEW)
    with pytest.raises(PermissionDenied):
        authoring.event_review_approve(event=event, actor=world.owner)
    draft = world.draft()
    with pytest.raises(ValidationError):
        authoring.event_review_approve(event=draft, actor=world.staff)


def test_the_admin_queue_lists_events_waiting_first_with_a_filter(world):
    world.draft(title="Plain draft")
    waiting = [world.draft(title=f"Waiting {n}", status=Event.Status.REVIEW) for n in range(3)]
    client = world.client("staff")
    page = client.get(EVENTS_ADMIN)
    listed = list(page.context["cl"].result_list)
    assert set(listed[:3]) == set(waiting)
    filtered = client.get(EVENTS_ADMIN, {"status__exact": "review"})
    assert set(filtered.context["cl"].result_list) == set(waiting)
    assert "Waiting for review" in filtered.content.decode()
    # The status of an event waiting is decided by the actions, never typed in.
    change = client.get(reverse("admin:events_event_change", args=[waiting[0].pk]))
    assert "status" not in change.context["adminform"].form.fields


def test_the_admin_queue_costs_the_same_queries_however_long(world, django_assert_max_num_queries):
    client = world.client("staff")
    world.draft(status=Event.Status.REVIEW)
    with django_assert_max_num_queries(20) as few:
        client.get(EVENTS_ADMIN)
    for n in range(8):
        world.draft(title=f"More {n}", status=Event.Status.REVIEW)
    with django_assert_max_num_queries(len(few)):
        client.get(EVENTS_ADMIN)


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.REVIEW])
def test_drafts_and_events_in_review_show_nowhere(status):
    """The visibility walk of tests/test_visibility.py, for an event in each unpublished state."""
    from tests.test_visibility import _event_surfaces, assert_not_found, assert_nowhere, walk

    starts = timezone.now() + timedelta(days=5)
    control = EventFactory(title="Wombatcontrol Meetup", starts_at=starts)
    hidden = EventFactory(title="Quokkahidden Meetup", status=status, starts_at=starts)
    bodies = walk(_event_surfaces(control))
    assert_nowhere(bodies, "Quokkahidden")
    assert "Wombatcontrol" in bodies["/events/"]
    assert_not_found(_event_surfaces(hidden))


# --- The event's own time zone ---------------------------------------------------------------


def test_an_event_typed_in_vancouver_is_stored_in_utc_and_shown_in_vancouver(world):
    client = world.client("admin")
    starts = next_year(1, 15, 18)
    response = client.post(NEW, form_data(world, starts_at=starts.strftime(LOCAL)))
    assert response.status_code == 302
    event = Event.objects.get(title="Harbor Python Night")
    assert event.time_zone == "America/Vancouver"
    assert event.starts_at == datetime(starts.year, 1, 16, 2, 0, tzinfo=UTC)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "6:00 PM" in page and "8:00 PM PST" in page and "America/Vancouver time" in page
    assert "Draft — only organizers see this." in page
    manage = client.get(manage_url("manage", event)).content.decode()
    assert "6:00 PM" in manage and "PST, America/Vancouver time" in manage
    edit = client.get(manage_url("manage-edit", event)).content.decode()
    assert f'value="{starts.strftime(LOCAL)}"' in edit
    assert 'value="America/Vancouver"' in edit


def test_the_edit_page_reads_times_in_the_event_zone(world):
    event = world.draft(time_zone="Europe/Berlin")
    data = {
        "title": event.title,
        "kind": event.kind,
        "time_zone": "Europe/Berlin",
        "starts_at": f"{timezone.now().year + 1}-07-01T09:30",
        "ends_at": f"{timezone.now().year + 1}-07-01T17:00",
        "capacity": "10",
    }
    response = world.client("admin").post(manage_url("manage-edit", event), data)
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.starts_at == datetime(timezone.now().year + 1, 7, 1, 7, 30, tzinfo=UTC)


def test_the_hub_zone_is_the_default_and_not_named(world, settings):
    response = world.client("admin").post(NEW, form_data(world, time_zone=""))
    assert response.status_code == 302
    event = Event.objects.get(title="Harbor Python Night")
    assert event.time_zone == settings.TIME_ZONE
    assert event.starts_at == next_year(1, 15, 18, zone=ZoneInfo(settings.TIME_ZONE))
    page = world.client("admin").get(event.get_absolute_url()).content.decode()
    assert " time)" not in page


def test_a_zone_name_in_lower_case_is_understood(world):
    world.client("admin").post(NEW, form_data(world, time_zone="america/vancouver"))
    assert Event.objects.get(title="Harbor Python Night").time_zone == "America/Vancouver"


# --- Bad input is a form error, never a 500 --------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"ends_at": next_year(1, 15, 17).strftime(LOCAL)}, "ends_at", "end after it starts"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "not a time zone we know"),
        ({"time_zone": "../../etc/passwd"}, "time_zone", "not a time zone we know"),
        ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
        ({"capacity": "-5"}, "capacity", "greater than or equal to 1"),
        ({"co_organizers": "nobody@example.org"}, "co_organizers", "Not members of"),
        ({"co_organizers": "not-an-address"}, "co_organizers", "Not an e-mail address"),
        ({"starts_at": "2026-02-30T10:00"}, "starts_at", "valid date"),
        ({"kind": "party"}, "kind", "valid choice"),
        ({"title": ""}, "title", "required"),
        ({"organization": "999999"}, "organization", "valid choice"),
        (
            {
                "registration_opens_at": "2030-01-02T10:00",
                "registration_closes_at": "2030-01-01T10:00",
            },
            "registration_closes_at",
            "close after it opens",
        ),
    ],
    ids=[
        "end before start", "unknown zone", "path as zone", "capacity 0", "negative capacity",
        "unknown co-organizer", "not an address", "impossible date", "unknown kind", "no title",
        "unknown organization", "registration closes before it opens",
    ],
)  # fmt: skip
def test_bad_input_is_a_form_error(world, changes, field, words):
    response = world.client("admin").post(NEW, form_data(world, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    assert not Event.objects.exists()


def test_a_co_organizer_must_be_a_member_of_this_organization(world):
    outsider = world.other_admin
    response = world.client("admin").post(
        NEW, form_data(world, co_organizers=f"{world.member.email}, {outsider.email}")
    )
    errors = response.context["form"].errors["co_organizers"]
    assert outsider.email in errors[0] and world.member.email not in errors[0]
    response = world.client("admin").post(
        NEW, form_data(world, co_organizers=f"{world.member.email.upper()}\n{world.owner.email}")
    )
    event = Event.objects.get(title="Harbor Python Night")
    assert set(event.organizers.all()) == {world.admin, world.member, world.owner}


def test_a_time_that_does_not_exist_in_the_zone_is_a_form_error(world):
    # Clocks in Vancouver jump from 2:00 to 3:00 on the second Sunday of March.
    year = timezone.now().year + 1
    second_sunday = next(day for day in range(8, 15) if datetime(year, 3, day).weekday() == 6)
    gap = f"{year}-03-{second_sunday:02d}T02:30"
    response = world.client("admin").post(NEW, form_data(world, starts_at=gap))
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors


# --- Duplicating ------------------------------------------------------------------------------


def test_a_copy_moves_every_date_by_the_offset_and_keeps_the_rest(world):
    original = world.draft(
        time_zone="America/Vancouver",
        starts_at=next_year(1, 6, 18),
        questions=["Which talk?"],
        capacity=25,
        status=Event.Status.PUBLISHED,
    )
    original.ends_at = next_year(1, 6, 20)
    original.registration_opens_at = next_year(1, 1, 9)
    original.registration_closes_at = next_year(1, 6, 12)
    original.save()
    original.organizers.add(world.owner)
    original.registrations.create(user=UserFactory(), status="confirmed")

    client = world.client("admin")
    url = manage_url("manage-duplicate", original)
    form = client.get(url).context["form"]
    assert form.initial["title"] == original.title
    new_start = next_year(2, 3, 18)
    response = client.post(url, {"title": original.title, "starts_at": new_start.strftime(LOCAL)})
    copy = Event.objects.exclude(pk=original.pk).get(title=original.title)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.slug != original.slug and copy.status == Event.Status.DRAFT
    assert copy.starts_at == new_start
    assert copy.ends_at == next_year(2, 3, 20)
    assert copy.registration_opens_at == next_year(1, 29, 9)
    assert copy.registration_closes_at == next_year(2, 3, 12)
    assert copy.questions == ["Which talk?"] and copy.capacity == 25
    assert copy.time_zone == "America/Vancouver" and copy.organization == world.organization
    assert set(copy.organizers.all()) == {world.admin, world.owner}
    assert not copy.registrations.exists()
    assert AuditEntry.objects.get(action="event.duplicate").detail == {"from": original.slug}


def test_a_copy_across_daylight_saving_keeps_the_wall_clock_times(world):
    original = world.draft(time_zone="America/Vancouver", starts_at=next_year(2, 24, 18))
    original.ends_at = next_year(2, 24, 20)
    original.save()
    copy = authoring.event_duplicate(
        event=original, actor=world.admin, title="March", starts_at=next_year(3, 24, 18)
    )
    assert copy.ends_at == next_year(3, 24, 20)  # 8 PM PDT, not 9 PM
    assert copy.ends_at - copy.starts_at == timedelta(hours=2)


def test_the_default_start_of_a_copy_is_the_next_week_ahead(world):
    now = timezone.now()
    past = world.draft(starts_at=now - timedelta(days=20, hours=1))
    default = next_week_same_time(past, now=now)
    assert now < default <= now + timedelta(days=7)
    assert (default - past.starts_at).days % 7 == 0


def test_the_new_page_and_the_copy_never_take_reserved_or_used_addresses(world):
    first = world.draft(title="New")
    assert first.slug == "new"  # made by a factory; the service never gives this one
    made = authoring.event_create(
        actor=world.admin,
        organization=world.organization,
        data={"title": "New", "kind": "meetup", "starts_at": next_year(5, 1, 18),
              "ends_at": next_year(5, 1, 20)},
    )  # fmt: skip
    assert made.slug == f"new-{next_year(5, 1, 18):%Y-%m-%d}"


# --- Entry points -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "member", "admin", "staff"])
def test_the_events_page_offers_create_to_those_who_may(world, role):
    page = world.client(role).get(reverse("events:index")).content.decode()
    assert (f'href="{NEW}"' in page) == (role in ("admin", "staff"))


def test_the_organization_page_offers_create_and_lists_unpublished_events(world):
    draft = world.draft(title="Secret Draft Night")
    url = world.organization.get_absolute_url()
    page = world.client("admin").get(url).content.decode()
    assert f"{NEW}?organization={world.organization.slug}" in page
    assert "Secret Draft Night" in page
    for role in ("anonymous", "member"):
        page = world.client(role).get(url).content.decode()
        assert "Secret Draft Night" not in page and NEW not in page
    preselected = world.client("admin").get(NEW, {"organization": world.organization.slug})
    assert preselected.context["form"].initial["organization"] == world.organization.pk
    assert draft.get_absolute_url() in world.client("admin").get(url).content.decode()


def test_the_services_check_permissions_themselves(world):
    """The same rules hold for callers other than the pages (the API, scripts)."""
    event = world.draft()
    event.organizers.add(world.member)
    starts = event.starts_at + timedelta(days=7)
    with pytest.raises(PermissionDenied):
        authoring.event_duplicate(event=event, actor=world.member, title="Copy", starts_at=starts)
    with pytest.raises(PermissionDenied):
        authoring.event_submit(event=event, actor=world.other_admin)
    with pytest.raises(PermissionDenied):
        authoring.event_create(
            actor=world.member,
            organization=world.organization,
            data={"title": "X", "kind": "meetup", "starts_at": starts,
                  "ends_at": starts + timedelta(hours=1)},
        )  # fmt: skip
    assert Event.objects.count() == 1


def test_the_admin_shows_and_reads_times_in_the_event_zone(world):
    event = world.draft(time_zone="America/Vancouver", starts_at=next_year(1, 15, 18))
    client = world.client("staff")
    url = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(url).content.decode()
    assert 'value="18:00:00"' in page
    listing = client.get(EVENTS_ADMIN).content.decode()
    assert "(America/Vancouver)" in listing and "6:00 PM" in listing
    form = client.get(url).context["adminform"].form
    data = {
        **{k: v for k, v in form.initial.items() if v is not None and k not in ZONED},
        "organizers": [world.admin.pk],
        "organization": world.organization.pk,
        "questions": "[]",
        "starts_at_0": f"{next_year(1, 15, 18):%Y-%m-%d}",
        "starts_at_1": "19:00:00",
        "ends_at_0": f"{next_year(1, 15, 18):%Y-%m-%d}",
        "ends_at_1": "21:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.starts_at == next_year(1, 15, 19)


ZONED = {"starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "organizers"}


@pytest.mark.parametrize("wanted", ["\x00", "x" * 10_000, "🎉", "../admin", ""])
def test_a_hostile_organization_in_the_address_is_ignored(world, wanted):
    response = world.client("staff").get(NEW, {"organization": wanted})
    if wanted == "\x00":
        assert response.status_code == 400  # the hub refuses NUL bytes in any request
        return
    assert response.status_code == 200
    assert "organization" not in response.context["form"].initial
