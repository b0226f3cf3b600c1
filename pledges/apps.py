from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"

    def ready(self):
        from directory.sections import register_organization_section
        from pledges.asks import tasks  # noqa: F401 - registers the asks' Celery tasks
        from pledges.asks.sections import organization_asks_section
        from pledges.sections import organization_pledges_section

        register_organization_section("pledges", order=10, build=organization_pledges_section)
        register_organization_section("asks", order=15, build=organization_asks_section)
