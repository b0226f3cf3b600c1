import json

import pytest

from tests.conftest import free_port, run_django

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part_and_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["database"] == "ok"
    assert report["cache"] == "ok"
    assert report["broker"] == "eager"
    assert report["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_the_real_broker_when_jobs_go_to_redis(client, redis_url, celery_conf):
    celery_conf(task_always_eager=False)
    assert client.get("/healthz").json()["broker"] == "ok"


def test_healthz_reports_broker_error_and_stays_200_when_redis_is_unreachable(client, celery_conf):
    celery_conf(task_always_eager=False, broker_url=f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "error"


def test_healthz_reports_cache_error_when_the_cache_server_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "error"


def healthz_in_a_fresh_process(database_url: str) -> tuple[int, dict]:
    """Ask /healthz in a new process whose database really cannot be reached."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    result = run_django(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "insecure-key-for-the-test-suite-only",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
        },
        code,
    )
    status, body = result.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param("postgres://postgres@127.0.0.1:{port}/hub", id="postgres-port-closed"),
        pytest.param("sqlite:////nonexistent-directory/hub.sqlite3", id="sqlite-path-missing"),
    ],
)
def test_healthz_answers_503_when_the_database_is_unreachable(database_url):
    status, report = healthz_in_a_fresh_process(database_url.format(port=free_port()))
    assert status == 503
    assert report["database"] == "error"
    assert report["status"] == "error"
    assert report["cache"] == "ok"
