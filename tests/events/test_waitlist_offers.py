"""The waitlist: leaving it, and seats offered to the next person with hours to confirm."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events import services, waitlist
from events.models import Registration
from events.notifications import offer_token, registration_for_offer_token
from events.tasks import expire_seat_offers_task
from hub.models import AuditEntry, SentNotification
from tests.events.factories import EventFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def register(event, user=None) -> Registration:
    return services.registration_create(event=event, user=user or UserFactory()).registration


def fresh(registration) -> Registration:
    registration.refresh_from_db()
    return registration


def line_up(event, *, holders=1, waiting=3):
    """`holders` people with a seat, then `waiting` people on the waitlist."""
    return [register(event) for _ in range(holders)], [register(event) for _ in range(waiting)]


def offered_event(django_capture_on_commit_callbacks, *, waiting=2):
    """One seat, 24 hours to confirm; the holder cancels, so the first in line is offered."""
    event = EventFactory(capacity=1, offer_hours=24)
    [holder], line = line_up(event, waiting=waiting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=holder, actor=holder.user)
    return event, line


def offer_link(registration) -> str:
    return reverse(
        "events:offer-link",
        kwargs={"slug": registration.event.slug, "token": offer_token(registration)},
    )


# --- Leaving the waitlist ------------------------------------------------------------------


def test_leaving_the_waitlist_closes_the_gap_and_moves_nobody_else(client):
    event = EventFactory(capacity=2)
    holders, line = line_up(event, holders=2, waiting=4)
    client.force_login(line[1].user)
    response = client.post(reverse("events:cancel", args=[event.slug]))
    assert response.status_code == 302
    assert fresh(line[1]).status == "cancelled" and line[1].waitlist_position is None
    assert [fresh(r).waitlist_position for r in (line[0], line[2], line[3])] == [1, 2, 3]
    assert {fresh(r).status for r in holders} == {"confirmed"}
    assert event.registrations.holding_seats().count() == 2


def test_leaving_the_waitlist_through_the_api(client):
    event = EventFactory(capacity=1)
    _, line = line_up(event, waiting=3)
    client.force_login(line[0].user)
    url = f"/api/v1/events/{event.slug}/registration/"
    assert client.delete(url).status_code == 204
    assert fresh(line[0]).status == "cancelled"
    assert [fresh(r).waitlist_position for r in line[1:]] == [1, 2]
    assert client.get(url).status_code == 404


def test_me_offers_to_leave_the_waitlist(client):
    event = EventFactory(capacity=1)
    _, [waiting] = line_up(event, waiting=1)
    client.force_login(waiting.user)
    page = client.get(reverse("me")).content.decode()
    assert "Leave the waitlist" in page and "number 1" in page


# --- Without offer hours: promoted straight to a seat ---------------------------------------


def test_without_offer_hours_the_next_person_gets_the_seat_at_once():
    event = EventFactory(capacity=1)
    [holder], line = line_up(event, waiting=1)
    services.registration_cancel(registration=holder, actor=holder.user)
    assert fresh(line[0]).status == "confirmed"
    assert line[0].offer_expires_at is None


# --- Offers --------------------------------------------------------------------------------


def test_a_freed_seat_is_offered_to_the_first_in_line_with_a_deadline_and_one_e_mail(
    django_capture_on_commit_callbacks,
):
    before = timezone.now()
    event, line = offered_event(django_capture_on_commit_callbacks)
    first, second = fresh(line[0]), fresh(line[1])
    assert first.status == "offered" and first.waitlist_position is None
    expected = before + timedelta(hours=24)
    assert expected <= first.offer_expires_at <= expected + timedelta(minutes=1)
    assert second.status == "waitlisted" and second.waitlist_position == 1
    # The offer holds the seat: nobody else gets it meanwhile.
    assert event.registrations.holding_seats().count() == 1
    assert register(event).status == "waitlisted"
    [message] = mail.outbox
    assert message.to == [first.user.email]
    assert "confirm by" in message.subject
    # The token is signed with a timestamp: compare what it stands for, not its text.
    [token] = re.findall(rf"/events/{event.slug}/offer/([^/\s]+)/", message.body)
    assert registration_for_offer_token(token) == first
    assert "nothing changes until you press it" in message.body


def test_an_offer_never_runs_past_the_start_of_the_event(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, offer_hours=48)
    event.starts_at = timezone.now() + timedelta(hours=5)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    [holder], [waiting] = line_up(event, waiting=1)
    services.registration_cancel(registration=holder, actor=holder.user)
    assert fresh(waiting).offer_expires_at == event.starts_at


def test_confirming_an_offer_gives_the_seat_and_sends_the_ticket_once(
    django_capture_on_commit_callbacks,
):
    event, line = offered_event(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        waitlist.offer_accept(registration=line[0])
        waitlist.offer_accept(registration=line[0])  # Twice is once.
    assert fresh(line[0]).status == "confirmed" and line[0].confirmed_at is not None
    [ticket] = mail.outbox
    assert ticket.subject.startswith("You are in")
    assert "you confirmed your seat" in ticket.body
    assert line[0].ticket_code in ticket.body
    assert fresh(line[1]).status == "waitlisted"


def test_declining_an_offer_offers_the_seat_to_the_next_person(
    django_capture_on_commit_callbacks,
):
    event, line = offered_event(django_capture_on_commit_callbacks, waiting=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        waitlist.offer_decline(registration=line[0])
    assert fresh(line[0]).status == "cancelled"
    assert fresh(line[1]).status == "offered"
    assert fresh(line[2]).waitlist_position == 1
    assert [m.to for m in mail.outbox] == [[line[1].user.email]]
    with pytest.raises(ValidationError, match="no longer offered"):
        waitlist.offer_accept(registration=line[0])


def test_a_confirmed_seat_is_not_given_up_by_an_old_decline_link(
    django_capture_on_commit_callbacks,
):
    _, line = offered_event(django_capture_on_commit_callbacks)
    waitlist.offer_accept(registration=line[0])
    with pytest.raises(ValidationError, match="already confirmed"):
        waitlist.offer_decline(registration=line[0])
    assert fresh(line[0]).status == "confirmed"


def test_a_late_confirmation_is_refused_even_before_the_expiry_job_ran(
    django_capture_on_commit_callbacks,
):
    _, line = offered_event(django_capture_on_commit_callbacks)
    late = fresh(line[0]).offer_expires_at + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="ran out"):
        waitlist.offer_accept(registration=line[0], now=late)
    assert fresh(line[0]).status == "offered"


def test_an_expired_offer_goes_to_the_next_person_each_step_exactly_once(
    django_capture_on_commit_callbacks,
):
    event, line = offered_event(django_capture_on_commit_callbacks, waiting=3)
    deadline = fresh(line[0]).offer_expires_at
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.offers_expire(now=deadline - timedelta(seconds=1)) == 0
        assert waitlist.offers_expire(now=deadline) == 1
        # A second run at the same moment finds nothing (the next offer runs 24 hours more).
        assert waitlist.offers_expire(now=deadline) == 0
    assert fresh(line[0]).status == "cancelled"
    assert fresh(line[1]).status == "offered"
    assert fresh(line[2]).waitlist_position == 1
    by_person = {m.to[0]: m.subject for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert "ran out" in by_person[line[0].user.email]
    assert "confirm by" in by_person[line[1].user.email]
    actions = list(
        AuditEntry.objects.filter(target_id__in=[r.pk for r in line])
        .exclude(action__startswith="registration.waitlisted")
        .order_by("pk")
        .values_list("action", "target_id")
    )
    assert actions == [
        ("registration.offered", line[0].pk),
        ("registration.offer_expired", line[0].pk),
        ("registration.offered", line[1].pk),
    ]


def test_the_periodic_task_expires_offers_and_is_scheduled(
    django_capture_on_commit_callbacks, settings
):
    _, line = offered_event(django_capture_on_commit_callbacks)
    Registration.objects.filter(pk=line[0].pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_seat_offers_task() == 1
        assert expire_seat_offers_task() == 0
    assert fresh(line[1]).status == "offered"
    assert SentNotification.objects.filter(key=f"offer-expired-{line[0].pk}").count() == 1
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "events.tasks.expire_seat_offers_task" in tasks


def test_an_offer_of_a_cancelled_event_expires_without_mail_or_a_next_offer(
    django_capture_on_commit_callbacks, staff_user
):
    event, line = offered_event(django_capture_on_commit_callbacks)
    services.event_cancel(event=event, actor=staff_user, notify=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist.offers_expire(now=fresh(line[0]).offer_expires_at) == 1
    assert mail.outbox == []
    assert fresh(line[1]).status == "waitlisted"
    with pytest.raises(ValidationError):
        waitlist.offer_accept(registration=line[1])


def test_more_seats_are_offered_in_order_when_the_capacity_grows(
    django_capture_on_commit_callbacks, staff_user
):
    event = EventFactory(capacity=1, offer_hours=12)
    _, line = line_up(event, waiting=3)
    services.event_change_capacity(event=event, actor=staff_user, capacity=3)
    assert [fresh(r).status for r in line] == ["offered", "offered", "waitlisted"]
    assert line[2].waitlist_position == 1


# --- Pages ---------------------------------------------------------------------------------


def test_the_offer_link_shows_a_confirm_button_and_get_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    _, line = offered_event(django_capture_on_commit_callbacks)
    response = client.get(offer_link(line[0]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm my seat" in page and "Decline the seat" in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert fresh(line[0]).status == "offered"


def test_one_click_on_the_offer_page_confirms_without_signing_in(
    client, django_capture_on_commit_callbacks
):
    _, line = offered_event(django_capture_on_commit_callbacks)
    link = offer_link(line[0])
    response = client.post(link, {"action": "confirm"}, follow=True)
    assert fresh(line[0]).status == "confirmed"
    assert "Your seat is confirmed" in response.content.decode()


def test_declining_on_the_offer_page(client, django_capture_on_commit_callbacks):
    _, line = offered_event(django_capture_on_commit_callbacks)
    response = client.post(offer_link(line[0]), {"action": "decline"}, follow=True)
    assert fresh(line[0]).status == "cancelled"
    assert fresh(line[1]).status == "offered"
    assert "This offer is closed" in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_offer_link_is_404(client, django_capture_on_commit_callbacks, tamper):
    _, line = offered_event(django_capture_on_commit_callbacks)
    url = reverse(
        "events:offer-link",
        kwargs={"slug": line[0].event.slug, "token": tamper(offer_token(line[0]))},
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "confirm"}).status_code == 404
    assert fresh(line[0]).status == "offered"


def test_an_offer_link_under_another_events_address_is_404(
    client, django_capture_on_commit_callbacks
):
    _, line = offered_event(django_capture_on_commit_callbacks)
    other = EventFactory()
    url = reverse("events:offer-link", kwargs={"slug": other.slug, "token": offer_token(line[0])})
    assert client.get(url).status_code == 404


PEOPLE = ["anonymous", "other", "person", "organizer", "staff"]


def _sign_in(client, who, registration):
    if who == "anonymous":
        return
    organizer = UserFactory()
    registration.event.organizers.add(organizer)
    people = {"other": UserFactory(), "person": registration.user,
              "organizer": organizer, "staff": StaffFactory()}  # fmt: skip
    client.force_login(people[who])


@pytest.mark.parametrize("who", PEOPLE)
def test_the_offer_link_speaks_for_the_person_whoever_holds_it(
    client, django_capture_on_commit_callbacks, who
):
    """The signed link is the key: it works signed in as anyone or not at all (like the
    unsubscribe link); without it nobody opens the page."""
    _, line = offered_event(django_capture_on_commit_callbacks)
    _sign_in(client, who, line[0])
    assert client.get(offer_link(line[0])).status_code == 200
    client.post(offer_link(line[0]), {"action": "confirm"})
    assert fresh(line[0]).status == "confirmed"


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_person_confirms_from_the_event_page(
    client, django_capture_on_commit_callbacks, who
):
    event, line = offered_event(django_capture_on_commit_callbacks)
    _sign_in(client, who, line[0])
    url = reverse("events:offer", args=[event.slug])
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 302
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    assert (fresh(line[0]).status == "confirmed") is (who == "person")
    assert client.get(url).status_code == 405


def test_the_event_page_and_me_show_the_offer_with_its_buttons(
    client, django_capture_on_commit_callbacks
):
    event, line = offered_event(django_capture_on_commit_callbacks)
    client.force_login(line[0].user)
    for page in (event.get_absolute_url(), reverse("me")):
        text = client.get(page).content.decode()
        assert "A seat is yours if you confirm it by" in text
        assert 'value="confirm"' in text and 'value="decline"' in text
    response = client.post(
        reverse("events:offer", args=[event.slug]), {"action": "decline", "next": "me"}
    )
    assert response["Location"] == reverse("me")
    assert fresh(line[0]).status == "cancelled"


def test_organizers_see_offers_with_their_deadline_and_count_them(
    client, django_capture_on_commit_callbacks
):
    event, line = offered_event(django_capture_on_commit_callbacks)
    organizer = UserFactory()
    event.organizers.add(organizer)
    client.force_login(organizer)
    page = client.get(reverse("events:manage", args=[event.slug])).content.decode()
    assert "Seats offered" in page
    assert "Seat offered" in page and "until" in page
    assert "0 <span" in page  # No seat left: the offer holds it.


def test_organizers_set_the_hours_to_confirm_in_the_edit_form(client, staff_user):
    event = EventFactory(capacity=1)
    client.force_login(staff_user)
    url = reverse("events:manage-edit", args=[event.slug])
    page = client.get(url).content.decode()
    assert 'name="offer_hours"' in page
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data.update(
        {
            "starts_at": form["starts_at"].value(),
            "ends_at": form["ends_at"].value(),
            "questions": "",
            "offer_hours": "48",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.offer_hours == 48


def test_the_api_shows_the_deadline_and_delete_declines_the_offer(
    client, django_capture_on_commit_callbacks
):
    event, line = offered_event(django_capture_on_commit_callbacks)
    client.force_login(line[0].user)
    url = f"/api/v1/events/{event.slug}/registration/"
    body = client.get(url).json()
    assert body["status"] == "offered"
    # The same instant, whatever zone each writes it in (the API the hub's, the row UTC).
    expires = datetime.fromisoformat(body["offer_expires_at"])
    assert abs(expires - fresh(line[0]).offer_expires_at) < timedelta(seconds=1)
    assert client.delete(url).status_code == 204
    assert fresh(line[0]).status == "cancelled"
    assert fresh(line[1]).status == "offered"


def test_the_ticket_of_an_unconfirmed_offer_has_no_qr_code_yet(
    client, django_capture_on_commit_callbacks
):
    event, line = offered_event(django_capture_on_commit_callbacks)
    client.force_login(line[0].user)
    page = client.get(reverse("events:ticket", args=[event.slug])).content.decode()
    assert "ticket__qr" not in page and "confirm the seat offered to you" in page


def test_the_deadline_is_given_in_the_events_own_time_zone(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1, offer_hours=24, time_zone="Europe/Berlin")
    [holder], [waiting] = line_up(event, waiting=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=holder, actor=holder.user)
    [message] = mail.outbox
    berlin = fresh(waiting).offer_expires_at.astimezone(ZoneInfo("Europe/Berlin"))
    expected = f"{berlin:%-I:%M} {'PM' if berlin.hour >= 12 else 'AM'} {berlin.tzname()}"
    assert expected in message.subject and expected in message.body
    assert expected in client.get(offer_link(waiting)).content.decode()


# --- An offered seat is held, but it is not a ticket until confirmed ------------------------


def test_an_offered_seat_has_no_qr_code_online_link_or_day_before_reminder(
    client, django_capture_on_commit_callbacks, settings
):
    from portal.reminders import send_event_reminders

    event, line = offered_event(django_capture_on_commit_callbacks)
    event.online_url = "https://meet.example.org/harbor"
    event.starts_at = timezone.now() + timedelta(hours=12)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    offered = fresh(line[0])
    assert offered.status == "offered"
    client.force_login(offered.user)

    assert client.get(reverse("events:ticket-svg", args=[event.slug])).status_code == 404
    api = client.get(f"/api/v1/events/{event.slug}/registration/").json()
    assert api["online_url"] is None
    mail.outbox.clear()
    settings.HUB_EVENT_REMINDER_HOURS = 24
    send_event_reminders()
    assert [m.to for m in mail.outbox] == []

    waitlist.offer_accept(registration=offered)
    assert client.get(reverse("events:ticket-svg", args=[event.slug])).status_code == 200
    api = client.get(f"/api/v1/events/{event.slug}/registration/").json()
    assert api["online_url"] == "https://meet.example.org/harbor"
    mail.outbox.clear()
    send_event_reminders()
    assert [m.to for m in mail.outbox] == [[offered.user.email]]
