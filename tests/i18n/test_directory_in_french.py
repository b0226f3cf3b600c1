"""The directory in French under /fr/: its list, listing pages, forms, messages and the
services' refusals, links staying in French; the same pages unchanged in English."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from directory.models import Membership, ProjectUse
from directory.services import membership_decide
from directory.uses.services import use_declare
from tests.directory.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    TagFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NBSP, NNBSP = "\u00a0", "\u202f"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def hrefs(html: str) -> list[str]:
    """The page's own links (not the offer to read it in the other language)."""
    return re.findall(r'href="(/[^"]*)"(?! hreflang)', html)


@pytest.fixture
def listings():
    tag = TagFactory(name="Civic tech")
    organization = OrganizationFactory(
        name="Charm City Data", verified=True, innersource=True, tags=[tag], size_band="11-50"
    )
    project = ProjectFactory(
        name="Open Budget",
        organizations=[organization],
        seeking_contributors=True,
        help_wanted=["docs"],
        contact_url="https://lists.example.org/open-budget",
    )
    return organization, project


def test_the_directory_reads_in_french_and_links_to_french_pages(client, listings):
    organization, project = listings
    html = page(client, "/fr/directory/")
    assert html_lang(html) == "fr"
    assert "<h1>Répertoire</h1>" in html
    assert "Chercher des organisations et des projets" in html
    assert "2 fiches" in html
    assert "Entreprise" in html and "Vérifiée" in html and "Cherche des contributions" in html
    assert f"Il manque quelqu{chr(0x2019)}un{NNBSP}?" in html
    assert 'href="/fr/directory/submit/?type=project">un projet</a>' in html
    assert "Pertinence" in html and "Organismes publics" not in html
    assert f'href="/fr/directory/organizations/{organization.slug}/"' in html
    assert f'href="/fr/directory/projects/{project.slug}/"' in html
    assert not [href for href in hrefs(html) if href.startswith("/directory/")]


def test_a_search_that_finds_nothing_says_so_in_french(client, listings):
    html = page(client, "/fr/directory/?q=zzyzx")
    assert f"Rien ne correspond à «{NBSP}zzyzx{NBSP}» avec ces filtres." in html
    assert f"«{NBSP}zzyzx{NBSP}» dans le répertoire" in html  # the title


def test_an_organization_page_in_french(client, listings):
    organization, _project = listings
    html = page(client, f"/fr/directory/organizations/{organization.slug}/")
    assert html_lang(html) == "fr"
    assert "Programme InnerSource" in html and "11 à 50 personnes" in html
    assert "<dt>Taille</dt>" in html and "<dd>Oui</dd>" in html
    assert "Responsable" in html  # the organization's role on Open Budget
    assert "Vous travaillez ici" in html
    assert 'href="/fr/accounts/login/?next=' in html


def test_a_project_page_in_french(client, listings):
    _organization, project = listings
    html = page(client, f"/fr/directory/projects/{project.slug}/")
    assert "Ce projet cherche de l’aide" in html
    assert "Documentation" in html and "Écrire aux responsables" in html
    assert "<dt>Responsables</dt>" in html and "Comment les joindre" in html
    assert "Qui utilise Open Budget" in html
    assert "Aucune organisation du répertoire n’a encore dit utiliser Open Budget." in html


def test_who_uses_a_project_is_counted_in_french(client, listings):
    organization, project = listings
    city = OrganizationFactory(name="Ville de Baltimore", kind="government")
    owner = MembershipFactory(organization=city, owner=True).user
    use_declare(
        organization=city,
        project=project,
        status=ProjectUse.Status.PRODUCTION,
        note="",
        actor=owner,
    )
    html = page(client, f"/fr/directory/projects/{project.slug}/")
    assert f"Utilisé par 1 organisme public{NBSP}: 1 en production, 0 à l’essai." in html
    assert "Organismes publics" in html and "En production" in html


def test_a_french_claim_without_a_word_is_refused_in_french(client, listings, user):
    organization, _project = listings
    client.force_login(user)
    response = client.post(
        f"/fr/directory/organizations/{organization.slug}/claim/", {"message": ""}, follow=True
    )
    assert "Dites-nous quel est votre lien avec l’organisation." in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_a_french_submission_missing_its_name_gets_a_french_form_error(client, user):
    client.force_login(user)
    html = page(client, "/fr/directory/submit/?type=project")
    assert "<h1>Inscrire un projet</h1>" in html and "Remplir à partir d’un dépôt" in html
    assert 'for="id_name">Nom' in html and 'for="id_license">Licence (identifiant SPDX)' in html
    response = client.post("/fr/directory/submit/?type=project", {"name": "", "license": "MIT"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()


def test_a_french_submission_is_thanked_in_french_and_followed_to_its_french_page(client, user):
    client.force_login(user)
    response = client.post(
        "/fr/directory/submit/",
        {"name": "Patapsco Robotics", "kind": "company", "city": "Baltimore"},
    )
    assert response["Location"] == "/fr/directory/organizations/patapsco-robotics/"
    html = page(client, response["Location"])
    assert f"Merci{NBSP}: Patapsco Robotics attend sa relecture." in html
    assert "Statut de cette fiche" in html and "en attente de relecture" in html


def test_the_members_page_in_french(client, listings):
    organization, _project = listings
    owner = MembershipFactory(organization=organization, owner=True).user
    client.force_login(owner)
    html = page(client, f"/fr/directory/organizations/{organization.slug}/members/")
    assert "Membres de Charm City Data" in html
    assert '<th scope="col">Rôle</th>' in html and "Propriétaire" in html
    assert "Ajouter un membre" in html


def test_the_same_pages_stay_english_at_their_addresses(client, listings):
    organization, project = listings
    html = page(client, "/directory/")
    assert html_lang(html) == "en"
    assert "<h1>Directory</h1>" in html and "2 listings" in html and "Verified" in html
    assert 'href="/directory/submit/?type=project">a project</a>' in html
    organization_html = page(client, f"/directory/organizations/{organization.slug}/")
    assert "11–50 people" in organization_html and "Do you work here?" in organization_html
    project_html = page(client, f"/directory/projects/{project.slug}/")
    assert "This project is looking for help" in project_html


def test_a_french_duplicate_gets_the_forms_own_error_in_french(client, listings, user):
    client.force_login(user)
    form = {"name": "charm city data", "kind": "company", "city": "Baltimore"}
    response = client.post("/fr/directory/submit/", form)
    assert response.status_code == 200
    assert "Une organisation de ce nom est déjà inscrite." in response.content.decode()


def test_the_last_owner_is_refused_in_french_by_the_service(client, listings):
    organization, _project = listings
    owner = MembershipFactory(organization=organization, owner=True)
    client.force_login(owner.user)
    response = client.post(
        f"/fr/directory/organizations/{organization.slug}/members/{owner.pk}/",
        {"action": "role", "role": "member"},
        follow=True,
    )
    html = response.content.decode()
    assert f"Une organisation garde au moins un propriétaire{NBSP}: transférez" in html
    owner.refresh_from_db()
    assert owner.role == Membership.Role.OWNER


def test_a_declaration_refused_to_a_stranger_is_refused_in_french(listings, user):
    organization, project = listings
    with translation.override("fr"), pytest.raises(PermissionDenied) as refusal:
        use_declare(
            organization=organization,
            project=project,
            status=ProjectUse.Status.PRODUCTION,
            note="",
            actor=user,
        )
    assert str(refusal.value).startswith("Seuls les propriétaires et les administrateurs")


def test_claim_mails_reach_each_person_in_their_language_with_their_links(
    client, listings, django_capture_on_commit_callbacks
):
    organization, _project = listings
    MembershipFactory(organization=organization, owner=True, user__email="owner@example.org")
    francophone = UserFactory(language="fr", email="claire@example.org")
    client.force_login(francophone)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/directory/organizations/{organization.slug}/claim/", {"message": "Je gère l'OSPO."}
        )
    to_claimant, to_owner = sorted(mail.outbox, key=lambda m: m.to != [francophone.email])
    assert to_claimant.subject == "Nous avons reçu votre demande pour Charm City Data"
    assert "nous avons reçu votre demande pour Charm City Data" in to_claimant.body
    assert f"Ce que vous nous avez écrit{NBSP}:\nJe gère l'OSPO." in to_claimant.body
    assert to_owner.subject == "A claim for Charm City Data waits for you"
    assert f"/directory/organizations/{organization.slug}/members/" in to_owner.body
    assert "/fr/" not in to_owner.body

    owner = Membership.objects.get(organization=organization, role="owner").user
    claim = Membership.objects.get(user=francophone)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        membership_decide(membership=claim, actor=owner, approve=True)
    [decided] = mail.outbox
    assert decided.subject == "Votre demande pour Charm City Data est approuvée"
    assert f"dans l’organisation{NBSP}: administrateur ou administratrice." in decided.body
    assert f"/fr/directory/organizations/{organization.slug}/" in decided.body


def test_the_feed_of_new_listings_in_french(client, listings):
    feed = page(client, "/fr/directory/feed.atom")
    assert "<title>Nouveautés du répertoire de l’open source</title>" in feed
    assert f"<title>Organisation{NBSP}: Charm City Data</title>" in feed
    assert "/fr/directory/projects/open-budget/" in feed
