"""gunicorn entry point for the benchmark: the shop, and the bare view served by a second Django
handler that loads no middleware, so that it measures Django's request cycle alone."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings

shop = get_wsgi_application()


class BareHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        with override_settings(MIDDLEWARE=[]):
            super().load_middleware(is_async)


bare = BareHandler()


def application(environ, start_response):
    handler = bare if environ.get("PATH_INFO") == "/bench/bare/" else shop
    return handler(environ, start_response)
