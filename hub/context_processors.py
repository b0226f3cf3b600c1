import functools

from django.conf import settings

from hub import languages


def hub(request):
    return {
        "hub_name": settings.HUB_NAME,
        "hub_region": settings.HUB_REGION,
        "hub_postal_address": settings.HUB_POSTAL_ADDRESS,
        # Callables: worked out only by the templates that show them, once per request
        # (the header, the footer and the offer all read the links).
        "language_links": functools.cache(lambda: languages.language_links(request)),
        "language_offer": functools.cache(lambda: languages.language_offer(request)),
    }
