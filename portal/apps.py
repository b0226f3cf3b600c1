from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: what combines every app (a person's own data, for now)."""

    name = "portal"
