"""Uploaded files served by the portal itself, when they live on the local disk.

`make run` and a single server without an S3-compatible storage keep logos under
MEDIA_ROOT; whitenoise only serves the static files collected at build time, so this view
serves /media/. Only files the hub wrote itself live there (logos re-encoded by
`directory.logos`, named by the hash of their content), so an answer never changes and may
be cached for a year. With HUB_MEDIA_S3_BUCKET set, files come from that storage instead.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

# What may be asked for: the folders the hub writes uploads to.
SERVED_FOLDERS = ("logos/",)
MAX_PATH_LENGTH = 200


@require_safe
def media_file(request, path: str):
    if len(path) > MAX_PATH_LENGTH or not path.startswith(SERVED_FOLDERS):
        raise Http404("No such file.")
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError, SuspiciousFileOperation):
        raise Http404("No such file.") from None
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
