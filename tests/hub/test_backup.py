"""`make backup` and `make restore` (pg_dump's custom format): a seeded database dumped and
restored into a fresh one has the same rows in every table."""

import os
import subprocess
import uuid
from contextlib import contextmanager

import psycopg2
import pytest
from django.db import connection

from tests.conftest import REPO_ROOT, database_url_for_workers, run_django

SEED = (
    "import django; django.setup()\n"
    "from django.core.management import call_command\n"
    "call_command('migrate', verbosity=0)\n"
    "call_command('seed_demo', verbosity=0)\n"
)


def server_url(database: str) -> str:
    """The test database's server, another database on it."""
    return database_url_for_workers().rsplit("/", 1)[0] + f"/{database}"


@contextmanager
def cursor_on(database: str):
    conn = psycopg2.connect(server_url(database))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()


@pytest.fixture
def databases(postgres):
    """Two empty databases of their own on the test server, dropped afterwards."""
    names = [f"backup_{role}_{uuid.uuid4().hex[:8]}" for role in ("seeded", "restored")]
    maintenance = connection.settings_dict["NAME"]
    with cursor_on(maintenance) as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')  # noqa: S608 - our own generated name
    yield names
    with cursor_on(maintenance) as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(database: str) -> dict[str, int]:
    with cursor_on(database) as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - catalog names
            counts[table] = cursor.fetchone()[0]
    return counts


def make(target: str, **variables: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MAKEFLAGS": ""}
    arguments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        ["make", "--no-print-directory", target, *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_restored_backup_has_every_row(databases, tmp_path):
    seeded, restored = databases
    result = run_django({"DATABASE_URL": server_url(seeded), "DEBUG": "1"}, SEED)
    assert result.returncode == 0, result.stderr
    before = row_counts(seeded)
    assert before["directory_organization"] > 0
    assert before["events_registration"] > 0
    assert before["pledges_contribution"] > 0

    backup = make("backup", DATABASE_URL=server_url(seeded), BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    (dump,) = tmp_path.glob("hub-*.dump")
    assert dump.read_bytes()[:5] == b"PGDMP"  # the custom format

    restore = make("restore", DATABASE_URL=server_url(restored), FILE=str(dump))
    assert restore.returncode == 0, restore.stderr
    assert row_counts(restored) == before


def test_restore_replaces_what_the_database_held(databases, tmp_path):
    """--clean: restoring over a database that drifted brings back the backup's rows."""
    seeded, _ = databases
    result = run_django({"DATABASE_URL": server_url(seeded), "DEBUG": "1"}, SEED)
    assert result.returncode == 0, result.stderr
    before = row_counts(seeded)
    assert make("backup", DATABASE_URL=server_url(seeded), BACKUP_DIR=str(tmp_path)).returncode == 0
    with cursor_on(seeded) as cursor:
        # The logs' evidence goes first: it refers to them.
        cursor.execute("DELETE FROM pledges_contributionevidence")
        cursor.execute("DELETE FROM pledges_contribution")
    assert row_counts(seeded)["pledges_contribution"] == 0

    (dump,) = tmp_path.glob("hub-*.dump")
    restore = make("restore", DATABASE_URL=server_url(seeded), FILE=str(dump))
    assert restore.returncode == 0, restore.stderr
    assert row_counts(seeded) == before


def test_backup_and_restore_refuse_without_a_database():
    result = make("backup", DATABASE_URL="")
    assert result.returncode != 0
    assert "Set DATABASE_URL" in result.stderr
    result = make("restore", DATABASE_URL="postgres://nowhere/x", FILE="/no/such.dump")
    assert result.returncode != 0
    assert "Set FILE" in result.stderr
