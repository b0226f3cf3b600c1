"""Demo data for `seed_demo`: fictional people of a fictional regional hub."""

from allauth.account.models import EmailAddress

from hub.models import User

DEMO_PASSWORD = "demo-password"  # noqa: S105 - a published password for local demo data only

DEMO_PEOPLE = [
    ("admin@hub.example", "Hub Staff", True),
    ("maya.okafor@example.org", "Maya Okafor", False),
    ("luis.ferreira@example.org", "Luis Ferreira", False),
    ("priya.raman@example.org", "Priya Raman", False),
    ("sam.whitfield@example.org", "Sam Whitfield", False),
    ("ada.nguyen@example.org", "Ada Nguyen", False),
]


def seed_people() -> list[User]:
    """Create the demo accounts once, verified, so they can sign in straight away."""
    people = []
    for email, display_name, is_staff in DEMO_PEOPLE:
        person, created = User.objects.get_or_create(
            email=email,
            defaults={"display_name": display_name, "is_staff": is_staff, "is_superuser": is_staff},
        )
        if created:
            person.set_password(DEMO_PASSWORD)
            person.save(update_fields=["password"])
            EmailAddress.objects.create(user=person, email=email, primary=True, verified=True)
        people.append(person)
    return people
