"""Every answer carries the security headers under production settings: a page, the API,
and error answers (an HTML 404 and a JSON 404)."""

import pytest

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/", 200, "text/html"),
        ("/directory/", 200, "text/html"),
        ("/api/v1/events/", 200, "application/json"),
        ("/api/schema/", 200, "application/vnd.oai.openapi"),
        ("/no-such-page/", 404, "text/html"),
        ("/api/v1/no-such-endpoint/", 404, "application/json"),
        ("/api/v1/organizations/no-such-organization/", 404, "application/json"),
    ],
)
def test_security_headers_on_pages_api_and_errors(client, path, status, content_type):
    """HSTS needs a secure request (tests serve production settings over plain HTTP)."""
    response = client.get(path, secure=True)
    assert response.status_code == status
    assert response["Content-Type"].startswith(content_type)
    assert_security_headers(response)


def test_production_settings_keep_the_headers_on(settings):
    """The test settings are production's (DEBUG off): nothing here is switched on by hand."""
    assert settings.DEBUG is False
    assert settings.SECURE_HSTS_SECONDS == 31536000
    assert "hub.headers.PermissionsPolicyMiddleware" in settings.MIDDLEWARE
