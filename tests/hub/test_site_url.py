"""Links in e-mails point where the hub is served (HUB_SITE_URL and its defaults)."""

import shlex
import subprocess
from itertools import takewhile

import pytest

from tests.conftest import REPO_ROOT, run_django

# Every address an e-mail links to is built on HUB_SITE_URL: the unsubscribe link (digest,
# reminders), and through hub_context the tickets, waitlist and listing links.
PRINT_LINKS = (
    "import django; django.setup();"
    "from hub.models import User; from hub.notifications import hub_context, unsubscribe_url;"
    "print(hub_context()['site_url']); print(unsubscribe_url(User(pk=1), 'weekly_digest'))"
)


@pytest.fixture(autouse=True)
def _no_site_variables(monkeypatch):
    for name in ("HUB_SITE_URL", "HOST", "PORT", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"):
        monkeypatch.delenv(name, raising=False)


def make_run_environment(*arguments: str) -> dict:
    """The variables `make run ARGUMENTS` sets for the development server (a dry run)."""
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "MAKEFLAGS": ""},
    )
    server = next(line for line in dry_run.stdout.splitlines() if "runserver" in line)
    assignments = takewhile(lambda word: "=" in word, shlex.split(server))
    return dict(word.split("=", 1) for word in assignments)


@pytest.mark.parametrize(
    ("arguments", "served_at"),
    [
        ((), "http://127.0.0.1:8000"),
        (("PORT=8011",), "http://127.0.0.1:8011"),
        (("HOST=localhost", "PORT=9000"), "http://localhost:9000"),
        (("HOST=0.0.0.0", "PORT=8011"), "http://127.0.0.1:8011"),
    ],
)
def test_make_run_links_e_mails_to_the_address_it_serves(arguments, served_at):
    environment = make_run_environment(*arguments)
    assert environment["DEBUG"] == "1"

    result = run_django(environment, PRINT_LINKS)

    site_url, unsubscribe = result.stdout.split()
    assert site_url == served_at, result.stderr
    assert unsubscribe.startswith(f"{served_at}/notifications/unsubscribe/")


@pytest.mark.parametrize(
    ("variables", "site_url"),
    [
        ({"ALLOWED_HOSTS": "hub.example.org,www.hub.example.org"}, "https://hub.example.org"),
        ({"ALLOWED_HOSTS": ".example.org,hub.example.org"}, "https://hub.example.org"),
        ({"ALLOWED_HOSTS": "localhost", "SECURE_SSL_REDIRECT": "0"}, "http://localhost"),
        (
            {"ALLOWED_HOSTS": "hub.example.org", "HUB_SITE_URL": "https://osh.example.net/"},
            "https://osh.example.net",
        ),
    ],
)
def test_production_links_to_its_own_host_name_or_the_address_set(variables, site_url):
    result = run_django({"SECRET_KEY": "x" * 50, **variables}, PRINT_LINKS)

    assert result.stdout.split()[0] == site_url, result.stderr
