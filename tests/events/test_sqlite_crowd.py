"""The embedded default under a crowd: 20 people register at once on the SQLite file database.

The test database of the suite is in memory and shared by one connection, so a crowd can only
be seen in a process of its own, on a real file, with the settings `make run` uses. The
negative control runs the same crowd with SQLite's default (deferred) transactions: two
requests both read, neither can then upgrade to write, and one fails with "database is locked".
"""

import json
import shutil

import pytest

from tests.conftest import run_django

SEATS = 5
PEOPLE = 20

CROWD = """
import json, threading, time
import django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.db import connection
if {deferred}:
    settings.DATABASES["default"]["OPTIONS"].pop("transaction_mode")
    connection.settings_dict["OPTIONS"].pop("transaction_mode", None)
from events import services
from tests.events.factories import EventFactory
from tests.factories import UserFactory

event = EventFactory(capacity={seats})
users = UserFactory.create_batch({people})
connection.close()
gate = threading.Barrier({people}, timeout=30)
errors = []

def register(user):
    try:
        gate.wait()
        services.registration_create(event=event, user=user)
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

started = time.monotonic()
threads = [threading.Thread(target=register, args=(user,)) for user in users]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
statuses = list(event.registrations.values_list("status", flat=True))
print(json.dumps({{
    "confirmed": statuses.count("confirmed"),
    "waitlisted": statuses.count("waitlisted"),
    "errors": errors,
    "seconds": round(time.monotonic() - started, 2),
    "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
}}))
"""


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory):
    """A SQLite file with every migration applied, copied by each test."""
    path = tmp_path_factory.mktemp("crowd") / "migrated.sqlite3"
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{path}"}
    result = run_django(
        env, "import django; django.setup(); from django.core.management import call_command;"
        "call_command('migrate', verbosity=0)"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return path


def crowd(migrated_file, tmp_path, *, deferred: bool) -> dict:
    database = tmp_path / "hub.sqlite3"
    shutil.copy(migrated_file, database)
    env = {
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        # The ticket e-mails go to the console, which this test does not read.
        "EMAIL_URL": "dummymail://",
    }
    code = CROWD.format(seats=SEATS, people=PEOPLE, deferred=deferred)
    result = run_django(env, code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_twenty_people_at_once_on_sqlite_get_five_seats_and_fifteen_waitlist_places(
    migrated_file, tmp_path
):
    outcome = crowd(migrated_file, tmp_path, deferred=False)
    assert outcome["errors"] == []
    assert (outcome["confirmed"], outcome["waitlisted"]) == (SEATS, PEOPLE - SEATS)
    assert outcome["journal_mode"] == "wal"


def test_negative_control_deferred_transactions_fail_the_same_crowd(migrated_file, tmp_path):
    outcome = crowd(migrated_file, tmp_path, deferred=True)
    assert any("database is locked" in error for error in outcome["errors"]), outcome
