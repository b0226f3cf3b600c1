"""Forge accounts on a person's profile: typed in they are declared (two people may declare
the same name, and each sees it is claimed twice), connected through OAuth they are proven
(one person per name). Only the person adds and removes theirs."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hub import forge_accounts
from hub.models import AuditEntry, ForgeAccount
from tests.conftest import run_django
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "/me/forge-accounts/"


def add(user, name, forge="github"):
    return forge_accounts.forge_account_add(user=user, forge=forge, username=name)


def test_a_typed_name_is_declared_and_two_people_may_declare_it():
    maya, rosa = UserFactory(), UserFactory()
    mine = add(maya, "@MayaOkafor")
    add(rosa, "mayaokafor")
    assert (mine.username, mine.proven) == ("MayaOkafor", False)
    assert [a.claimed_by_others for a in forge_accounts.forge_accounts_of(maya)] == [True]
    add(maya, "mayaokafor", forge="codeberg")  # another forge: another account
    assert not forge_accounts.forge_accounts_of(maya).get(forge="codeberg").claimed_by_others
    assert AuditEntry.objects.filter(action="forge_account.add").count() == 3


@pytest.mark.parametrize(
    "forge, name, message",
    [
        ("github", "maya okafor", "A user name has letters"),
        ("github", "-maya", "A user name has letters"),
        ("github", "x" * 101, "A user name has letters"),
        ("sourceforge", "maya", "Choose GitHub, GitLab or Codeberg."),
    ],
)
def test_bad_names_and_forges_are_refused(forge, name, message):
    with pytest.raises(ValidationError) as refused:
        add(UserFactory(), name, forge=forge)
    assert message in str(refused.value)
    assert not ForgeAccount.objects.exists()


def test_the_same_name_twice_a_proven_name_of_someone_else_and_too_many_are_refused():
    maya, rosa = UserFactory(), UserFactory()
    add(maya, "maya")
    with pytest.raises(ValidationError, match="on your profile already"):
        add(maya, "MAYA")
    forge_accounts.forge_account_prove(user=rosa, forge="github", username="rosa")
    with pytest.raises(ValidationError, match="connected to someone else's profile"):
        add(maya, "Rosa")
    for n in range(forge_accounts.MAX_FORGE_ACCOUNTS - 1):
        add(maya, f"maya{n}")
    with pytest.raises(ValidationError, match="at most 10 forge accounts"):
        add(maya, "one-more")


def test_a_proof_makes_the_name_proven_and_takes_it_from_anyone_else():
    maya, rosa = UserFactory(), UserFactory()
    add(maya, "mayaokafor")
    forge_accounts.forge_account_prove(user=rosa, forge="github", username="mayaokafor")
    account = forge_accounts.forge_account_prove(user=maya, forge="github", username="MayaOkafor")
    assert (account.username, account.proven) == ("MayaOkafor", True)
    assert ForgeAccount.objects.get(user=rosa).proven is False
    assert ForgeAccount.objects.filter(user=maya).count() == 1


def test_a_connected_github_or_gitlab_account_proves_its_name():
    """allauth's social_account_added hands over the signed-in account: its login proves it."""
    maya = UserFactory()
    for provider, data in (("github", {"login": "mayaokafor"}), ("gitlab", {"username": "maya"})):
        account = SimpleNamespace(provider=provider, extra_data=data, user=maya, user_id=maya.pk)
        forge_accounts.social_account_connected(
            sender=None, request=None, sociallogin=SimpleNamespace(account=account)
        )
    assert set(ForgeAccount.objects.values_list("forge", "username", "proven")) == {
        ("github", "mayaokafor", True),
        ("gitlab", "maya", True),
    }


def test_only_the_person_removes_their_account():
    maya, rosa = UserFactory(), UserFactory()
    account = add(maya, "maya")
    with pytest.raises(PermissionDenied):
        forge_accounts.forge_account_remove(user=rosa, account=account)
    forge_accounts.forge_account_remove(user=maya, account=account)
    assert not ForgeAccount.objects.exists()


# --- Pages ---------------------------------------------------------------------------------


def test_the_profile_lists_adds_and_removes_forge_accounts(client):
    maya, rosa = UserFactory(), UserFactory()
    add(rosa, "mayaokafor")
    client.force_login(maya)
    response = client.post(ADD, {"forge": "github", "username": "mayaokafor"})
    assert response.status_code == 302
    page = client.get("/me/").content.decode()
    assert "<strong>mayaokafor</strong> on GitHub" in page
    assert "Declared" in page
    assert "Someone else added this name too." in page
    assert "Connect GitHub" not in page  # no OAuth app configured

    account = ForgeAccount.objects.get(user=maya)
    assert client.post(f"/me/forge-accounts/{account.pk}/remove/").status_code == 302
    assert not ForgeAccount.objects.filter(user=maya).exists()


def test_a_bad_name_comes_back_to_the_profile_with_the_error(client):
    client.force_login(UserFactory())
    response = client.post(ADD, {"forge": "github", "username": "maya okafor"})
    assert response.status_code == 200
    assert "A user name has letters" in response.content.decode()
    response = client.post(ADD, {"forge": "bitbucket", "username": "maya"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ForgeAccount.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "other", "staff"])
def test_nobody_else_adds_or_removes_a_persons_account(client, role):
    maya = UserFactory()
    account = add(maya, "maya")
    visitor = {"anonymous": None, "other": UserFactory(), "staff": StaffFactory()}[role]
    if visitor:
        client.force_login(visitor)
    removed = client.post(f"/me/forge-accounts/{account.pk}/remove/")
    added = client.post(ADD, {"forge": "github", "username": "intruder"})
    if visitor is None:
        assert removed.status_code == added.status_code == 302
        assert "/accounts/login/" in removed["Location"]
    else:
        assert removed.status_code == 404
        assert ForgeAccount.objects.filter(username="intruder").get().user == visitor
    assert ForgeAccount.objects.filter(user=maya).count() == 1


def test_the_forge_account_urls_take_only_post(client):
    client.force_login(UserFactory())
    assert client.get(ADD).status_code == 405
    assert client.get("/me/forge-accounts/1/remove/").status_code == 405


def test_oauth_providers_are_installed_only_with_an_app():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print('allauth.socialaccount.providers.github' in settings.INSTALLED_APPS, "
        "sorted(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    assert run_django({"DEBUG": "1"}, code).stdout.split() == ["False", "[]"]
    configured = run_django(
        {"DEBUG": "1", "HUB_GITHUB_OAUTH_CLIENT_ID": "id", "HUB_GITHUB_OAUTH_SECRET": "s"}, code
    )
    assert configured.stdout.split() == ["True", "['github']"]
