"""Staff's side through the real Django admin views: the notes' queue and its actions, the
positions staff write, the endorsements they can withdraw; every step audited."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from chamber.models import Endorsement, Position, PracticeNote
from directory.models import ListingStatus
from hub.models import AuditEntry
from tests.chamber.factories import EndorsementFactory, PositionFactory, PracticeNoteFactory

pytestmark = pytest.mark.django_db

NOTES = reverse("admin:chamber_practicenote_changelist")
POSITIONS = reverse("admin:chamber_position_changelist")
ENDORSEMENTS = reverse("admin:chamber_endorsement_changelist")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def run_action(client, url, action, objects, **extra):
    return client.post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    )


def test_the_queue_lists_pending_notes_first(staff_client):
    PracticeNoteFactory(title="Old published")
    pending = PracticeNoteFactory(title="Waiting for you", pending=True)
    response = staff_client.get(NOTES)
    assert list(response.context["cl"].result_list)[0] == pending


def test_publishing_from_the_admin_tells_the_author(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    note = PracticeNoteFactory(pending=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(staff_client, NOTES, "publish_selected", [note])
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == ListingStatus.PUBLISHED
    assert AuditEntry.objects.get(action="practice.publish").actor == staff_user
    [message] = mail.outbox
    assert message.to == [note.author.email]


def test_rejecting_asks_for_a_reason_and_sends_it(staff_client, django_capture_on_commit_callbacks):
    note = PracticeNoteFactory(pending=True)
    form_page = run_action(staff_client, NOTES, "reject_selected", [note])
    assert form_page.status_code == 200 and note.title in form_page.content.decode()
    no_reason = run_action(staff_client, NOTES, "reject_selected", [note], apply="1")
    assert no_reason.context["form"].errors["reason"]
    assert PracticeNote.objects.get(pk=note.pk).status == ListingStatus.PENDING

    reason = "Say which approval tool you use, so others can try it."
    with django_capture_on_commit_callbacks(execute=True):
        run_action(staff_client, NOTES, "reject_selected", [note], apply="1", reason=reason)

    note.refresh_from_db()
    assert (note.status, note.rejection_reason) == (ListingStatus.REJECTED, reason)
    [message] = mail.outbox
    assert reason in message.body


def test_archiving_is_audited(staff_client):
    note = PracticeNoteFactory()
    run_action(staff_client, NOTES, "archive_selected", [note])
    assert PracticeNote.objects.get(pk=note.pk).status == ListingStatus.ARCHIVED
    assert AuditEntry.objects.filter(action="practice.archive").count() == 1


def test_staff_write_a_position_in_the_admin(staff_client, staff_user):
    response = staff_client.post(
        reverse("admin:chamber_position_add"),
        {
            "title": "Publish the code the city pays for",
            "slug": "public-code",
            "summary": "Public money, public code.",
            "text": "The city publishes the software it buys.",
            "open_for_endorsement": "on",
            "published_at_0": timezone.localdate().isoformat(),
            "published_at_1": "00:00:00",
            "endorsements-TOTAL_FORMS": "0",
            "endorsements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    position = Position.objects.get(slug="public-code")
    assert position.created_by == staff_user
    assert AuditEntry.objects.get(action="position.create").target_id == position.pk
    change = staff_client.get(reverse("admin:chamber_position_change", args=[position.pk]))
    assert "/advocacy/public-code/endorsers.csv" in change.content.decode()


def test_staff_withdraw_an_endorsement_through_the_service(staff_client):
    endorsement = EndorsementFactory(position=PositionFactory())
    run_action(staff_client, ENDORSEMENTS, "withdraw_selected", [endorsement])
    assert not Endorsement.objects.exists()
    assert AuditEntry.objects.filter(action="position.withdraw").count() == 1


@pytest.mark.parametrize("url", [NOTES, POSITIONS, ENDORSEMENTS])
def test_every_changelist_opens(staff_client, url):
    EndorsementFactory(position=PositionFactory())
    PracticeNoteFactory()
    assert staff_client.get(url).status_code == 200
