"""/media/: the pictures kept in MEDIA_ROOT, served by the shop itself (WhiteNoise serves only
the static files, which it knows at start). Only when the pictures are kept on the file system:
a bucket (S3_BUCKET) is read by browsers directly."""

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

FOREVER = "public, max-age=31536000, immutable"  # a picture's name changes with its content


@require_safe
def media(request, path):
    """A file under MEDIA_ROOT: Django's `serve` refuses any path that leads outside it, and
    directories (404). The browser may keep it for a year, must take its type as given, and
    runs nothing in it even when opened on its own."""
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:  # a way out of MEDIA_ROOT (`..`): there is nothing there
        raise Http404 from None
    response["Cache-Control"] = FOREVER
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
