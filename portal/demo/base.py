"""What every demo loader shares: reading a file, naming refusals, finding people."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError

from hub.models import User


class DemoError(Exception):
    """A demo file names something the product refuses or does not know; the message says
    which entry and why."""


def read(app_label: str, name: str) -> dict:
    """The demo file `name` in the app's demo/ folder, parsed."""
    path = Path(apps.get_app_config(app_label).path) / "demo" / name
    with path.open(encoding="utf-8") as file:
        return yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader, libyaml's when built with it


def refusal_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "not allowed"
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


@contextmanager
def entry(where: str) -> Iterator[None]:
    """Turn a service's refusal inside the block into a DemoError naming the file's entry."""
    try:
        yield
    except (ValidationError, PermissionDenied) as error:
        raise DemoError(f"{where}: refused: {refusal_text(error)}") from error


class People(dict):
    """Demo people by e-mail; an unknown address is a DemoError, not a KeyError."""

    def __missing__(self, email: str) -> User:
        raise DemoError(f"Unknown person {email!r}: add them to a demo file first.")

    @property
    def staff(self) -> User:
        for person in self.values():
            if person.is_staff:
                return person
        raise DemoError("hub/demo/people.yaml names no staff account.")


def people_without_login(rows: list[dict]) -> dict[str, User]:
    """Fictional people who appear in the demo but cannot sign in (created once)."""
    people = {}
    for row in rows:
        person, created = User.objects.get_or_create(
            email=row["email"], defaults={"display_name": row["name"]}
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        people[person.email] = person
    return people


def load_people(data: dict) -> People:
    """The demo accounts, verified, so they can sign in straight away. Idempotent."""
    people = People()
    # One hash for the one published password: hashing is slow on purpose.
    password = make_password(data["password"])
    for row in data["accounts"]:
        staff = row.get("staff", False)
        person, created = User.objects.get_or_create(
            email=row["email"],
            defaults={"display_name": row["name"], "is_staff": staff, "is_superuser": staff},
        )
        if created:
            person.password = password
            person.save(update_fields=["password"])
            EmailAddress.objects.create(
                user=person, email=person.email, primary=True, verified=True
            )
        people[person.email] = person
    return people
