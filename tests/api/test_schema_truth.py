"""The OpenAPI schema says what the API answers; API errors are JSON, pages' errors HTML."""

import pytest
from django.test import Client
from django.urls import path as route


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operation(schema, method: str, path: str) -> dict:
    return schema["paths"][path][method]


def component(schema, name: str) -> dict:
    return schema["components"]["schemas"][name]["properties"]


def test_public_reads_are_declared_anonymous(schema):
    """Anyone reads the directory (its own permission class) and events: `{}` is listed."""
    for path in ("/api/v1/organizations/", "/api/v1/projects/{slug}/", "/api/v1/events/"):
        assert {} in operation(schema, "get", path)["security"], path
    assert {} not in operation(schema, "post", "/api/v1/organizations/")["security"]
    assert {} not in operation(schema, "get", "/api/v1/me/")["security"]


def test_web_addresses_that_may_be_empty_are_plain_strings(schema):
    """ "" is not a uri: a blank-able address is declared without the format."""
    for name, field in [
        ("Project", "homepage"),
        ("Project", "repository_url"),
        ("Organization", "website"),
        ("Contribution", "link"),
        ("Contribution", "project_url"),
    ]:
        declared = component(schema, name)[field]
        assert declared["type"] == "string"
        assert "format" not in declared, (name, field)


def test_fields_that_can_be_null_are_nullable(schema):
    event = component(schema, "Event")
    assert event["seats_left"]["nullable"] is True
    assert event["registration_closed_reason"]["nullable"] is True
    assert component(schema, "Registration")["online_url"]["nullable"] is True
    assert component(schema, "Contribution")["project"]["nullable"] is True


def test_blank_choices_are_in_the_enum(schema):
    """An organization without a size band has "", which the schema allows."""
    size_band = component(schema, "Organization")["size_band"]
    refs = {item["$ref"].rsplit("/", 1)[1] for item in size_band["oneOf"]}
    assert "BlankEnum" in refs


def test_error_answers_are_documented(schema):
    responses = operation(schema, "get", "/api/v1/organizations/{slug}/")["responses"]
    assert {"200", "401", "404"} <= set(responses)
    responses = operation(schema, "post", "/api/v1/projects/")["responses"]
    assert {"201", "400", "401", "403"} <= set(responses)


@pytest.mark.django_db
def test_api_404s_are_json_and_pages_404s_html(client):
    """A path that matches no API route still answers JSON under /api/."""
    for path in ("/api/v1/nowhere/", "/api/v1/events/%E2%9C%93/", "/api/v1/pledges/x1/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert response.json()["detail"] == "Not found."
    response = client.get("/directory/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [route("api/v1/broken/", broken), route("broken/", broken)]
handler500 = "hub.errors.server_error"


@pytest.mark.django_db
@pytest.mark.urls("tests.api.test_schema_truth")
def test_api_500s_are_json_and_pages_500s_html():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/broken/")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred.", "code": "server_error"}
    response = client.get("/broken/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
