"""The shop's page cache: the catalogue pages visitors see, a shopper's cart page, and the
category tree.

What is cached is checked against versions: tokens that change when what the page shows changes.
"catalogue" changes whenever a product or a category is saved or deleted, "cart:<id>" whenever
a line of that cart does (Cart.change_line and the receivers). A staff edit or a cart
change therefore shows on the very next request, on every app server sharing the cache.

The cache is on only when every process shares it (`SHARED_CACHE_SECONDS`, set when REDIS_URL
is): with a per-process cache, one gunicorn worker could not tell the others that a version moved.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# What a page rendered for the cache holds where the visitor's CSRF token belongs. Plain
# letters, so that HTML escaping leaves it as it is.
CSRF_PLACEHOLDER = "csrftokenplaceholder0c4f9e"


def enabled():
    return settings.SHARED_CACHE_SECONDS > 0


def version_key(name):
    return f"version:{name}"


def current_versions(names, found=None):
    """The current token of each version name. A token the cache lost is replaced by a new one,
    which makes a miss, never a stale hit. `found` has tokens already fetched."""
    found = found or {}
    versions = []
    for name in names:
        token = found.get(version_key(name)) or cache.get(version_key(name))
        if token is None:
            cache.add(version_key(name), uuid.uuid4().hex, timeout=None)
            token = cache.get(version_key(name))
        versions.append(token)
    return tuple(versions)


def bump(*names):
    """What these versions cover has changed. Bumped now and again once the transaction commits:
    a page rendered in between, from data not yet committed, is not kept."""
    if not enabled():
        return

    def new_tokens():
        cache.set_many({version_key(name): uuid.uuid4().hex for name in names}, timeout=None)

    new_tokens()
    transaction.on_commit(new_tokens)


def bump_catalogue_version(**kwargs):
    """A signal receiver for products and categories: the catalogue changed."""
    bump("catalogue")


def cached(name, build):
    """`build()`, remembered until the catalogue changes."""
    if not enabled():
        return build()
    (version,) = current_versions(["catalogue"])
    key = f"catalogue:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.SHARED_CACHE_SECONDS)
    return value


def csrf_placeholder(request):
    """Context processor: a page rendered for the cache gets a placeholder for the CSRF token
    (it overrides Django's own `csrf_token`, which would be this one visitor's)."""
    if getattr(request, "rendering_for_cache", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def page_key(request, parts):
    """Where the page for this request is kept: its key parts, the language, the kind of request
    (a full page or an htmx fragment) and the address, query included."""
    htmx = request.headers.get("HX-Request") == "true"
    page_id = repr((parts, get_language(), htmx, request.get_full_path()))
    return "page:" + hashlib.md5(page_id.encode(), usedforsecurity=False).hexdigest()


def fetch_page(key, names):
    """The current versions of `names`, and the page kept at `key` if it was rendered for
    exactly those (else None): one round trip to the cache."""
    fetched = cache.get_many([key, *map(version_key, names)])
    versions = current_versions(names, fetched)
    page = fetched.get(key)
    return versions, page if page is not None and page[0] == versions else None


def with_csrf_token(request, response):
    """The response with this visitor's CSRF token where the placeholder is."""
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        token = get_token(request).encode()  # sets the CSRF cookie if need be
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), token)
    return response


def page_response(request, page):
    """A kept page, (versions, content, content type), as this visitor's response."""
    _versions, content, content_type = page
    return with_csrf_token(request, HttpResponse(content, content_type=content_type))


def cached_page(state):
    """Cache a page for those it looks the same to.

    `state(request, *args, **kwargs)` says what the page depends on beyond the catalogue, the
    language, the address and the kind of request: a pair (key parts, version names), or None
    when the page must be rendered afresh. The CSRF token in its forms is the one personal
    part; it is put in for each request as the page goes out. Pages with messages to show and
    answers other than 200 are never cached. A hit costs one round trip to the cache.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            found = state(request, *args, **kwargs) if enabled() else None
            if found is None or get_messages(request):
                return view(request, *args, **kwargs)
            parts, names = found
            key = page_key(request, parts)
            versions, page = fetch_page(key, ("catalogue", *names))
            if page is not None:
                return page_response(request, page)
            request.rendering_for_cache = True
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                page = (versions, response.content, response["Content-Type"])
                cache.set(key, page, settings.SHARED_CACHE_SECONDS)
            return with_csrf_token(request, response)

        return wrapper

    return decorator


def visitors_only(request, *args, **kwargs):
    """A catalogue page looks the same to every visitor who is not logged in."""
    return None if request.user.is_authenticated else ((), ())


cache_page_for_visitors = cached_page(visitors_only)


class VisitorPageMiddleware:
    """The short way for the commonest request: a visitor with no session and no pending message
    asking for a catalogue page that is in the cache already (put there by
    cache_page_for_visitors, under the same key).

    Such a visitor is not logged in, so the page is theirs as it is: served right after the
    CSRF middleware (which sets their token's cookie on the way out), before URL resolution and
    the rest of the stack. Everything else, misses included, goes on as usual. It adds the
    headers the skipped middleware would have added to the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and enabled()
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
        ):
            _versions, page = fetch_page(page_key(request, ()), ("catalogue",))
            if page is not None:
                response = page_response(request, page)
                patch_vary_headers(response, ["Cookie", "HX-Request"])
                return response
        return self.get_response(request)
