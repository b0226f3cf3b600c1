from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"

    def ready(self):
        from directory.sections import register_organization_section
        from events.sections import organization_events_section

        register_organization_section("events", order=20, build=organization_events_section)
