"""Practice notes and endorsements through the services: who may, what it leaves behind
(audit rows, one e-mail per decision), and what is refused."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from chamber import notifications, services
from chamber.models import Endorsement, PracticeNote
from directory.models import ListingStatus
from hub.models import AuditEntry, SentNotification
from tests.chamber.factories import EndorsementFactory, PositionFactory, PracticeNoteFactory
from tests.directory.factories import MembershipFactory, OrganizationFactory, TagFactory
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = {
    "title": "How our OSPO approves upstream contributions",
    "summary": "Two business days, one form, no lawyer for a typo fix.",
    "text": "1. Open an issue in the OSPO tracker\n2. A trusted committer reviews it",
}


@pytest.fixture
def org():
    return OrganizationFactory(name="Formstone Software")


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org).user


def actions(target) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            target_type=target._meta.label_lower, target_id=target.pk
        ).values_list("action", flat=True)
    )


# --- Practice notes ----------------------------------------------------------------------------


def test_a_member_submits_a_note_that_waits_for_review(org, member):
    pattern = TagFactory(name="Trusted Committer")

    note = services.practice_submit(author=member, organization=org, data=NOTE, tags=[pattern])

    assert note.status == ListingStatus.PENDING
    assert note.slug == "how-our-ospo-approves-upstream-contributions"
    assert list(note.tags.all()) == [pattern]
    assert actions(note) == ["practice.submit"]


@pytest.mark.parametrize("who", ["stranger", "pending_claim", "member_of_unpublished"])
def test_only_active_members_of_a_published_organization_submit(org, who):
    if who == "stranger":
        author = UserFactory()
    elif who == "pending_claim":
        author = MembershipFactory(organization=org, pending=True).user
    else:
        org = OrganizationFactory(pending=True)
        author = MembershipFactory(organization=org).user

    with pytest.raises(PermissionDenied):
        services.practice_submit(author=author, organization=org, data=NOTE)
    assert PracticeNote.objects.count() == 0


def test_a_note_needs_a_title_and_a_text(org, member):
    with pytest.raises(ValidationError) as refused:
        services.practice_submit(author=member, organization=org, data={"title": " ", "text": ""})
    assert "title" in refused.value.message_dict


def test_editing_a_published_note_sends_it_back_to_review(org, member):
    note = PracticeNoteFactory(organization=org, author=member)

    services.practice_edit(note=note, actor=member, data={**NOTE, "title": "New title"})

    note.refresh_from_db()
    assert note.status == ListingStatus.PENDING
    assert note.title == "New title"
    entry = AuditEntry.objects.get(action="practice.edit")
    assert entry.detail == {"back_to_review": True}


def test_only_the_author_edits_a_note(org, member):
    note = PracticeNoteFactory(organization=org, author=member)
    colleague = MembershipFactory(organization=org, owner=True).user

    for someone in (colleague, StaffFactory(), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.practice_edit(note=note, actor=someone, data={"title": "Hijacked"})
    note.refresh_from_db()
    assert note.title != "Hijacked"


def test_staff_publish_and_the_author_hears_once(org, member, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    note = services.practice_submit(author=member, organization=org, data=NOTE)

    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(note=note, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(note=note, actor=staff)  # already published: nothing happens

    note.refresh_from_db()
    assert note.status == ListingStatus.PUBLISHED and note.published_at is not None
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "Published: How our OSPO" in mail.outbox[0].subject
    decision = AuditEntry.objects.get(action="practice.publish")
    # The job runs again (a retry): the ledger keeps it to one e-mail.
    assert notifications.send_practice_decision(note.pk, decision.pk) is False
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(recipient=member, kind="review_decision").count() == 1


def test_staff_reject_with_a_reason_that_reaches_the_author(
    org, member, django_capture_on_commit_callbacks
):
    note = services.practice_submit(author=member, organization=org, data=NOTE)

    with pytest.raises(ValidationError):
        services.practice_reject(note=note, actor=StaffFactory(), reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_reject(note=note, actor=StaffFactory(), reason="Name the tool you use.")

    note.refresh_from_db()
    assert note.status == ListingStatus.REJECTED
    assert len(mail.outbox) == 1
    assert "Name the tool you use." in mail.outbox[0].body
    assert actions(note) == ["practice.reject", "practice.submit"]  # newest first


def test_only_staff_moderate(org, member):
    note = services.practice_submit(author=member, organization=org, data=NOTE)
    owner = MembershipFactory(organization=org, owner=True).user

    with pytest.raises(PermissionDenied):
        services.practice_publish(note=note, actor=owner)
    with pytest.raises(PermissionDenied):
        services.practice_reject(note=note, actor=member, reason="no")
    note.refresh_from_db()
    assert note.status == ListingStatus.PENDING


# --- Endorsements ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_an_owner_or_admin_endorses_on_the_organizations_behalf(org, role):
    person = MembershipFactory(organization=org, **{role: True}).user
    position = PositionFactory()

    endorsement, created = services.endorsement_create(
        position=position, organization=org, actor=person
    )
    again, created_again = services.endorsement_create(
        position=position, organization=org, actor=person
    )

    assert created and not created_again and again == endorsement
    assert Endorsement.objects.count() == 1
    entry = AuditEntry.objects.get(action="position.endorse")
    assert entry.detail == {"organization": org.slug} and entry.actor == person


@pytest.mark.parametrize("who", ["member", "staff", "stranger", "owner_of_unpublished"])
def test_nobody_else_endorses(org, who):
    position = PositionFactory()
    if who == "member":
        person = MembershipFactory(organization=org).user
    elif who == "staff":
        person = StaffFactory()
    elif who == "stranger":
        person = MembershipFactory(organization=OrganizationFactory(), owner=True).user
    else:
        org = OrganizationFactory(pending=True)
        person = MembershipFactory(organization=org, owner=True).user

    with pytest.raises(PermissionDenied):
        services.endorsement_create(position=position, organization=org, actor=person)
    assert Endorsement.objects.count() == 0


def test_a_closed_position_refuses_new_endorsements(org):
    owner = MembershipFactory(organization=org, owner=True).user
    position = PositionFactory(open_for_endorsement=False)

    with pytest.raises(ValidationError) as refused:
        services.endorsement_create(position=position, organization=org, actor=owner)
    assert refused.value.code == "closed"
    assert Endorsement.objects.count() == 0


def test_a_draft_position_takes_no_endorsement(org):
    owner = MembershipFactory(organization=org, owner=True).user
    with pytest.raises(ValidationError):
        services.endorsement_create(
            position=PositionFactory(draft=True), organization=org, actor=owner
        )


def test_withdrawing_takes_the_name_off_even_once_closed(org):
    owner = MembershipFactory(organization=org, owner=True).user
    endorsement = EndorsementFactory(
        organization=org, position=PositionFactory(open_for_endorsement=False)
    )

    services.endorsement_withdraw(endorsement=endorsement, actor=owner)

    assert Endorsement.objects.count() == 0
    assert AuditEntry.objects.get(action="position.withdraw").detail == {"organization": org.slug}


def test_only_the_organizations_managers_or_staff_withdraw(org):
    endorsement = EndorsementFactory(organization=org)
    for someone in (MembershipFactory(organization=org).user, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.endorsement_withdraw(endorsement=endorsement, actor=someone)
    assert Endorsement.objects.count() == 1
    services.endorsement_withdraw(endorsement=endorsement, actor=StaffFactory())
    assert Endorsement.objects.count() == 0
