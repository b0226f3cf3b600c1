"""Permissions-Policy on every response: the portal uses no camera, microphone, location,
payment or USB device, so no page (nor anything a page embeds) may ask for one.

Django's SecurityMiddleware sets HSTS, nosniff, the referrer policy and the opener policy,
and django-csp the Content-Security-Policy; this header is the one neither of them sends.
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.HUB_PERMISSIONS_POLICY
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
