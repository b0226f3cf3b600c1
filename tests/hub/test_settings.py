from django.db import connection

from tests.conftest import run_django


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django({})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    assert run_django({"SECRET_KEY": "x" * 50}, code).stdout.split() == ["False", "True"]
    assert run_django({"DEBUG": "1"}, code).stdout.split() == ["True", "False"]


def test_embedded_default_needs_no_service():
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER,"
        " settings.CACHES['default']['BACKEND'], settings.EMAIL_BACKEND)"
    )
    result = run_django({"DEBUG": "1"}, code)
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend",
    ], result.stderr


def test_full_stack_variables_switch_to_postgres_redis_and_smtp():
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER,"
        " settings.CELERY_BROKER_URL, settings.CACHES['default']['BACKEND'],"
        " settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)"
    )
    result = run_django(
        {
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://hub@db:5432/hub",
            "REDIS_URL": "redis://redis:6379/0",
            "EMAIL_URL": "smtp://mail:1025",
        },
        code,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://redis:6379/0",
        "hub.rediscache.ResilientRedisCache",
        "django.core.mail.backends.smtp.EmailBackend",
        "mail",
        "1025",
    ], result.stderr


def test_postgresql_plans_for_data_in_memory(postgres):
    """Selective searches use the full-text index rather than scanning whole tables."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
