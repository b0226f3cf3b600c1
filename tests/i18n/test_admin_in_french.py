"""The hub's admin in French under /fr/admin/: the actions' labels, their success messages as
whole sentences that agree with the count, a refused row, the reason and merge pages, and the
change form's fieldsets; the same admin stays English at /admin/."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from directory.models import ListingStatus
from events.models import Event, SessionProposal
from tests.directory.factories import OrganizationFactory, ProjectFactory
from tests.events.factories import EventFactory
from tests.events.program_helpers import make_board, propose

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\u00a0"
ORGANIZATIONS = "admin/directory/organization/"
PROJECTS = "admin/directory/project/"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def run_action(client, url, action, objects, **extra):
    selected = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra}
    return client.post(url, selected, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_organizations_list_offers_its_actions_in_french(staff_client):
    OrganizationFactory(pending=True)
    html = staff_client.get(f"/fr/{ORGANIZATIONS}").content.decode()
    assert '<html lang="fr"' in html
    assert f"Open Source Hub{NBSP}: administration" in html
    assert "Publier les fiches sélectionnées" in html
    assert "Mettre en avant les organisations sélectionnées" in html
    assert "Fusionner deux doublons" in html
    assert "Publish selected listings" not in html


def test_the_same_list_stays_english_at_admin(staff_client):
    OrganizationFactory(pending=True)
    html = staff_client.get(f"/{ORGANIZATIONS}").content.decode()
    assert '<html lang="en"' in html
    assert "Publish selected listings" in html
    assert "Feature selected organizations" in html


@pytest.mark.parametrize(
    "count, french, english",
    [
        (
            1,
            f"1 organisation publiée{NNBSP}; la personne qui l’a proposée en est informée "
            "par courriel.",
            "1 organization published; its submitter is told by e-mail.",
        ),
        (
            2,
            f"2 organisations publiées{NNBSP}; les personnes qui les ont proposées en sont "
            "informées par courriel.",
            "2 organizations published; their submitters are told by e-mail.",
        ),
    ],
)
def test_publishing_says_so_in_a_whole_sentence_that_agrees_with_the_count(
    staff_client, count, french, english
):
    first = OrganizationFactory.create_batch(count, pending=True)
    response = run_action(staff_client, f"/fr/{ORGANIZATIONS}", "publish_selected", first)
    assert messages_of(response) == [french]
    second = OrganizationFactory.create_batch(count, pending=True)
    response = run_action(staff_client, f"/{ORGANIZATIONS}", "publish_selected", second)
    assert messages_of(response) == [english]


def test_the_feminine_and_masculine_nouns_agree_their_participles(staff_client):
    projects = ProjectFactory.create_batch(2)
    response = run_action(staff_client, f"/fr/{PROJECTS}", "archive_selected", projects)
    assert messages_of(response) == ["2 projets archivés."]
    organizations = OrganizationFactory.create_batch(3)
    response = run_action(staff_client, f"/fr/{ORGANIZATIONS}", "feature_selected", organizations)
    assert messages_of(response) == ["3 organisations mises en avant."]


def test_a_refused_row_and_the_others_are_reported_in_french(staff_client):
    board = make_board()
    proposal = propose(board)
    merged = propose(board, "A duplicate")
    SessionProposal.objects.filter(pk=merged.pk).update(
        status=SessionProposal.Status.MERGED, merged_into=proposal
    )
    url = "/fr/admin/events/sessionproposal/"
    shown = messages_of(run_action(staff_client, url, "hide_selected", [proposal, merged]))
    assert shown == [
        f"{merged}{NBSP}: Une proposition fusionnée ne peut pas être masquée.",
        "1 proposition masquée.",
    ]


def test_cancelling_events_asks_and_reports_in_french(staff_client):
    events = EventFactory.create_batch(2)
    url = "/fr/admin/events/event/"
    page = run_action(staff_client, url, "cancel_selected", events).content.decode()
    assert "Annuler ces événements" in page
    assert "Motif" in page
    assert "Facultatif. Envoyé à toutes les personnes inscrites" in page
    response = run_action(staff_client, url, "cancel_selected", events, apply="1")
    assert messages_of(response) == [
        f"2 événements annulés{NNBSP}; toutes les personnes inscrites en sont informées."
    ]
    assert {event.status for event in Event.objects.all()} == {Event.Status.CANCELLED}


def test_the_reason_page_and_its_error_read_in_french(staff_client):
    project = ProjectFactory(pending=True)
    url = f"/fr/{PROJECTS}"
    page = run_action(staff_client, url, "reject_selected", [project]).content.decode()
    assert '<html lang="fr"' in page
    assert "<h1>Refuser des fiches</h1>" in page
    assert "Ces fiches seront masquées. Le motif est envoyé à chaque personne" in page
    assert ">Motif</label>" in page
    assert f"Soyez précis{NBSP}: la personne lit ce motif" in page
    assert 'value="Refuser des fiches"' in page
    missing = run_action(staff_client, url, "reject_selected", [project], apply="1")
    assert "Ce champ est obligatoire." in missing.content.decode()
    rejected = run_action(
        staff_client, url, "reject_selected", [project], apply="1", reason="Dépôt privé."
    )
    assert messages_of(rejected) == ["1 projet refusé."]
    project.refresh_from_db()
    assert project.status == ListingStatus.REJECTED


def test_the_reason_page_stays_english_at_admin(staff_client):
    project = ProjectFactory(pending=True)
    page = run_action(staff_client, f"/{PROJECTS}", "reject_selected", [project]).content.decode()
    assert "<h1>Reject listings</h1>" in page
    assert ">Reason</label>" in page
    assert "Be specific: the person reads this" in page


def test_the_merge_page_and_its_warning_read_in_french(staff_client):
    one, two, three = OrganizationFactory.create_batch(3)
    url = f"/fr/{ORGANIZATIONS}"
    warned = run_action(staff_client, url, "merge_selected", [one, two, three])
    assert messages_of(warned) == ["Sélectionnez exactement deux organisations à fusionner."]
    page = run_action(staff_client, url, "merge_selected", [one, two]).content.decode()
    assert "<h1>Fusionner deux organisations</h1>" in page
    assert "Choisissez l’organisation à conserver." in page
    assert "0 projet, 0 membre, inscrite le" in page


def test_the_change_form_names_its_sections_in_french(staff_client):
    organization = OrganizationFactory()
    page = staff_client.get(f"/fr/{ORGANIZATIONS}{organization.pk}/change/").content.decode()
    assert "Lieu et taille" in page
    assert "Modération (à changer avec les actions de la liste)" in page
    assert "Historique" in page
    english = staff_client.get(f"/{ORGANIZATIONS}{organization.pk}/change/").content.decode()
    assert "Where and how big" in english
