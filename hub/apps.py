from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Hub"

    def ready(self):
        from django.conf import settings

        from hub import pagecache

        pagecache.connect_signals()
        if "allauth.socialaccount" in settings.INSTALLED_APPS:
            from hub import social

            social.connect_signals()
