from django.conf import settings


def hub(request):
    return {
        "hub_name": settings.HUB_NAME,
        "hub_region": settings.HUB_REGION,
        "hub_postal_address": settings.HUB_POSTAL_ADDRESS,
    }
