from django.conf import settings

from hub import languages


def hub(request):
    return {
        "hub_name": settings.HUB_NAME,
        "hub_region": settings.HUB_REGION,
        "hub_postal_address": settings.HUB_POSTAL_ADDRESS,
        # Callables: worked out only by the templates that show them.
        "language_links": lambda: languages.language_links(request),
        "offered_language": lambda: languages.offered_language(request),
    }
