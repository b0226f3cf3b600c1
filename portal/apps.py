from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: what combines apps (home, /me/, a person's own data, the digest,
    reminders, demo data)."""

    name = "portal"
