from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: what combines apps (home, /me/, a person's own data, the digest,
    reminders, demo data)."""

    name = "portal"

    def ready(self):
        from directory.sections import register_organization_section
        from portal.sections import organization_events_section

        register_organization_section("events", order=20, build=organization_events_section)
