import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]


def test_api_docs_load_swagger_from_our_own_static_files(client):
    html = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the split view serves its init script as a file
    assert "<style" not in html and '<html lang="en">' in html


def test_api_me_refuses_anonymous_requests():
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.parametrize("who", ["user", "other_user", "staff_user"])
def test_api_me_answers_each_person_with_their_own_profile(request, who):
    person = request.getfixturevalue(who)
    token = Token.objects.create(user=person)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == person.email


def test_api_me_accepts_a_session(client, user):
    client.force_login(user)
    assert client.get("/api/v1/me/").json()["display_name"] == user.display_name


def test_api_me_refuses_a_wrong_token():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
