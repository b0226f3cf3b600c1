"""Asks' services: who posts, changes and closes them; progress counts approved hours only;
an ask closes exactly once however it closes; offers; a person's skills; every change leaves
an audit row."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from directory.models import ListingStatus
from hub.models import AuditEntry, SentNotification
from pledges import services as pledge_services
from pledges.asks import queries, services
from pledges.asks.permissions import user_maintains
from pledges.models import Ask, Offer
from tests.directory.factories import MembershipFactory, ProjectFactory, TagFactory
from tests.factories import UserFactory
from tests.pledges.asks_world import World, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return make_world()


TODAY = timezone.localdate()


def progress(ask: Ask):
    return queries.ask_for_visitor(ask.pk, UserFactory()).progress


def audited(action: str, ask: Ask) -> int:
    return AuditEntry.objects.filter(
        action=action, target_type="pledges.ask", target_id=ask.pk
    ).count()


def ask_data(**changes) -> dict:
    return {
        "title": "Review the release process",
        "text": "Walk through a release with us.",
        "hours_wanted": Decimal("12"),
        "needed_by": TODAY + timedelta(days=14),
        **changes,
    }


# --- Who maintains ------------------------------------------------------------------------------


def test_owners_and_admins_of_the_maintaining_organization_and_staff_maintain(world: World):
    admin = MembershipFactory(organization=world.maintaining, admin=True).user
    for person in (world.maintainer, admin, world.staff):
        assert user_maintains(user=person, project=world.project)
    for person in (world.maintainer_member, world.contributor, world.other):
        assert not user_maintains(user=person, project=world.project)


def test_the_person_who_listed_a_project_maintains_it_while_no_organization_does():
    lister = UserFactory()
    independent = ProjectFactory(created_by=lister)
    assert user_maintains(user=lister, project=independent)
    maintained = make_world().project
    assert not user_maintains(user=maintained.created_by, project=maintained)


@pytest.mark.parametrize("who", ["maintainer_member", "contributor", "other"])
def test_only_maintainers_post_change_and_close_asks(world: World, who):
    person = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.ask_post(project=world.project, actor=person, data=ask_data())
    with pytest.raises(PermissionDenied):
        services.ask_edit(ask=world.ask, actor=person, data={"title": "Mine now"})
    with pytest.raises(PermissionDenied):
        services.ask_close(ask=world.ask, actor=person)
    assert Ask.objects.count() == 1 and Ask.objects.get().status == Ask.Status.OPEN


def test_asks_are_posted_for_published_projects_only(world: World):
    pending = ProjectFactory(pending=True, organizations=[world.maintaining])
    with pytest.raises(ValidationError) as refused:
        services.ask_post(project=pending, actor=world.maintainer, data=ask_data())
    assert "project" in refused.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"needed_by": TODAY - timedelta(days=1)}, "needed_by"),
        ({"needed_by": TODAY + timedelta(days=400)}, "needed_by"),
        ({"hours_wanted": Decimal("0.5")}, "hours_wanted"),
        ({"hours_wanted": Decimal("2.3")}, "hours_wanted"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_asks_are_refused_by_field_and_nothing_is_saved(world: World, changes, field):
    with pytest.raises(ValidationError) as refused:
        services.ask_post(project=world.project, actor=world.maintainer, data=ask_data(**changes))
    assert field in refused.value.message_dict
    assert Ask.objects.count() == 1


def test_posting_changing_and_closing_leave_audit_rows(world: World):
    assert audited("ask.post", world.ask) == 1
    services.ask_edit(ask=world.ask, actor=world.maintainer, data={"title": "Translate it all"})
    assert audited("ask.edit", world.ask) == 1
    services.ask_close(ask=world.ask, actor=world.maintainer)
    assert audited("ask.closed", world.ask) == 1
    with pytest.raises(ValidationError):
        services.ask_edit(ask=world.ask, actor=world.maintainer, data={"title": "Too late"})


# --- Progress and closing -----------------------------------------------------------------------


def test_progress_counts_approved_hours_only(world: World):
    world.log("3")  # approved
    world.log("2", approve=False)  # waits for review
    rejected = world.log("1", approve=False)
    pledge_services.contribution_reject(contribution=rejected, actor=world.reviewer, reason="No.")
    assert progress(world.ask).approved == Decimal("3")
    assert progress(world.ask).percent == 30


def test_an_approval_that_meets_the_hours_closes_the_ask_once_and_tells_everyone(
    world: World, django_capture_on_commit_callbacks
):
    services.offer_make(ask=world.ask, person=world.other, hours=Decimal("5"))
    with django_capture_on_commit_callbacks(execute=True):
        world.log("6")
    assert Ask.objects.get().status == Ask.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        world.log("4")
    ask = Ask.objects.get()
    assert ask.status == Ask.Status.MET and ask.closed_by == world.reviewer
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.maintainer.email, world.other.email]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.asks_close_due() == {"met": 0, "expired": 0}
    assert len(mail.outbox) == 2
    assert audited("ask.met", ask) == 1


def test_the_job_closes_an_ask_past_its_date_exactly_once(
    world: World, django_capture_on_commit_callbacks
):
    services.offer_make(ask=world.ask, person=world.other, hours=Decimal("5"))
    Ask.objects.filter(pk=world.ask.pk).update(needed_by=TODAY - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.asks_close_due()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.asks_close_due()
    assert (first, second) == ({"met": 0, "expired": 1}, {"met": 0, "expired": 0})
    assert Ask.objects.get().status == Ask.Status.EXPIRED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.maintainer.email, world.other.email]
    )
    assert audited("ask.expired", world.ask) == 1


def test_sending_the_closing_mail_again_sends_nothing(
    world: World, django_capture_on_commit_callbacks
):
    from pledges.asks.notifications import send_ask_closed

    with django_capture_on_commit_callbacks(execute=True):
        services.ask_close(ask=world.ask, actor=world.maintainer)
    # The maintainer who closed it hears nothing; nobody offered: no mail at all.
    assert mail.outbox == []
    with pytest.raises(ValidationError):
        services.offer_make(ask=world.ask, person=world.other, hours=Decimal("1"))
    Offer.objects.create(ask=world.ask, person=world.other, hours=Decimal("2"))
    assert send_ask_closed(world.ask.pk) == 1
    assert send_ask_closed(world.ask.pk) == 0
    assert SentNotification.objects.filter(kind="ask_update").count() == 1


def test_closing_twice_is_refused_quietly(world: World):
    assert services.ask_close(ask=world.ask, actor=world.maintainer) is True
    assert services.ask_close(ask=world.ask, actor=world.maintainer) is False
    assert audited("ask.closed", world.ask) == 1


# --- Contributions naming an ask ----------------------------------------------------------------


def test_a_log_names_only_an_open_ask_of_its_project(world: World):
    other_project = ProjectFactory()
    with pytest.raises(ValidationError) as refused:
        pledge_services.contribution_log(
            pledge=world.pledge,
            user=world.contributor,
            data={
                "date": TODAY,
                "hours": Decimal("1"),
                "project": other_project,
                "description": "Elsewhere.",
                "ask": world.ask,
            },
        )
    assert "ask" in refused.value.message_dict


def test_a_log_without_a_project_takes_its_asks(world: World):
    log = pledge_services.contribution_log(
        pledge=world.pledge,
        user=world.contributor,
        data={"date": TODAY, "hours": Decimal("1"), "description": "Docs.", "ask": world.ask},
    )
    assert log.project == world.project


def test_a_closed_ask_takes_no_new_logs_but_a_log_keeps_the_ask_it_named(world: World):
    log = world.log("1", approve=False)
    services.ask_close(ask=world.ask, actor=world.maintainer)
    with pytest.raises(ValidationError) as refused:
        world.log("1", approve=False)
    assert "ask" in refused.value.message_dict
    pledge_services.contribution_update(
        contribution=log, user=world.contributor, data={"hours": Decimal("2")}
    )
    log.refresh_from_db()
    assert (log.ask, log.hours) == (world.ask, Decimal("2"))


def test_an_ask_of_an_unpublished_project_is_not_named(world: World):
    world.project.status = ListingStatus.PENDING
    world.project.save()
    with pytest.raises(ValidationError):
        world.log("1", approve=False)


# --- Offers and skills ---------------------------------------------------------------------------


def test_one_active_offer_per_person_and_a_withdrawn_one_makes_room(world: World):
    first, created = services.offer_make(ask=world.ask, person=world.other, hours=Decimal("4"))
    again, created_again = services.offer_make(
        ask=world.ask, person=world.other, hours=Decimal("9")
    )
    assert (created, created_again, again) == (True, False, first)
    with pytest.raises(PermissionDenied):
        services.offer_withdraw(offer=first, actor=world.maintainer)
    assert services.offer_withdraw(offer=first, actor=world.other) is True
    _, created = services.offer_make(ask=world.ask, person=world.other, hours=Decimal("2"))
    assert created
    assert audited("ask.offer", world.ask) == 2
    assert audited("ask.offer_withdraw", world.ask) == 1


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("0.3"), Decimal("1001")])
def test_bad_offers_are_refused(world: World, hours):
    with pytest.raises(ValidationError) as refused:
        services.offer_make(ask=world.ask, person=world.other, hours=hours)
    assert "hours" in refused.value.message_dict
    assert not Offer.objects.exists()


def test_skills_are_replaced_and_audited(world: World):
    rust, go = TagFactory(name="Rust"), TagFactory(name="Go")
    services.skills_set(user=world.other, skills=[rust, go])
    services.skills_set(user=world.other, skills=[go])
    assert list(queries.skills_of(world.other)) == [go]
    assert AuditEntry.objects.filter(action="skills.set").count() == 2
    with pytest.raises(ValidationError):
        services.skills_set(user=world.other, skills=TagFactory.create_batch(21))
