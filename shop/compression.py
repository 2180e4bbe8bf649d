"""Compressed answers: gzip for the shop's pages, fragments and CSV downloads (issue 13).

BREACH (guessing a secret in a compressed page from the lengths of answers to requests that put
the attacker's guesses next to it) is held off as Django holds it off:
- the CSRF token in a page is masked anew for every answer (pages from the page cache get theirs
  as they go out, apps/market/cache.py), so no two answers carry the same string;
- GZipMiddleware pads each compressed answer with up to `max_random_bytes` (100) random bytes
  (Django 4.2+), so lengths can't be compared byte for byte;
- the session and CSRF cookies are SameSite=Lax (Django's default, kept): another site's page
  can't send the many requests with them that the attack needs.
"""

from django.middleware.gzip import GZipMiddleware

# Formats that compress; pictures, archives and fonts are compressed already.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for text only: a picture served by the shop passes untouched
    (gzip would spend CPU on every request to save nothing). Static files never reach it:
    WhiteNoise, above it in MIDDLEWARE, serves its own precompressed copies."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
