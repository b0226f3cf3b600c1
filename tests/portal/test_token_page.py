"""The API token panel of /me/ says what happened: a first token is created, then replaced."""

from rest_framework.authtoken.models import Token


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_first_token_is_created_and_the_next_one_replaces_it(client, user):
    client.force_login(user)

    first = client.post("/me/token/", follow=True)

    assert messages_of(first) == ["Your API token was created. Keep it secret."]
    assert Token.objects.filter(user=user).count() == 1
    second = client.post("/me/token/", follow=True)
    assert messages_of(second) == ["Your API token was replaced. The old one no longer works."]
    assert Token.objects.filter(user=user).count() == 1


def test_only_the_person_signed_in_gets_a_token(client, user):
    response = client.post("/me/token/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Token.objects.exists()
