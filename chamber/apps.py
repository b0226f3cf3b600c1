from django.apps import AppConfig


class ChamberConfig(AppConfig):
    """What the chamber adds beside events and pledges: practice notes members exchange, and
    positions organizations endorse (README, Layout)."""

    name = "chamber"

    def ready(self):
        from chamber.sections import organization_chamber_section
        from directory.sections import register_organization_section

        register_organization_section("chamber", order=30, build=organization_chamber_section)
