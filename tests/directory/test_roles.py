"""Roles people can trust: only an owner (or hub staff) grants or takes away the owner role,
every organization with members keeps an owner, ownership moves by an explicit transfer,
and claims are e-mailed to the claimant and to whoever decides on them."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory import services
from directory.models import Membership, Organization
from hub.models import AuditEntry
from tests.directory.factories import OrganizationFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

OWNER, ADMIN, MEMBER = Membership.Role.OWNER, Membership.Role.ADMIN, Membership.Role.MEMBER


def create_organization(owner, name="Chesapeake Commons") -> Organization:
    """A published organization, made as a person would: submitted (so owned), then
    published by staff."""
    organization = services.organization_submit(
        user=owner, data={"name": name, "kind": Organization.Kind.COMPANY}
    )
    services.listing_publish(listing=organization, actor=StaffFactory())
    organization.refresh_from_db()
    return organization


@pytest.fixture
def org(user):
    return create_organization(user)


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization)


def add(organization, role, *, by) -> Membership:
    return services.membership_add(
        organization=organization, actor=by, user=UserFactory(), role=role
    )


def roles_of(organization) -> dict:
    """user id -> (role, status): the whole state the rules are about."""
    return {
        m.user_id: (m.role, m.status) for m in Membership.objects.filter(organization=organization)
    }


def audit_count() -> int:
    return AuditEntry.objects.count()


def assert_refused(exception, call, organization):
    """The call is refused with `exception` and neither the roles nor the audit change."""
    before, audited = roles_of(organization), audit_count()
    with pytest.raises(exception):
        call()
    assert roles_of(organization) == before
    assert audit_count() == audited


def sent_to(address) -> list:
    return [message for message in mail.outbox if message.to == [address]]


# --- Who grants and removes the owner role --------------------------------------------------


def test_an_admin_cannot_demote_or_remove_an_owner_even_when_another_owner_remains(user, org):
    second_owner = add(org, OWNER, by=user)
    admin = add(org, ADMIN, by=user).user

    for target in (membership_of(user, org), second_owner):
        for role in (ADMIN, MEMBER):
            assert_refused(
                PermissionDenied,
                lambda t=target, r=role: services.membership_change_role(
                    membership=t, actor=admin, role=r
                ),
                org,
            )
        assert_refused(
            PermissionDenied,
            lambda t=target: services.membership_remove(membership=t, actor=admin),
            org,
        )


def test_an_admin_cannot_grant_the_owner_role(user, org):
    admin = add(org, ADMIN, by=user)
    member = add(org, MEMBER, by=user)

    for target in (member, admin):  # promoting someone else, or themself
        assert_refused(
            PermissionDenied,
            lambda t=target: services.membership_change_role(
                membership=t, actor=admin.user, role=OWNER
            ),
            org,
        )
    assert_refused(
        PermissionDenied,
        lambda: services.membership_add(
            organization=org, actor=admin.user, user=UserFactory(), role=OWNER
        ),
        org,
    )


def test_an_admin_cannot_demote_an_owner_by_adding_them_again_with_a_lower_role(user, org):
    add(org, OWNER, by=user)  # a second owner: the last-owner rule is not what stops this
    admin = add(org, ADMIN, by=user).user

    for role in (ADMIN, MEMBER):
        assert_refused(
            PermissionDenied,
            lambda r=role: services.membership_add(
                organization=org, actor=admin, user=user, role=r
            ),
            org,
        )


def test_an_admin_still_manages_admins_and_members(user, org):
    admin = add(org, ADMIN, by=user).user
    other_admin = add(org, ADMIN, by=user)

    services.membership_change_role(membership=other_admin, actor=admin, role=MEMBER)
    newcomer = services.membership_add(organization=org, actor=admin, user=UserFactory())
    services.membership_remove(membership=newcomer, actor=admin)

    assert membership_of(other_admin.user, org).role == MEMBER
    assert not Membership.objects.filter(pk=newcomer.pk).exists()


def test_an_owner_grants_and_removes_the_owner_role(user, org):
    admin = add(org, ADMIN, by=user)

    services.membership_change_role(membership=admin, actor=user, role=OWNER)
    assert membership_of(admin.user, org).role == OWNER
    services.membership_change_role(membership=admin, actor=user, role=MEMBER)
    assert membership_of(admin.user, org).role == MEMBER
    services.membership_add(organization=org, actor=user, user=admin.user, role=OWNER)
    services.membership_remove(membership=membership_of(admin.user, org), actor=user)

    assert roles_of(org) == {user.pk: (OWNER, Membership.Status.ACTIVE)}
    assert AuditEntry.objects.filter(action="membership.role").order_by("id").first().detail == {
        "role": OWNER,
        "from": ADMIN,
    }


def test_staff_grant_and_remove_the_owner_role(user, org, staff_user):
    admin = add(org, ADMIN, by=user)

    services.membership_change_role(membership=admin, actor=staff_user, role=OWNER)
    services.membership_change_role(
        membership=membership_of(user, org), actor=staff_user, role=ADMIN
    )

    assert membership_of(admin.user, org).role == OWNER
    assert membership_of(user, org).role == ADMIN


def test_the_last_owner_cannot_leave_be_removed_demoted_or_re_added_lower(user, org, staff_user):
    owner = membership_of(user, org)
    for actor in (user, staff_user):
        assert_refused(
            ValidationError,
            lambda a=actor: services.membership_remove(membership=owner, actor=a),
            org,
        )
        assert_refused(
            ValidationError,
            lambda a=actor: services.membership_change_role(membership=owner, actor=a, role=ADMIN),
            org,
        )
        assert_refused(
            ValidationError,
            lambda a=actor: services.membership_add(
                organization=org, actor=a, user=user, role=MEMBER
            ),
            org,
        )


def test_an_organization_without_an_owner_gets_one_before_anyone_else(staff_user):
    organization = OrganizationFactory()  # listed by staff: nobody belongs to it yet

    assert_refused(
        ValidationError,
        lambda: services.membership_add(
            organization=organization, actor=staff_user, user=UserFactory(), role=ADMIN
        ),
        organization,
    )
    owner = services.membership_add(
        organization=organization, actor=staff_user, user=UserFactory(), role=OWNER
    )
    assert owner.role == OWNER


def test_a_claim_approved_for_an_organization_without_an_owner_makes_the_claimant_owner(
    staff_user,
):
    organization = OrganizationFactory()
    claim = services.membership_claim(user=UserFactory(), organization=organization)

    services.membership_decide(membership=claim, actor=staff_user, approve=True)

    claim.refresh_from_db()
    assert (claim.role, claim.status) == (OWNER, Membership.Status.ACTIVE)


def test_a_claim_approved_by_an_owner_makes_an_admin(user, org):
    claim = services.membership_claim(user=UserFactory(), organization=org)

    services.membership_decide(membership=claim, actor=user, approve=True)

    assert membership_of(claim.user, org).role == ADMIN


@pytest.mark.parametrize(
    "change",
    [
        lambda org, owner, other: services.membership_add(
            organization=org, actor=owner, user=UserFactory()
        ),
        lambda org, owner, other: services.membership_change_role(
            membership=other, actor=owner, role=ADMIN
        ),
        lambda org, owner, other: services.membership_remove(membership=other, actor=owner),
        lambda org, owner, other: services.membership_transfer_ownership(
            organization=org, actor=owner, to_membership=other
        ),
        lambda org, owner, other: services.membership_claim(user=UserFactory(), organization=org),
        lambda org, owner, other: services.membership_decide(
            membership=services.membership_claim(user=UserFactory(), organization=org),
            actor=owner,
            approve=False,
        ),
    ],
    ids=["add", "role", "remove", "transfer", "claim", "decide"],
)
def test_every_membership_change_locks_the_organization_first(user, org, monkeypatch, change):
    other = add(org, MEMBER, by=user)
    locked = []
    real_lock = services.lock_organization

    def spy(organization_id):
        locked.append(organization_id)
        return real_lock(organization_id)

    monkeypatch.setattr(services, "lock_organization", spy)
    change(org, user, other)
    assert locked and set(locked) == {org.pk}


# --- Transfer ---------------------------------------------------------------------------------


def test_an_owner_transfers_ownership_to_a_member_who_becomes_owner_and_both_hear(
    user, org, django_capture_on_commit_callbacks
):
    member = add(org, MEMBER, by=user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        new_owner = services.membership_transfer_ownership(
            organization=org, actor=user, to_membership=member
        )

    assert new_owner.pk == member.pk
    assert membership_of(member.user, org).role == OWNER
    assert membership_of(user, org).role == ADMIN
    entry = AuditEntry.objects.get(action="membership.transfer")
    assert (entry.actor, entry.target_id) == (user, org.pk)
    assert entry.detail == {"from_user": user.pk, "to_user": member.user_id}
    for person, other in ((user, member.user), (member.user, user)):
        [message] = sent_to(person.email)
        assert org.name in message.subject
        assert str(other) in message.body and "as an admin" in message.body


def test_a_transfer_is_refused_with_a_clear_reason_and_changes_nothing(user, org, staff_user):
    admin = add(org, ADMIN, by=user)
    member = add(org, MEMBER, by=user)
    second_owner = add(org, OWNER, by=user)
    pending = services.membership_claim(user=UserFactory(), organization=org)
    elsewhere = add(create_organization(UserFactory(), name="Elsewhere"), MEMBER, by=staff_user)
    owner = membership_of(user, org)

    cases = [
        (PermissionDenied, admin.user, member, "Only an owner"),
        (PermissionDenied, staff_user, member, "Only an owner"),
        (PermissionDenied, member.user, admin, "Only an owner"),
        (ValidationError, user, elsewhere, "Choose a member of"),
        (ValidationError, user, pending, "not an active member"),
        (ValidationError, user, owner, "You own it already"),
        (ValidationError, user, second_owner, "an owner already"),
    ]
    for exception, actor, target, words in cases:
        before, audited = roles_of(org), audit_count()
        with pytest.raises(exception) as refused:
            services.membership_transfer_ownership(
                organization=org, actor=actor, to_membership=target
            )
        assert words in " ".join(getattr(refused.value, "messages", [str(refused.value)]))
        assert (roles_of(org), audit_count()) == (before, audited)


# --- Claims by e-mail -------------------------------------------------------------------------


def test_a_claim_emails_the_claimant_and_the_owners(user, org, django_capture_on_commit_callbacks):
    second_owner = add(org, OWNER, by=user).user
    admin = add(org, ADMIN, by=user).user
    claimant = UserFactory()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_claim(user=claimant, organization=org, message="I run its OSPO.")

    [receipt] = sent_to(claimant.email)
    assert "received your claim" in receipt.body and org.name in receipt.subject
    for owner in (user, second_owner):
        [waiting] = sent_to(owner.email)
        assert "I run its OSPO." in waiting.body
        assert reverse("directory:organization-members", args=[org.slug]) in waiting.body
    assert sent_to(admin.email) == []
    assert len(mail.outbox) == 3


def test_a_claim_for_an_organization_without_owner_emails_hub_staff(
    django_capture_on_commit_callbacks,
):
    organization = OrganizationFactory()
    staff = StaffFactory()
    claimant = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_claim(user=claimant, organization=organization, message="Mine.")

    assert len(sent_to(claimant.email)) == 1
    [waiting] = sent_to(staff.email)
    assert reverse("admin:directory_membership_changelist") in waiting.body


def test_claiming_again_sends_nothing_more(user, org, django_capture_on_commit_callbacks):
    claimant = UserFactory()
    services.membership_claim(user=claimant, organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_claim(user=claimant, organization=org)
    assert mail.outbox == []


def test_the_decision_on_a_claim_reaches_the_claimant_with_the_reason(
    user, org, django_capture_on_commit_callbacks
):
    approved, rejected = UserFactory(), UserFactory()
    first = services.membership_claim(user=approved, organization=org)
    second = services.membership_claim(user=rejected, organization=org)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_decide(membership=first, actor=user, approve=True)
        services.membership_decide(
            membership=second, actor=user, approve=False, reason="We do not know you yet."
        )

    [yes] = sent_to(approved.email)
    assert "approved" in yes.subject and "you are now an admin" in yes.body
    [no] = sent_to(rejected.email)
    assert "not approved" in no.subject
    assert "We do not know you yet." in no.body
    entry = AuditEntry.objects.get(action="membership.reject")
    assert entry.detail == {"reason": "We do not know you yet."}


# --- The members page -------------------------------------------------------------------------


def members_url(organization) -> str:
    return reverse("directory:organization-members", args=[organization.slug])


def change_url(membership) -> str:
    return reverse(
        "directory:organization-member-change",
        args=[membership.organization.slug, membership.pk],
    )


def transfer_url(organization) -> str:
    return reverse("directory:organization-transfer", args=[organization.slug])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_admin_demoting_or_removing_an_owner_on_the_page_is_told_why(client, user, org):
    admin = add(org, ADMIN, by=user).user
    add(org, OWNER, by=user)
    owner = membership_of(user, org)
    client.force_login(admin)
    before = roles_of(org)

    for data in ({"action": "role", "role": MEMBER}, {"action": "remove"}):
        response = client.post(change_url(owner), data)
        assert response.status_code == 302
        assert any("Only an owner" in text for text in messages_of(response))
    assert roles_of(org) == before


def test_an_admin_adding_an_owner_on_the_page_gets_a_form_error(client, user, org):
    admin = add(org, ADMIN, by=user).user
    client.force_login(admin)
    page = client.get(members_url(org)).content.decode()
    assert 'value="owner"' not in page  # the owner role is not offered to admins

    for email in (UserFactory().email, user.email):
        response = client.post(members_url(org), {"email": email, "role": OWNER})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    add(org, OWNER, by=user)  # a second owner: the last-owner rule is not what stops this
    response = client.post(members_url(org), {"email": user.email, "role": MEMBER})
    assert response.status_code == 400
    assert "Only an owner grants or removes" in str(response.context["add_form"].errors)
    assert membership_of(user, org).role == OWNER


def test_an_owner_demotes_another_owner_on_the_page(client, user, org):
    other = add(org, OWNER, by=user)
    client.force_login(user)

    response = client.post(change_url(other), {"action": "role", "role": ADMIN})

    assert messages_of(response) == ["Membership updated."]
    assert membership_of(other.user, org).role == ADMIN


def test_the_last_owner_leaving_on_the_page_is_asked_to_transfer_first(client, user, org):
    client.force_login(user)
    response = client.post(change_url(membership_of(user, org)), {"action": "remove"})
    assert any("transfer the ownership" in text for text in messages_of(response))
    assert membership_of(user, org).role == OWNER


def test_the_members_page_offers_the_last_owner_no_leave_button(client, user, org):
    client.force_login(user)
    html = client.get(members_url(org)).content.decode()
    assert "transfer the ownership before you leave" in html
    assert ">Leave<" not in html
    add(org, OWNER, by=user)
    html = client.get(members_url(org)).content.decode()
    assert ">Leave<" in html


def test_an_owner_transfers_ownership_on_the_page_and_both_are_emailed(
    client, user, org, django_capture_on_commit_callbacks
):
    member = add(org, MEMBER, by=user)
    client.force_login(user)
    page = client.get(members_url(org)).content.decode()
    assert "Transfer ownership" in page and member.user.email in page
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            transfer_url(org), {"to_membership": member.pk, "confirm": "on"}, follow=True
        )

    assert "now owns" in response.content.decode()
    assert membership_of(member.user, org).role == OWNER
    assert membership_of(user, org).role == ADMIN
    assert len(sent_to(user.email)) == len(sent_to(member.user.email)) == 1


def test_bad_transfers_on_the_page_say_what_is_wrong_and_change_nothing(client, user, org):
    member = add(org, MEMBER, by=user)
    admin = add(org, ADMIN, by=user).user
    pending = services.membership_claim(user=UserFactory(), organization=org)
    elsewhere = add(create_organization(UserFactory(), name="Elsewhere"), MEMBER, by=StaffFactory())
    before = roles_of(org)
    client.force_login(user)

    cases = [
        ({"to_membership": member.pk}, "Tick the box to confirm the transfer."),
        ({"confirm": "on"}, "Choose the member who becomes the owner."),
        ({"to_membership": elsewhere.pk, "confirm": "on"}, "active members"),
        ({"to_membership": pending.pk, "confirm": "on"}, "active members"),
        ({"to_membership": "x", "confirm": "on"}, "active members"),
    ]
    for data, words in cases:
        response = client.post(transfer_url(org), data)
        assert response.status_code == 400
        assert words in response.content.decode()

    client.force_login(admin)
    page = client.get(members_url(org)).content.decode()
    assert "Transfer ownership" not in page
    response = client.post(transfer_url(org), {"to_membership": member.pk, "confirm": "on"})
    assert any("Only an owner" in text for text in messages_of(response))

    client.force_login(member.user)
    response = client.post(transfer_url(org), {"to_membership": member.pk, "confirm": "on"})
    assert response.status_code == 403
    assert roles_of(org) == before


def test_a_claim_on_the_page_emails_the_claimant_and_the_owner(
    client, user, org, django_capture_on_commit_callbacks
):
    claimant = UserFactory()
    client.force_login(claimant)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:organization-claim", args=[org.slug]),
            {"message": "I run its open source office."},
        )

    assert any("e-mailed you" in text for text in messages_of(response))
    assert len(sent_to(claimant.email)) == 1
    [waiting] = sent_to(user.email)
    assert "I run its open source office." in waiting.body


def test_rejecting_a_claim_on_the_page_sends_the_reason(
    client, user, org, django_capture_on_commit_callbacks
):
    claim = services.membership_claim(user=UserFactory(), organization=org)
    client.force_login(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(claim), {"action": "reject", "reason": "Not one of ours."})

    assert membership_of(claim.user, org).status == Membership.Status.REJECTED
    [message] = sent_to(claim.user.email)
    assert "Not one of ours." in message.body


def test_the_admin_reject_action_takes_an_optional_reason_and_emails_it(
    client, staff_user, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory()
    with_reason = services.membership_claim(user=UserFactory(), organization=organization)
    changelist = reverse("admin:directory_membership_changelist")
    client.force_login(staff_user)

    def reject(claim, **extra):
        return client.post(
            changelist,
            {"action": "reject_selected", ACTION_CHECKBOX_NAME: [claim.pk], **extra},
        )

    assert reject(with_reason).status_code == 200  # the page asking for a reason
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reject(with_reason, apply="1", reason="Please write from your work address.")
    without = services.membership_claim(user=UserFactory(), organization=organization)
    with django_capture_on_commit_callbacks(execute=True):
        reject(without, apply="1", reason="")

    for claim in (with_reason, without):
        assert membership_of(claim.user, organization).status == Membership.Status.REJECTED
    [message] = sent_to(with_reason.user.email)
    assert "Please write from your work address." in message.body
    [message] = sent_to(without.user.email)
    assert "not approved" in message.subject


# --- Property: any sequence of changes keeps an owner -----------------------------------------

# People 0..4 may belong. The organization starts with owner 0, admin 2, member 3 and, as
# one or a second owner, person 1: so a single wrong step (the last owner leaving, an admin
# demoting one of two owners) is within easy reach of the search.
PEOPLE = 5
ACTORS = [*range(PEOPLE), "staff", "outsider"]
STEP = st.tuples(
    st.sampled_from(["add", "role", "remove", "leave", "transfer", "claim", "decide"]),
    st.sampled_from(ACTORS),
    st.integers(min_value=0, max_value=PEOPLE - 1),
    st.sampled_from([OWNER, ADMIN, MEMBER]),
    st.booleans(),
)


def apply_step(step, organization, people, staff, outsider):
    """Run one step through the real services; returns who acted."""
    operation, actor_key, target_index, role, flag = step
    actor = {"staff": staff, "outsider": outsider}.get(actor_key) or people[actor_key]
    target = people[target_index]
    if operation in ("leave", "claim"):
        actor = target
    membership = Membership.objects.filter(user=target, organization=organization).first()
    if operation == "add":
        services.membership_add(organization=organization, actor=actor, user=target, role=role)
    elif operation == "claim":
        services.membership_claim(user=target, organization=organization)
    elif membership is None:
        pass  # the other operations act on an existing membership
    elif operation == "role":
        services.membership_change_role(membership=membership, actor=actor, role=role)
    elif operation in ("remove", "leave"):
        services.membership_remove(membership=membership, actor=actor)
    elif operation == "transfer":
        services.membership_transfer_ownership(
            organization=organization, actor=actor, to_membership=membership
        )
    else:
        services.membership_decide(membership=membership, actor=actor, approve=flag)
    return actor


def active_owner_ids(organization) -> set[int]:
    return set(
        Membership.objects.filter(
            organization=organization, role=OWNER, status=Membership.Status.ACTIVE
        ).values_list("user_id", flat=True)
    )


# Each example builds its own organization and people, so the database the examples share
# (one test transaction) cannot make one example depend on another.
@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(two_owners=st.booleans(), steps=st.lists(STEP, max_size=10))
def test_any_sequence_of_role_changes_keeps_an_owner_and_refusals_change_nothing(two_owners, steps):
    people = UserFactory.create_batch(PEOPLE)
    staff, outsider = StaffFactory(), UserFactory()
    organization = create_organization(people[0], name=f"Org of {people[0].email}")
    first_roles = [OWNER if two_owners else ADMIN, ADMIN, MEMBER]
    for person, role in zip(people[1:4], first_roles, strict=True):
        services.membership_add(organization=organization, actor=people[0], user=person, role=role)

    for step in steps:
        owners_before = active_owner_ids(organization)
        state_before, audited = roles_of(organization), audit_count()
        try:
            actor = apply_step(step, organization, people, staff, outsider)
        except (PermissionDenied, ValidationError):
            assert roles_of(organization) == state_before, step
            assert audit_count() == audited, step
        else:
            # Only an owner or staff moves the owner role (an owner may also leave).
            if actor.pk not in owners_before and not actor.is_staff:
                assert active_owner_ids(organization) == owners_before, step
        active = Membership.objects.filter(
            organization=organization, status=Membership.Status.ACTIVE
        )
        if active.exists():
            assert active_owner_ids(organization), (steps, step)
