"""Sessions in the database with a copy in the shared cache (settings.SESSION_ENGINE with Redis),
whose copy never outlives the session.

Django's `cached_db` reads the copy before the database. With Redis errors ignored (shop/cache.py)
a logout during an outage, or while Redis refuses writes, deleted the session's row but not its
copy, and the copy kept the logged-out session logged in for the rest of its age (a stolen cookie
its owner meant to end, say). Here a session is deleted from the cache first and, if the cache
can't be told, not at all: the request answers 503 (`SessionMiddleware`) and the session stays
whole for another try.
"""

from django.contrib.sessions.backends import cached_db
from django.http import HttpResponse
from django.utils.translation import gettext as _


class CacheUnavailable(Exception):
    """The cache could not be told that a session ended."""


class SessionStore(cached_db.SessionStore):
    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is None:
            return
        # django-redis answers None for an error it ignored, True or False otherwise.
        if self._cache.delete(self.cache_key_prefix + session_key) is None:
            raise CacheUnavailable
        super().delete(session_key)


class SessionMiddleware:
    """Answers 503 to a request whose session could not be ended (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CacheUnavailable):
            return None
        message = _("The shop can't do that right now. Please try again in a moment.")
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
