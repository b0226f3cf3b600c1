"""The invariants of pledges, proven with the real services: who logs hours, 24 hours a day,
dates inside the pledge and never in the future, only approved hours count (in history,
leaderboards and totals), boards cached and invalidated by approvals, private pledges kept
out of public numbers, percent pledges turned into hours, and who reviews what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hub.models import AuditEntry
from pledges import services
from pledges.leaderboards import compute_leaderboards, leaderboards, pledges_with_hours
from pledges.models import Contribution, Period, Pledge
from pledges.queries import current_period, pledge_history
from tests.directory.factories import MembershipFactory, OrganizationFactory, ProjectFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_pledge(organization=None, *, admin=None, **data) -> Pledge:
    """A pledge made by the organization's owner through the service."""
    organization = organization or OrganizationFactory()
    admin = admin or MembershipFactory(organization=organization, owner=True).user
    terms = {
        "kind": Pledge.Kind.HOURS,
        "hours_per_period": Decimal("40"),
        "period": Period.MONTH,
        "starts_on": TODAY - timedelta(days=300),
        **data,
    }
    return services.pledge_create(organization=organization, actor=admin, data=terms)


def admin_of(pledge: Pledge):
    return MembershipFactory(organization=pledge.organization, admin=True).user


def member_of(organization, **kwargs):
    return MembershipFactory(organization=organization, **kwargs).user


def log(pledge, user, hours="2", day=None, **data) -> Contribution:
    values = {
        "date": day or TODAY,
        "hours": Decimal(hours),
        "project": data.pop("project") if "project" in data else ProjectFactory(),
        "description": "Fixed a bug in the parser.",
        **data,
    }
    return services.contribution_log(pledge=pledge, user=user, data=values)


# --- Who logs --------------------------------------------------------------------------------


def test_only_active_members_of_the_pledging_organization_log_hours():
    pledge = make_pledge()
    outsider = UserFactory()
    other_organizations_member = member_of(OrganizationFactory())
    claimant = member_of(pledge.organization, pending=True)

    for person in (outsider, other_organizations_member, claimant):
        with pytest.raises(PermissionDenied):
            log(pledge, person)
    assert not Contribution.objects.exists()

    member = member_of(pledge.organization)
    contribution = log(pledge, member)
    assert contribution.status == Contribution.Status.PENDING
    assert AuditEntry.objects.filter(action="contribution.log", target_id=contribution.pk).exists()


def test_staff_who_do_not_belong_to_the_organization_do_not_log_under_its_pledge(staff_user):
    with pytest.raises(PermissionDenied):
        log(make_pledge(), staff_user)


# --- 24 hours a day ----------------------------------------------------------------------------


def test_a_person_logs_at_most_24_hours_a_day_across_all_their_pledges():
    first, second = make_pledge(), make_pledge()
    person = member_of(first.organization)
    MembershipFactory(user=person, organization=second.organization)
    log(first, person, "10")
    log(second, person, "10")

    with pytest.raises(ValidationError) as refused:
        log(first, person, "4.25")
    assert "at most 4 more" in refused.value.message_dict["hours"][0]
    assert Contribution.objects.filter(contributor=person).count() == 2

    log(second, person, "4")
    assert services.hours_logged_on(person, TODAY) == Decimal("24")
    # Another day is another 24 hours.
    log(first, person, "8", day=TODAY - timedelta(days=1))


def test_pending_and_approved_logs_fill_the_day_but_rejected_and_withdrawn_ones_do_not():
    pledge = make_pledge()
    person = member_of(pledge.organization)
    admin = admin_of(pledge)
    approved = log(pledge, person, "8")
    services.contribution_approve(contribution=approved, actor=admin)
    rejected = log(pledge, person, "8")
    services.contribution_reject(contribution=rejected, actor=admin, reason="Not open source.")
    withdrawn = log(pledge, person, "8")
    services.contribution_withdraw(contribution=withdrawn, user=person)
    log(pledge, person, "8")

    with pytest.raises(ValidationError):
        log(pledge, person, "8.25")
    log(pledge, person, "8")
    assert services.hours_logged_on(person, TODAY) == Decimal("24")


def test_editing_a_log_keeps_the_24_hour_rule_without_counting_the_log_twice():
    pledge = make_pledge()
    person = member_of(pledge.organization)
    log(pledge, person, "10")
    contribution = log(pledge, person, "10")

    services.contribution_update(
        contribution=contribution, user=person, data={"hours": Decimal("14")}
    )
    with pytest.raises(ValidationError) as refused:
        services.contribution_update(
            contribution=contribution, user=person, data={"hours": Decimal("14.5")}
        )
    assert "hours" in refused.value.message_dict
    contribution.refresh_from_db()
    assert contribution.hours == Decimal("14")


# --- Dates ---------------------------------------------------------------------------------


def test_hours_cannot_be_logged_for_a_future_day():
    pledge = make_pledge()
    person = member_of(pledge.organization)
    with pytest.raises(ValidationError) as refused:
        log(pledge, person, day=TODAY + timedelta(days=1))
    assert "today or earlier" in refused.value.message_dict["date"][0]
    assert not Contribution.objects.exists()


def test_dates_must_fall_inside_the_pledge():
    pledge = make_pledge(starts_on=TODAY - timedelta(days=30), ends_on=TODAY - timedelta(days=5))
    person = member_of(pledge.organization)
    for day in (TODAY - timedelta(days=31), TODAY - timedelta(days=4)):
        with pytest.raises(ValidationError) as refused:
            log(pledge, person, day=day)
        assert list(refused.value.message_dict) == ["date"]
    log(pledge, person, day=TODAY - timedelta(days=30))
    log(pledge, person, day=TODAY - timedelta(days=5))
    assert Contribution.objects.count() == 2


def test_an_ended_pledge_takes_no_more_hours():
    pledge = make_pledge()
    person = member_of(pledge.organization)
    ended = services.pledge_end(pledge=pledge, actor=admin_of(pledge))
    with pytest.raises(ValidationError):
        log(ended, person)
    assert not Contribution.objects.exists()


def test_a_pledge_ended_since_it_was_loaded_takes_no_more_hours():
    pledge = make_pledge()
    person = member_of(pledge.organization)
    services.pledge_end(pledge=Pledge.objects.get(pk=pledge.pk), actor=admin_of(pledge))
    with pytest.raises(ValidationError):
        log(pledge, person)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("-1")}, "hours"),
        ({"hours": Decimal("25")}, "hours"),
        ({"project": None, "project_url": ""}, "project"),
        ({"project": None, "project_url": "ftp://example.org/code"}, "project_url"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_logs_are_refused_field_by_field_and_nothing_is_saved(changes, field):
    pledge = make_pledge()
    person = member_of(pledge.organization)
    values = {
        "date": TODAY,
        "hours": Decimal("2"),
        "project": ProjectFactory(),
        "description": "Work.",
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        services.contribution_log(pledge=pledge, user=person, data=values)
    assert field in refused.value.message_dict
    assert not Contribution.objects.exists()
    assert not AuditEntry.objects.filter(action="contribution.log").exists()


def test_an_unlisted_project_is_refused_but_a_web_address_is_fine():
    pledge = make_pledge()
    person = member_of(pledge.organization)
    with pytest.raises(ValidationError) as refused:
        log(pledge, person, project=ProjectFactory(pending=True))
    assert "project" in refused.value.message_dict
    contribution = log(pledge, person, project=None, project_url="https://github.com/example/tool")
    assert contribution.project_label == "https://github.com/example/tool"


# --- Only approved hours count ------------------------------------------------------------------


def logs_in_every_state(pledge):
    """2 approved, 3 pending, 5 rejected, 7 withdrawn hours today, by one member."""
    person = member_of(pledge.organization)
    admin = admin_of(pledge)
    services.contribution_approve(contribution=log(pledge, person, "2"), actor=admin)
    log(pledge, person, "3")
    services.contribution_reject(
        contribution=log(pledge, person, "5"), actor=admin, reason="Not open source."
    )
    services.contribution_withdraw(contribution=log(pledge, person, "7"), user=person)
    return person


def test_only_approved_hours_count_in_the_pledge_history():
    pledge = make_pledge()
    logs_in_every_state(pledge)
    history = pledge_history(pledge)
    this_period = history[-1]
    assert this_period.span == current_period(pledge)
    assert (this_period.approved, this_period.pending) == (Decimal("2"), Decimal("3"))
    assert sum(period.approved for period in history) == Decimal("2")
    annotated = pledges_with_hours(Pledge.objects.filter(pk=pledge.pk), TODAY).get()
    assert (annotated.this_period, annotated.all_time) == (Decimal("2"), Decimal("2"))


def test_a_rejected_log_never_counts_even_after_it_was_approved():
    pledge = make_pledge()
    person = member_of(pledge.organization)
    admin = admin_of(pledge)
    contribution = log(pledge, person, "6")
    services.contribution_approve(contribution=contribution, actor=admin)
    assert pledge_history(pledge)[-1].approved == Decimal("6")
    services.contribution_reject(contribution=contribution, actor=admin, reason="Duplicate.")
    assert pledge_history(pledge)[-1].approved == Decimal("0")
    assert compute_leaderboards(TODAY)["totals"]["hours"] == Decimal("0")


def test_only_approved_hours_count_in_the_leaderboards_and_totals():
    pledge = make_pledge()
    logs_in_every_state(pledge)
    boards = compute_leaderboards(TODAY)
    (row,) = boards["organizations"]["by_hours"]
    assert row["slug"] == pledge.organization.slug
    assert (row["this_period"], row["all_time"]) == (Decimal("2"), Decimal("2"))
    assert row["percent_met"] == 5  # 2 of 40 hours
    assert [p["hours"] for p in boards["projects_all_time"]] == [Decimal("2")]
    assert boards["totals"]["hours"] == Decimal("2")
    assert boards["totals"]["people"] == 1


def test_history_puts_each_log_in_its_own_period():
    previous_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    two_months_back = (previous_month - timedelta(days=1)).replace(day=1)
    pledge = make_pledge(starts_on=two_months_back)
    person = member_of(pledge.organization)
    admin = admin_of(pledge)
    old = log(pledge, person, "5", day=pledge.starts_on)
    services.contribution_approve(contribution=old, actor=admin)
    services.contribution_approve(contribution=log(pledge, person, "1"), actor=admin)
    history = pledge_history(pledge)
    assert len(history) == 3
    assert [period.approved for period in history] == [Decimal("5"), Decimal("0"), Decimal("1")]
    assert history[0].pledged == Decimal("40")


# --- Caching -------------------------------------------------------------------------------------


def test_leaderboards_are_cached_until_an_approval_commits(django_capture_on_commit_callbacks):
    pledge = make_pledge()
    person = member_of(pledge.organization)
    admin = admin_of(pledge)
    contribution = log(pledge, person, "3")
    assert leaderboards()["totals"]["hours"] == Decimal("0")

    with django_capture_on_commit_callbacks() as callbacks:
        services.contribution_approve(contribution=contribution, actor=admin)
    # Until the approval commits, the cached boards are what the public sees.
    assert leaderboards()["totals"]["hours"] == Decimal("0")
    assert callbacks
    for callback in callbacks:
        callback()
    assert leaderboards()["totals"]["hours"] == Decimal("3")


def test_an_approval_run_to_commit_refreshes_the_boards(django_capture_on_commit_callbacks):
    pledge = make_pledge()
    person = member_of(pledge.organization)
    leaderboards()
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_approve(contribution=log(pledge, person, "4"), actor=admin_of(pledge))
    assert leaderboards()["totals"]["hours"] == Decimal("4")
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_reject(
            contribution=Contribution.objects.get(), actor=admin_of(pledge), reason="Duplicate."
        )
    assert leaderboards()["totals"]["hours"] == Decimal("0")


# --- Private pledges ----------------------------------------------------------------------------


def test_private_pledge_hours_stay_out_of_public_leaderboards_and_totals():
    public = make_pledge()
    private = make_pledge(public=False)
    for pledge, hours in ((public, "2"), (private, "9")):
        person = member_of(pledge.organization)
        services.contribution_approve(
            contribution=log(pledge, person, hours), actor=admin_of(pledge)
        )

    boards = compute_leaderboards(TODAY)
    slugs = [row["slug"] for row in boards["organizations"]["all_time"]]
    assert slugs == [public.organization.slug]
    assert boards["totals"]["hours"] == Decimal("2")
    assert boards["totals"]["all_time_hours"] == Decimal("2")
    assert boards["totals"]["organizations"] == 1
    assert [p["hours"] for p in boards["projects_all_time"]] == [Decimal("2")]
    # The private pledge's own history still counts its approved hours, for its admins.
    assert pledge_history(private)[-1].approved == Decimal("9")


# --- Percent pledges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "hours"),
    [(Period.MONTH, "320"), (Period.QUARTER, "960"), (Period.YEAR, "3840")],
)
def test_a_percent_pledge_is_turned_into_hours(settings, period, hours):
    settings.HUB_WORKING_HOURS_PER_MONTH = 160
    pledge = make_pledge(
        kind=Pledge.Kind.PERCENT, percent=Decimal("5"), workforce_size=40, period=period
    )
    # 5% of 40 people at 160 hours a month.
    assert pledge.pledged_hours == Decimal(hours)
    assert pledge.hours_per_period is None
    assert "5% of 40 people" in pledge.describe()


def test_the_database_derives_the_same_hours_for_a_percent_pledge(settings):
    settings.HUB_WORKING_HOURS_PER_MONTH = 160
    pledge = make_pledge(kind=Pledge.Kind.PERCENT, percent=Decimal("5"), workforce_size=40)
    annotated = pledges_with_hours(Pledge.objects.filter(pk=pledge.pk), TODAY).get()
    assert annotated.pledged == Decimal("320")


def test_a_pledge_needs_the_amount_its_kind_asks_for():
    organization = OrganizationFactory()
    admin = MembershipFactory(organization=organization, owner=True).user
    with pytest.raises(ValidationError) as refused:
        services.pledge_create(
            organization=organization,
            actor=admin,
            data={"kind": Pledge.Kind.PERCENT, "percent": Decimal("5"), "starts_on": TODAY},
        )
    assert list(refused.value.message_dict) == ["workforce_size"]
    with pytest.raises(ValidationError) as refused:
        make_pledge(organization, admin=admin, hours_per_period=None)
    assert "hours_per_period" in refused.value.message_dict
    assert not Pledge.objects.exists()


def test_only_the_organizations_owners_admins_and_staff_make_and_change_pledges(staff_user):
    organization = OrganizationFactory()
    member = member_of(organization)
    with pytest.raises(PermissionDenied):
        make_pledge(organization, admin=member)
    with pytest.raises(PermissionDenied):
        make_pledge(organization, admin=UserFactory())
    pledge = make_pledge(organization)
    admin = admin_of(pledge)
    services.pledge_update(pledge=pledge, actor=admin, data={"hours_per_period": Decimal("50")})
    with pytest.raises(PermissionDenied):
        services.pledge_update(pledge=pledge, actor=member, data={"public": False})
    with pytest.raises(PermissionDenied):
        services.pledge_end(pledge=pledge, actor=member)
    services.pledge_end(pledge=pledge, actor=staff_user)
    pledge.refresh_from_db()
    assert (pledge.hours_per_period, pledge.status) == (Decimal("50"), Pledge.Status.ENDED)
    actions = set(
        AuditEntry.objects.filter(target_type="pledges.pledge").values_list("action", flat=True)
    )
    assert actions == {"pledge.create", "pledge.update", "pledge.end"}


# --- Review ------------------------------------------------------------------------------------


def test_only_the_organizations_owners_admins_and_staff_review_hours(staff_user):
    pledge = make_pledge()
    author = member_of(pledge.organization)
    colleague = member_of(pledge.organization)
    other_admin = MembershipFactory(owner=True).user
    contribution = log(pledge, author)

    for person in (author, colleague, other_admin, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.contribution_approve(contribution=contribution, actor=person)
        with pytest.raises(PermissionDenied):
            services.contribution_reject(contribution=contribution, actor=person, reason="No.")
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PENDING

    admin = admin_of(pledge)
    services.contribution_approve(contribution=contribution, actor=admin)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.APPROVED
    assert contribution.reviewed_by == admin
    assert contribution.reviewed_at is not None
    entry = AuditEntry.objects.get(action="contribution.approved", target_id=contribution.pk)
    assert entry.actor == admin

    services.contribution_reject(contribution=contribution, actor=staff_user, reason="Duplicate.")
    contribution.refresh_from_db()
    assert (contribution.status, contribution.reviewed_by) == ("rejected", staff_user)
    assert contribution.rejection_reason == "Duplicate."
    entry = AuditEntry.objects.get(action="contribution.rejected", target_id=contribution.pk)
    assert entry.detail == {"reason": "Duplicate."}


def test_a_rejection_needs_a_reason_and_a_withdrawn_log_is_not_reviewed():
    pledge = make_pledge()
    author = member_of(pledge.organization)
    admin = admin_of(pledge)
    contribution = log(pledge, author)
    with pytest.raises(ValidationError) as refused:
        services.contribution_reject(contribution=contribution, actor=admin, reason="  ")
    assert "reason" in refused.value.message_dict
    services.contribution_withdraw(contribution=contribution, user=author)
    with pytest.raises(ValidationError):
        services.contribution_approve(contribution=contribution, actor=admin)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.WITHDRAWN


def test_bulk_approval_approves_pending_logs_only():
    pledge = make_pledge()
    author = member_of(pledge.organization)
    admin = admin_of(pledge)
    first, second, third = (log(pledge, author, "1") for _ in range(3))
    services.contribution_reject(contribution=third, actor=admin, reason="Duplicate.")
    third.refresh_from_db()
    changed = services.contributions_approve(contributions=[first, second, third], actor=admin)
    assert changed == 2
    statuses = dict(Contribution.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", second.pk: "approved", third.pk: "rejected"}


# --- Editing and withdrawing ----------------------------------------------------------------------


def test_only_the_author_edits_or_withdraws_a_log_and_only_while_it_is_pending():
    pledge = make_pledge()
    author = member_of(pledge.organization)
    admin = admin_of(pledge)
    contribution = log(pledge, author, "2")

    for person in (admin, member_of(pledge.organization)):
        with pytest.raises(PermissionDenied):
            services.contribution_update(
                contribution=contribution, user=person, data={"hours": Decimal("3")}
            )
        with pytest.raises(PermissionDenied):
            services.contribution_withdraw(contribution=contribution, user=person)

    services.contribution_update(
        contribution=contribution, user=author, data={"hours": Decimal("3"), "description": "More"}
    )
    services.contribution_approve(contribution=contribution, actor=admin)
    with pytest.raises(ValidationError):
        services.contribution_update(
            contribution=contribution, user=author, data={"hours": Decimal("9")}
        )
    with pytest.raises(ValidationError):
        services.contribution_withdraw(contribution=contribution, user=author)
    contribution.refresh_from_db()
    assert (contribution.hours, contribution.status) == (Decimal("3"), "approved")

    pending = log(pledge, author, "1")
    services.contribution_withdraw(contribution=pending, user=author)
    pending.refresh_from_db()
    assert pending.status == Contribution.Status.WITHDRAWN


def test_the_projects_board_names_listed_projects_and_links_and_sorts_equal_hours_by_name():
    pledge = make_pledge()
    admin = admin_of(pledge)
    first, second = member_of(pledge.organization), member_of(pledge.organization)
    zeta, alpha = ProjectFactory(name="Zeta Maps"), ProjectFactory(name="Alpha Budgets")
    url = "https://codeberg.org/example/tool"
    for person, hours, where in [
        (first, "3", {"project": zeta}),
        (first, "1.5", {"project": alpha}),
        (second, "1.5", {"project": alpha}),
        (second, "4", {"project": None, "project_url": url}),
    ]:
        services.contribution_approve(contribution=log(pledge, person, hours, **where), actor=admin)
    board = compute_leaderboards(TODAY)["projects_all_time"]
    assert [(row["slug"], row["name"], row["hours"], row["people"]) for row in board] == [
        (None, url, Decimal("4"), 1),
        (alpha.slug, "Alpha Budgets", Decimal("3"), 2),
        (zeta.slug, "Zeta Maps", Decimal("3"), 1),
    ]
