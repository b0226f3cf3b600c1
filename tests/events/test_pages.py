"""The public event pages: the list, an event and its action, registering, the ticket, /me/."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.directory.factories import MembershipFactory, OrganizationFactory
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def register(event, user=None, **answers):
    return services.registration_create(event=event, user=user or UserFactory(), **answers)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def action_block(response) -> str:
    html = html_of(response)
    match = re.search(r'<section class="panel event-action.*?</section>', html, re.S)
    assert match, "the page has no action block"
    return match.group(0)


def login(client, user):
    client.force_login(user)
    return user


# --- /events/ -------------------------------------------------------------------------------


def test_the_list_shows_upcoming_published_and_cancelled_events_but_never_drafts(client):
    published = EventFactory(title="Published Meetup")
    cancelled = EventFactory(title="Cancelled Meetup", status=Event.Status.CANCELLED)
    EventFactory(title="Secret Draft", draft=True)
    EventFactory(
        title="Last Year Meetup",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
    )
    html = html_of(client.get("/events/"))
    assert published.title in html and cancelled.title in html
    assert "Secret Draft" not in html
    assert "Last Year Meetup" not in html
    assert 'class="badge badge--cancelled">Cancelled<' in html
    assert "2 upcoming events" in html


def test_the_past_tab_lists_past_events_latest_first_and_never_drafts(client):
    now = timezone.now()
    for title, days_ago in (("Older", 60), ("Newer", 10)):
        EventFactory(
            title=title,
            starts_at=now - timedelta(days=days_ago),
            ends_at=now - timedelta(days=days_ago) + timedelta(hours=2),
        )
    EventFactory(
        title="Past Draft",
        draft=True,
        starts_at=now - timedelta(days=5),
        ends_at=now - timedelta(days=5) + timedelta(hours=2),
    )
    EventFactory(title="Coming Soon")
    html = html_of(client.get("/events/?when=past"))
    assert html.index("Newer") < html.index("Older")
    assert "Past Draft" not in html and "Coming Soon" not in html


def test_times_are_shown_in_the_hubs_time_zone_with_the_zone_named(client):
    event = EventFactory()
    local = timezone.localtime(event.starts_at)
    html = html_of(client.get("/events/"))
    assert local.strftime("%B %-d, %Y, %-I:%M") in html
    assert local.tzname() in ("EST", "EDT")
    assert local.tzname() in html


def test_seats_left_waitlist_open_and_no_limit(client):
    EventFactory(title="Roomy", capacity=3)
    full = EventFactory(title="Packed", capacity=1)
    register(full)
    EventFactory(title="Open Air", unlimited=True)
    html = html_of(client.get("/events/"))
    assert "3 seats left" in html
    assert "Waitlist open" in html
    assert "No limit" in html


def test_filters_by_kind_month_and_organization(client):
    organization = OrganizationFactory(name="Harbor Labs")
    summit = EventFactory(title="Big Summit", kind=Event.Kind.SUMMIT, organization=organization)
    later = EventFactory(
        title="Later Meetup",
        starts_at=timezone.now() + timedelta(days=80),
        ends_at=timezone.now() + timedelta(days=80, hours=2),
    )
    assert "Later Meetup" not in html_of(client.get("/events/?kind=summit"))
    assert "Big Summit" in html_of(client.get("/events/?kind=summit"))

    month = timezone.localtime(later.starts_at).strftime("%Y-%m")
    html = html_of(client.get(f"/events/?month={month}"))
    assert "Later Meetup" in html and "Big Summit" not in html

    html = html_of(client.get(f"/events/?organization={organization.slug}"))
    assert summit.title in html and "Later Meetup" not in html
    # The filter in use is named, with a link that removes it.
    assert "Harbor Labs" in html and "remove this filter" in html


@pytest.mark.parametrize(
    "params",
    [
        "?kind=nonsense",
        "?month=2026-13",
        "?month=garbage",
        "?organization=nobody",
        "?page=999",
        "?page=abc",
        "?when=sometime",
    ],
)
def test_bad_list_parameters_give_a_normal_page(client, params):
    EventFactory()
    assert client.get(f"/events/{params}").status_code == 200


def test_the_list_is_paginated(client):
    for n in range(23):
        EventFactory(title=f"Meetup number {n}")
    first = html_of(client.get("/events/"))
    assert "Page 1 of 2" in first and "Meetup number 22" not in first
    assert "Meetup number 22" in html_of(client.get("/events/?page=2"))


def test_the_list_costs_the_same_number_of_queries_for_1_or_15_events(
    client, django_assert_max_num_queries
):
    organization = OrganizationFactory()
    register(EventFactory(organization=organization))
    with django_assert_max_num_queries(10) as few:
        client.get("/events/")
    for n in range(14):
        event = EventFactory(
            title=f"Extra {n}", organization=OrganizationFactory(), kind=Event.Kind.WORKSHOP
        )
        register(event)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/events/")
    assert "15 upcoming events" in html_of(response)


# --- /events/<slug>/: what the visitor can do ------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client):
    event = EventFactory()
    block = action_block(client.get(event.get_absolute_url()))
    assert "Sign in to register" in block
    assert f"next=/events/{event.slug}/" in block
    assert "<form" not in block


def test_a_member_sees_the_form_with_the_events_questions(client, user):
    event = EventFactory(
        ask_accessibility=True, ask_dietary=True, questions=["Your GitHub handle?"]
    )
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert f'action="/events/{event.slug}/register/"' in block
    assert "Accessibility needs" in block
    assert "Dietary requirements" in block
    assert "Your GitHub handle?" in block
    assert ">Register</button>" in block


def test_questions_the_event_does_not_ask_are_left_out(client, user):
    event = EventFactory(ask_accessibility=False, ask_dietary=False)
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "Accessibility needs" not in block and "Dietary requirements" not in block


def test_a_full_event_offers_the_waitlist(client, user):
    event = EventFactory(capacity=1)
    register(event)
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "Sold out" in block
    assert "Join the waitlist" in block


def test_a_full_event_tells_anonymous_visitors_the_waitlist_is_open(client):
    event = EventFactory(capacity=1)
    register(event)
    block = action_block(client.get(event.get_absolute_url()))
    assert "Sold out" in block and "Sign in to register" in block


def test_a_confirmed_person_sees_their_seat_ticket_and_cancel(client, user):
    event = EventFactory()
    register(event, user)
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "You have a seat" in block
    assert f'href="/events/{event.slug}/ticket/"' in block
    assert f'action="/events/{event.slug}/cancel/"' in block
    assert "/register/" not in block


def test_a_waitlisted_person_sees_their_position_and_can_leave(client, user):
    event = EventFactory(capacity=1)
    register(event)
    register(event)
    register(event, user)
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "You are number 2 on the waitlist" in block
    assert "Leave the waitlist" in block


def test_a_checked_in_person_cannot_cancel(client, user, staff_user):
    event = EventFactory()
    registration = register(event, user).registration
    services.registration_check_in(
        event=event, actor=staff_user, ticket_code=registration.ticket_code
    )
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "You are checked in" in block
    assert "/cancel/" not in block


def test_registration_that_opens_later_says_when(client, user):
    opens = timezone.now() + timedelta(days=3)
    event = EventFactory(registration_opens_at=opens)
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "Registration opens on" in block
    assert timezone.localtime(opens).strftime("%B %-d, %Y") in block
    assert "<form" not in block


def test_closed_registration_says_so(client, user):
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "Registration is closed" in block
    assert "<form" not in block


def test_an_event_under_way_takes_no_registrations(client, user):
    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2))
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "already started" in block
    assert "<form" not in block


def test_a_cancelled_event_says_so_and_offers_nothing(client, user):
    event = EventFactory(status=Event.Status.CANCELLED)
    login(client, user)
    response = client.get(event.get_absolute_url())
    block = action_block(response)
    assert "This event was cancelled" in block
    assert "<form" not in block and "Sign in" not in block


def test_someone_registered_for_a_cancelled_event_is_not_offered_to_cancel(client, user):
    event = EventFactory()
    register(event, user)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    login(client, user)
    block = action_block(client.get(event.get_absolute_url()))
    assert "This event was cancelled" in block
    assert "/cancel/" not in block


# --- /events/<slug>/: what the page shows ------------------------------------------------------


def test_the_page_shows_facts_and_sanitised_markdown(client):
    organization = OrganizationFactory(name="Harbor Labs")
    organizer = UserFactory(display_name="Ada Organizer")
    event = EventFactory(
        organization=organization,
        organizers=[organizer, UserFactory(display_name="")],
        description="**Bold** <script>alert(1)</script> [x](javascript:alert(1))",
        capacity=10,
    )
    register(event)
    html = html_of(client.get(event.get_absolute_url()))
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert f'href="{organization.get_absolute_url()}"' in html
    assert "Ada Organizer and 1 more" in html
    assert "10 seats" in html and "9 left" in html
    assert event.venue_name in html and event.venue_address in html
    assert timezone.localtime(event.ends_at).tzname() in html
    assert f'href="/events/{event.slug}/calendar.ics"' in html


def test_organizers_without_a_display_name_stay_anonymous(client):
    quiet = UserFactory(display_name="")
    event = EventFactory(organizers=[quiet])
    html = html_of(client.get(event.get_absolute_url()))
    assert quiet.email not in html
    assert "1 organizer" in html


def test_the_online_link_is_only_for_people_with_a_seat_and_organizers(client, user, other_user):
    event = EventFactory(
        venue_name="", venue_address="", online_url="https://meet.example.org/secret-room"
    )
    link = "https://meet.example.org/secret-room"
    assert link not in html_of(client.get(event.get_absolute_url()))
    login(client, other_user)
    assert link not in html_of(client.get(event.get_absolute_url()))
    register(event, user)
    login(client, user)
    assert link in html_of(client.get(event.get_absolute_url()))
    login(client, UserFactory(is_staff=True))
    assert link in html_of(client.get(event.get_absolute_url()))


def test_the_online_link_waits_for_a_seat_when_waitlisted(client, user):
    event = EventFactory(capacity=1, online_url="https://meet.example.org/room")
    register(event)
    register(event, user)
    login(client, user)
    html = html_of(client.get(event.get_absolute_url()))
    assert "https://meet.example.org/room" not in html
    assert "once you have a seat" in html


def test_unknown_slugs_are_404(client, user):
    assert client.get("/events/no-such-event/").status_code == 404
    login(client, user)
    for path in ("", "ticket/", "ticket.svg", "calendar.ics"):
        assert client.get(f"/events/no-such-event/{path}").status_code == 404
    for path in ("register/", "cancel/"):
        assert client.post(f"/events/no-such-event/{path}").status_code == 404


def test_drafts_are_404_for_the_public_and_previews_for_organizers(client, user):
    organizer = UserFactory()
    organization = OrganizationFactory()
    org_admin = MembershipFactory(organization=organization, admin=True).user
    event = EventFactory(draft=True, organizers=[organizer], organization=organization)
    assert client.get(event.get_absolute_url()).status_code == 404
    login(client, user)
    assert client.get(event.get_absolute_url()).status_code == 404
    for person in (organizer, org_admin, UserFactory(is_staff=True)):
        login(client, person)
        response = client.get(event.get_absolute_url())
        assert response.status_code == 200
        assert "Draft — only organizers see this." in html_of(response)
        assert "<form" not in action_block(response)
        assert response["Cache-Control"].startswith("private")


# --- Registering and cancelling ---------------------------------------------------------------


def test_registering_gives_a_seat_and_says_so(client, user):
    event = EventFactory(ask_dietary=True, questions=["Your GitHub handle?", "T-shirt size?"])
    login(client, user)
    response = client.post(
        f"/events/{event.slug}/register/",
        {
            "accessibility_needs": "Step-free access",
            "dietary_requirements": "Vegan",
            "question_0": "@ada",
            "question_1": "",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert any("You have a seat" in m for m in messages_of(response))
    registration = Registration.objects.get(event=event, user=user)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.accessibility_needs == "Step-free access"
    assert registration.dietary_requirements == "Vegan"
    assert registration.answers == {"Your GitHub handle?": "@ada"}


def test_registering_when_full_puts_you_on_the_waitlist_with_your_number(client, user):
    event = EventFactory(capacity=1)
    register(event)
    register(event)
    login(client, user)
    response = client.post(f"/events/{event.slug}/register/", follow=True)
    assert any("You are number 2 on the waitlist" in m for m in messages_of(response))


def test_registering_twice_says_you_were_already_registered(client, user):
    event = EventFactory()
    register(event, user)
    login(client, user)
    response = client.post(f"/events/{event.slug}/register/", follow=True)
    assert any("already registered" in m for m in messages_of(response))
    assert event.registrations.count() == 1


def test_answers_over_their_limit_are_form_errors_and_nothing_is_saved(client, user):
    event = EventFactory(ask_dietary=True, questions=["Anything else?"])
    login(client, user)
    response = client.post(
        f"/events/{event.slug}/register/",
        {"dietary_requirements": "x" * 301, "question_0": "y" * 501},
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "Please correct the 2 problems below" in html
    assert "at most 300 characters" in html and "at most 500 characters" in html
    assert not event.registrations.exists()


def test_bad_answers_from_someone_already_registered_still_say_already_registered(client, user):
    event = EventFactory(ask_dietary=True)
    register(event, user)
    login(client, user)
    response = client.post(
        f"/events/{event.slug}/register/", {"dietary_requirements": "x" * 400}, follow=True
    )
    assert response.status_code == 200
    assert any("already registered" in m for m in messages_of(response))
    assert event.registrations.count() == 1


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"registration_closes_at_delta": -1}, "Registration is closed"),
        ({"registration_opens_at_delta": 2}, "Registration opens on"),
        ({"status": Event.Status.CANCELLED}, "This event was cancelled"),
    ],
)
def test_registering_when_it_is_refused_gives_the_reason_never_an_error(
    client, user, fields, reason
):
    now = timezone.now()
    values = {}
    if "status" in fields:
        values["status"] = fields["status"]
    if "registration_closes_at_delta" in fields:
        values["registration_closes_at"] = now + timedelta(
            hours=fields["registration_closes_at_delta"]
        )
    if "registration_opens_at_delta" in fields:
        values["registration_opens_at"] = now + timedelta(
            days=fields["registration_opens_at_delta"]
        )
    event = EventFactory(**values)
    login(client, user)
    response = client.post(f"/events/{event.slug}/register/", follow=True)
    assert response.status_code == 200
    assert any(reason in m for m in messages_of(response))
    assert not event.registrations.exists()


def test_registering_for_a_draft_is_404_even_for_its_organizer(client):
    organizer = UserFactory()
    event = EventFactory(draft=True, organizers=[organizer])
    login(client, UserFactory())
    assert client.post(f"/events/{event.slug}/register/").status_code == 404
    login(client, organizer)
    response = client.post(f"/events/{event.slug}/register/", follow=True)
    assert any("not published" in m for m in messages_of(response))
    assert not event.registrations.exists()


def test_cancelling_frees_the_seat_for_the_waitlist(client, user):
    event = EventFactory(capacity=1)
    register(event, user)
    next_in_line = register(event).registration
    login(client, user)
    response = client.post(f"/events/{event.slug}/cancel/", follow=True)
    assert any("Your registration is cancelled" in m for m in messages_of(response))
    assert event.registrations.get(user=user).status == Registration.Status.CANCELLED
    next_in_line.refresh_from_db()
    assert next_in_line.status == Registration.Status.CONFIRMED


def test_cancelling_without_a_registration_says_so(client, user):
    event = EventFactory()
    login(client, user)
    response = client.post(f"/events/{event.slug}/cancel/", follow=True)
    assert any("no registration to cancel" in m for m in messages_of(response))


def test_cancelling_after_the_start_is_refused_with_the_reason(client, user):
    event = EventFactory()
    register(event, user)
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    login(client, user)
    response = client.post(f"/events/{event.slug}/cancel/", follow=True)
    assert response.status_code == 200
    assert any("has started" in m for m in messages_of(response))
    assert event.registrations.get(user=user).status == Registration.Status.CONFIRMED


def test_posts_without_a_csrf_token_are_refused(user):
    event = EventFactory()
    register(event, user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(f"/events/{event.slug}/cancel/").status_code == 403
    other = Client(enforce_csrf_checks=True)
    other.force_login(UserFactory())
    assert other.post(f"/events/{event.slug}/register/").status_code == 403
    assert event.registrations.active().count() == 1


def test_the_register_form_carries_a_csrf_token(client, user):
    event = EventFactory()
    login(client, user)
    assert 'name="csrfmiddlewaretoken"' in action_block(client.get(event.get_absolute_url()))


@pytest.mark.parametrize("path", ["register/", "cancel/"])
def test_post_only_urls_answer_405_to_get(client, user, path):
    event = EventFactory()
    login(client, user)
    assert client.get(f"/events/{event.slug}/{path}").status_code == 405


@pytest.mark.parametrize("path", ["register/", "cancel/"])
def test_anonymous_posts_go_to_sign_in(client, path):
    event = EventFactory()
    response = client.post(f"/events/{event.slug}/{path}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not event.registrations.exists()


# --- The ticket -------------------------------------------------------------------------------


def test_the_holder_sees_their_ticket_with_code_and_qr(client, user):
    event = EventFactory()
    registration = register(event, user).registration
    login(client, user)
    response = client.get(f"/events/{event.slug}/ticket/")
    html = html_of(response)
    assert response.status_code == 200
    assert registration.ticket_code in html
    assert f'src="/events/{event.slug}/ticket.svg"' in html
    assert "Confirmed" in html
    assert f'href="/events/{event.slug}/calendar.ics"' in html
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_the_qr_code_is_an_svg_for_the_holder_only(client, user, other_user):
    event = EventFactory()
    registration = register(event, user).registration
    svg_url = f"/events/{event.slug}/ticket.svg"
    anonymous = client.get(svg_url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    login(client, other_user)
    assert client.get(svg_url).status_code == 404
    login(client, user)
    response = client.get(svg_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "private" in response["Cache-Control"]
    assert response.content.lstrip().startswith(b"<?xml") or b"<svg" in response.content[:200]
    assert registration.ticket_code.encode() in response.content  # in the SVG's title


def test_the_ticket_is_404_for_others_and_after_cancelling(client, user, other_user):
    event = EventFactory()
    registration = register(event, user).registration
    ticket_url = f"/events/{event.slug}/ticket/"
    anonymous = client.get(ticket_url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    login(client, other_user)
    assert client.get(ticket_url).status_code == 404
    services.registration_cancel(registration=registration, actor=user)
    login(client, user)
    assert client.get(ticket_url).status_code == 404


def test_a_waitlisted_person_sees_their_place_but_no_qr_code(client, user):
    event = EventFactory(capacity=1)
    register(event)
    register(event, user)
    login(client, user)
    html = html_of(client.get(f"/events/{event.slug}/ticket/"))
    assert "number 1 in line" in html
    assert "ticket.svg" not in html
    assert client.get(f"/events/{event.slug}/ticket.svg").status_code == 404


# --- Who may do what ---------------------------------------------------------------------------

ROLES = ["anonymous", "other", "registered", "organizer", "staff"]


def _as(client, role, event, registered_user):
    if role == "anonymous":
        return
    person = {
        "other": UserFactory,
        "registered": lambda: registered_user,
        "organizer": lambda: event.organizers.first(),
        "staff": lambda: UserFactory(is_staff=True),
    }[role]()
    client.force_login(person)


EXPECTED_GET = {
    # path: status for anonymous, other, registered, organizer, staff
    "": [200, 200, 200, 200, 200],
    "ticket/": [302, 404, 200, 404, 404],
    "ticket.svg": [302, 404, 200, 404, 404],
    "calendar.ics": [200, 200, 200, 200, 200],
    "register/": [405, 405, 405, 405, 405],
    "cancel/": [405, 405, 405, 405, 405],
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(EXPECTED_GET))
def test_get_permission_matrix(client, role, path):
    holder = UserFactory()
    event = EventFactory(organizers=[UserFactory()])
    register(event, holder)
    _as(client, role, event, holder)
    expected = EXPECTED_GET[path][ROLES.index(role)]
    assert client.get(f"/events/{event.slug}/{path}").status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_draft_permission_matrix(client, role):
    holder = UserFactory()
    event = EventFactory(organizers=[UserFactory()], draft=True)
    _as(client, role, event, holder)
    expected = 200 if role in ("organizer", "staff") else 404
    assert client.get(event.get_absolute_url()).status_code == expected
    assert client.get(f"/events/{event.slug}/calendar.ics").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_post_permission_matrix(client, role):
    """Anyone signed in registers themselves and cancels their own registration, nobody else's."""
    holder = UserFactory()
    event = EventFactory(organizers=[UserFactory()])
    original = register(event, holder).registration
    _as(client, role, event, holder)
    cancel = client.post(f"/events/{event.slug}/cancel/")
    register_response = client.post(f"/events/{event.slug}/register/")
    assert cancel.status_code == register_response.status_code == 302
    original.refresh_from_db()
    if role == "anonymous":
        assert "/accounts/login/" in cancel["Location"]
        assert "/accounts/login/" in register_response["Location"]
        assert original.status == Registration.Status.CONFIRMED
        assert event.registrations.count() == 1
    elif role == "registered":
        # Cancelled, then registered again: a new registration at the end of the queue.
        assert original.status == Registration.Status.CANCELLED
        assert event.registrations.active().filter(user=holder).count() == 1
    else:
        assert original.status == Registration.Status.CONFIRMED
        assert event.registrations.active().count() == 2


# --- /me/ --------------------------------------------------------------------------------------


def test_me_lists_registrations_upcoming_first_with_status_and_ticket(client, user):
    now = timezone.now()
    soon = EventFactory(
        title="Soon Meetup",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=2),
    )
    later = EventFactory(
        title="Later Summit",
        capacity=1,
        starts_at=now + timedelta(days=20),
        ends_at=now + timedelta(days=20, hours=2),
    )
    past = EventFactory(title="Past Workshop")
    register(later)
    register(later, user)
    register(soon, user)
    register(past, user)
    Event.objects.filter(pk=past.pk).update(
        starts_at=now - timedelta(days=10), ends_at=now - timedelta(days=10) + timedelta(hours=2)
    )
    cancelled_registration = register(EventFactory(title="Changed My Mind"), user).registration
    services.registration_cancel(registration=cancelled_registration, actor=user)
    login(client, user)
    html = html_of(client.get("/me/"))
    section = html[html.index('id="registrations-title"') :]
    assert (
        section.index("Soon Meetup")
        < section.index("Later Summit")
        < section.index("Past Workshop")
    )
    assert "Changed My Mind" not in section
    assert "On the waitlist: number 1" in section
    assert f'href="/events/{soon.slug}/ticket/"' in section
    assert f'action="/events/{soon.slug}/cancel/"' in section


def test_cancelling_from_me_comes_back_to_me(client, user):
    event = EventFactory()
    register(event, user)
    login(client, user)
    response = client.post(f"/events/{event.slug}/cancel/", {"next": "me"})
    assert response["Location"] == "/me/"
    assert not event.registrations.active().exists()


def test_me_costs_the_same_queries_for_one_or_many_registrations(
    client, user, django_assert_max_num_queries
):
    register(EventFactory(), user)
    login(client, user)
    with django_assert_max_num_queries(30) as few:
        client.get("/me/")
    for _ in range(5):
        register(EventFactory(organization=OrganizationFactory()), user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/me/")


def test_public_pages_answer_head_requests(client):
    event = EventFactory()
    for path in ("/events/", event.get_absolute_url(), f"/events/{event.slug}/calendar.ics"):
        assert client.head(path).status_code == 200
