"""The page cache: a page rendered once and served to everyone it looks the same to, with each
viewer's own parts filled in as it goes out.

The rules
---------

What is kept. The answers of views decorated with `cached_page` (the catalogue's pages and
fragments; a shopper's own cart page): GET and HEAD only (anything else is 405, never a kept page),
answers 200 that set no cookie and that the view did not mark `never_kept`. A path is kept under
its own spelling only (`/market/products/007/` is redirected to `.../7/`), and a page that stops
being one (a 404, a 422) drops the version kept before. Staff, who see edit controls, always get
pages rendered afresh. A page is kept per viewer kind (a visitor, logged in or not, with a session
or not; or a shopper), language, full page or htmx fragment, path, and the query parameters the
view says it reads (`params`), normalised: any other parameter is ignored, empty ones dropped,
whitespace collapsed, each written as the view reads it (numbers without leading zeros, a flag
as 1, a search as typed). The view renders from that normalised address, so the page is the same
whatever spelling asked for it first.

Personal parts. A page rendered for the cache sees nobody in particular (`personal_context`):
its `user` is a stand-in of the kind, logged in or not, never staff, whose names (`username`,
`first_name`, `last_name`, `email`, `get_username`, `get_full_name`, `get_short_name`) are holes;
`cart_badge.count`, `.url` and `.cart_id`, `csrf_token` and `{% idempotency_token %}` are holes
too; `messages` is empty. Every request fills the holes of the page it gets with its own values
(HTML-escaped), and renders each `{% personal "template.html" %}` for itself (one with
`when="messages"`, the toasts, only if it has messages to show). A
hole is a mark made of a random number drawn for that rendering alone, so nothing a visitor sends
(a search for a mark, say) can become one: the parts go only where the template put them. In a
template, show those values but decide nothing on them (a hole is neither empty nor a number);
a part that needs to decide on who is looking goes in a `{% personal %}` template. Read `user`,
never `request.user`. The tags are in templatetags/personal.py.

Versions. A page is kept with the versions it was rendered at, and a page whose versions moved is
rendered again. The catalogue's version (every product, category and picture) is a counter in the
database, moved by `bump()` in the transaction of the change itself, from the receivers only
(receivers.py): on every save and deletion, and on the signals that code changing the catalogue
with `queryset.update()` sends (signals.py). Redis keeps a copy for PAGE_CACHE_VERSION_SECONDS,
dropped when the change commits: a change shows on the next request, and if dropping the copy fails
(Redis refusing writes, a worker killed right after the commit), once the copy expires. A view adds
versions of its own (a cart page: its cart's last change and item count, read with the user).

Stampedes. When the versions of a kept page move, the first request renders it again and marks
the page as being rendered; requests arriving meanwhile get the previous version, with their own
parts, instead of rendering it too.

Bounds. A page is kept from the second time its address is asked for (the first leaves a note of
a few bytes), for SHARED_CACHE_SECONDS. A client (a user; a visitor's address, as allauth finds it
behind the configured proxies) may have the shop render at most PAGE_CACHE_RENDERS_PER_MINUTE
pages a minute, and gets 429 for pages not kept beyond that.

Redis. The page cache is on only with Redis (SHARED_CACHE_SECONDS > 0), which every process
shares: with a cache per process, one worker could not tell the others that a version moved. A
Redis error serves pages uncached, never a 500: the page cache is then off in that process for
OUTAGE_SECONDS and tried again.

Shared parts. A part that looks the same on every page it is on, but for the page's own address
(a product card: `{% product_card %}`), is rendered once in each process for all the pages
rendered for the cache (`shared_part`), under a key that names everything it shows; each page
gets it with its own holes and address. Rendered for nobody in particular, like the page.

Also here: `per_version(name, build)`, a value built once per catalogue version in each process
(the category tree), and `clear()`, which forgets everything kept (tests; a restored database).
"""

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from functools import cached_property, wraps
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.middleware.csrf import get_token
from django.template import Context, engines
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from redis.exceptions import RedisError

from .context_processors import CartBadge
from .models import Version

logger = logging.getLogger(__name__)

CATALOGUE = "catalogue"
VERSION_KEY = "version:catalogue"
LOCK_SECONDS = 5  # the longest a page's previous version stands in while it is rendered again
OUTAGE_SECONDS = 1  # how long the page cache stays off in a process after a Redis error
VISITOR, SHOPPER = "visitor", "shopper"

# The holes a cached page can have: values, and personal templates ("template:<name>").
CSRF_TOKEN, IDEMPOTENCY_TOKEN = "csrf_token", "token"
CART_ID, CART_URL, CART_COUNT = "cart_id", "cart_url", "cart_count"
USER = "user."  # the user's text: "user.username", "user.get_full_name", ...
TEMPLATE = "template:"
WITH_MESSAGES, END = "with messages:", "end"  # around a part rendered again only with messages

PAGE = "page:"  # a hole of a shared part, filled by the page it goes into: "page:here", ...
SHARED_PARTS = 5000  # how many shared parts a process keeps (a product card: 1–2 KB)

# The page being rendered for the cache in this thread, if any; the catalogue version it is for.
_rendering = ContextVar("page_cache_rendering", default=None)
_version = ContextVar("page_cache_version", default=None)


# --- The decorator ------------------------------------------------------------------------------


def cached_page(params=None, vary=None):
    """Keep the view's pages in the page cache (the rules are above).

    `params`: the query parameters the view reads, each mapped to its normaliser (see
    normal_query). `vary(request, *args, **kwargs)`: for a view
    whose page depends on more than the catalogue, `(key parts, versions)`, or None to render
    this one afresh. The view answers GET and HEAD only.
    """

    def decorator(view):
        @require_safe
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return serve(request, view, args, kwargs, params or {}, vary)

        return wrapper

    return decorator


def serve(request, view, args, kwargs, params, vary):
    canonical = canonical_path(request)
    if canonical != request.path:  # /market/products/007/: one address, one kept page
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(canonical + (f"?{query}" if query else ""))
    redis = shared_cache()
    kind = viewer_kind(request.user)
    extra = ((), ()) if vary is None else vary(request, *args, **kwargs)
    if redis is None or kind is None or extra is None:
        return view(request, *args, **kwargs)
    parts, versions = extra
    query = normal_query(request.GET, params)
    key = page_key(request, kind, query, parts)
    fetched = attempt(redis.get_many, [key, lock_key(key), VERSION_KEY])
    if fetched is None:  # Redis is away
        return view(request, *args, **kwargs)
    catalogue = fetched.get(VERSION_KEY)
    if catalogue is None:
        catalogue = read_version(redis)
    current = (catalogue, *versions)
    kept = fetched.get(key)
    if is_page(kept) and (kept[1] == current or fetched.get(lock_key(key)) == current):
        return page_response(request, kept)  # the current page, or the last one while it renders
    if not within_budget(redis, request):
        return too_many_renders()
    # One request renders it again, the one that takes the mark (an atomic add); any other
    # arriving meanwhile gets the last page.
    if is_page(kept) and not attempt(redis.add, lock_key(key), current, LOCK_SECONDS):
        return page_response(request, kept)
    page = None
    try:
        response, page = render(request, view, args, kwargs, kind, query, current)
    finally:
        if page is not None:
            kept_now = page if kept is not None else NOTE
            attempt(redis.set, key, kept_now, settings.SHARED_CACHE_SECONDS)
            if is_page(kept):  # the mark goes with the render, for the next version's
                attempt(redis.delete, lock_key(key))
        elif is_page(kept):
            # The page is no more (a 404 for a deleted product, a 422 for a deleted category):
            # its previous version must not stand in for it while the mark lasts, nor after.
            attempt(redis.delete_many, [key, lock_key(key)])
    return response


def never_kept(response):
    """Mark a view's answer as one the page cache must not keep (a page shown at an address
    that is not its own, such as a page number past the last): it is rendered each time it is
    asked for, and adds nothing to the cache."""
    response.never_kept = True
    return response


def canonical_path(request):
    """The path the view's URL pattern writes for the arguments it was given: ids without
    leading zeros. A pattern without arguments has one spelling, the one that matched."""
    match = request.resolver_match
    if not match.args and not match.kwargs:
        return request.path
    return reverse(match.view_name, args=match.args, kwargs=match.kwargs)


def viewer_kind(user):
    """Whom a cached page is rendered for; None for staff, who get every page rendered afresh."""
    if user.is_staff:
        return None
    return SHOPPER if user.is_authenticated else VISITOR


def normal_query(query, params):
    """The query string a page is kept under and rendered from: `params` only, in that order,
    each with its last value (the one a view reads), whitespace collapsed, then written as its
    normaliser says (`params` maps each name to a function of the value giving the spelling the
    view reads the same: numbers without leading zeros, say), empty ones left out."""
    pairs = []
    for name, normal in params.items():
        value = " ".join(query.get(name, "").split())
        value = normal(value) if value else ""
        if value:
            pairs.append((name, value))
    return urlencode(pairs)


def page_key(request, kind, query, parts):
    htmx = request.headers.get("HX-Request") == "true"
    address = repr((kind, get_language(), htmx, request.path, query, parts))
    return "page:" + hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()


def lock_key(key):
    return "rendering:" + key


# A kept page is ("page", versions, headers, segments); the first ask of an address leaves NOTE.
NOTE = ("note",)


def is_page(kept):
    return isinstance(kept, tuple) and kept[0] == "page"


def page_response(request, page):
    _tag, _versions, headers, segments = page
    response = HttpResponse(fill(request, segments))
    for header, value in headers:
        response[header] = value
    return response


def render(request, view, args, kwargs, kind, query, versions):
    """The view's answer, rendered for the cache from the normalised address and filled for this
    request; and the page to keep, or None if it can't be kept."""
    rendering = Rendering(kind)
    asked = request.GET, request.META.get("QUERY_STRING", "")
    request.GET, request.META["QUERY_STRING"] = QueryDict(query), query
    rendering_token, version_token = _rendering.set(rendering), _version.set(versions[0])
    try:
        response = view(request, *args, **kwargs)
    finally:
        _rendering.reset(rendering_token)
        _version.reset(version_token)
        request.GET, request.META["QUERY_STRING"] = asked
    if response.streaming:
        return response, None
    segments = rendering.segments(response.content)
    response.content = fill(request, segments)
    if (
        response.status_code != 200
        or response.cookies
        or getattr(response, "never_kept", False)
        or not rendering.intact(segments)
    ):
        return response, None
    return response, ("page", versions, list(response.items()), segments)


# --- Personal parts -----------------------------------------------------------------------------


class SomeShopper(AnonymousUser):
    """The viewer a shopper's page is rendered for in the cache: logged in, not staff, and whose
    names are holes, filled for each request with the names of whoever asks."""

    def __init__(self, rendering):
        self.rendering = rendering

    @property
    def is_anonymous(self):
        return False

    @property
    def is_authenticated(self):
        return True

    def get_username(self):
        return self.rendering.hole(USER + "get_username")

    def get_full_name(self):
        return self.rendering.hole(USER + "get_full_name")

    def get_short_name(self):
        return self.rendering.hole(USER + "get_short_name")

    @property
    def username(self):
        return self.rendering.hole(USER + "username")

    @property
    def first_name(self):
        return self.rendering.hole(USER + "first_name")

    @property
    def last_name(self):
        return self.rendering.hole(USER + "last_name")

    @property
    def email(self):
        return self.rendering.hole(USER + "email")

    def __str__(self):
        return self.get_username()


class SomeCartBadge:
    """The cart badge of a shopper's page rendered for the cache: its values are holes."""

    def __init__(self, rendering):
        self.cart_id = rendering.hole(CART_ID)
        self.url = rendering.hole(CART_URL)
        self.count = rendering.hole(CART_COUNT)


class Rendering:
    """One page being rendered for the cache, and the holes it has.

    A hole's mark is the rendering's random number and the hole's own, in digits alone: escaping
    and case filters leave it as it is, and nobody can know it in advance."""

    def __init__(self, kind):
        self.kind = kind
        self.mark = f"{secrets.randbelow(10**30):030}"
        self.holes = {}  # what fills it -> its number
        self.address = {}  # see shared_hole

    def hole(self, what):
        number = self.holes.setdefault(what, len(self.holes))
        return mark_safe(f"{self.mark}{number:04}")  # noqa: S308  (digits)

    def shared_hole(self, what, context):
        """What goes in a hole of a shared part on this page (`context` is the page's): the
        page's address as the template shows it, made once for all the parts on the page; this
        page's own hole for the rest."""
        value = self.address.get(what)
        if value is None:
            if what == PAGE + "here":
                value = escape(context["request"].get_full_path())
            elif what == PAGE + "login_here":
                value = escape(context["login_here"])
            else:
                return self.hole(what)
            self.address[what] = value
        return value

    def context(self):
        """What the page's templates see of the viewer."""
        user = SomeShopper(self) if self.kind == SHOPPER else AnonymousUser()
        context = {
            "user": user,
            "perms": PermWrapper(user),
            "messages": (),
            "csrf_token": self.hole(CSRF_TOKEN),
        }
        if self.kind == SHOPPER:
            context["cart_badge"] = SomeCartBadge(self)
        return context

    def segments(self, content):
        """The content cut at its holes: [text, what fills it, text, ..., text]."""
        fills = {number: what for what, number in self.holes.items()}
        mark = self.mark.encode()
        first, *rest = content.split(mark)
        pieces = [first]
        for piece in rest:  # each starts with its hole's number, unless a filter cut it
            number = int(piece[:4]) if piece[:4].isdigit() else None
            if number in fills:
                pieces += [fills[number], piece[4:]]
            else:
                pieces[-1] += mark + piece  # left as text: intact() refuses to keep the page
        return pieces

    def intact(self, segments):
        """Whether every hole was found whole: a filter that cut or changed one (`truncatechars`,
        say) leaves a page that must not be kept."""
        if any(self.mark[:12].encode() in text for text in segments[::2]):
            logger.warning("A hole of a page rendered for the cache was changed by its template.")
            return False
        return True


def personal_context(request):
    """Context processor: what a page rendered for the cache sees instead of the viewer (last in
    the list, so that it overrides the others)."""
    rendering = _rendering.get()
    return rendering.context() if rendering is not None else {}


def personal_part(context, template_name, when=None):
    """`{% personal "template.html" %}`: the template rendered for this request, a hole in a page
    rendered for the cache. It sees only what the context processors give (the request, user,
    messages, cart badge, language, CSRF token), whichever way the page is served.

    With `when="messages"` (the toasts), a page rendered for the cache has the template rendered
    for nobody (no messages, holes for the rest) between two marks, and only a request that has
    messages to show renders it for itself: for every other request the part is the same."""
    request = context.get("request")
    if request is None:
        return ""
    rendering = _rendering.get()
    if rendering is None:
        return render_to_string(template_name, request=request)
    if when is None:
        return rendering.hole(TEMPLATE + template_name)
    if when != "messages":
        raise ValueError(f'{{% personal %}} takes when="messages", not {when!r}.')
    for_nobody = render_to_string(template_name, request=request)
    return rendering.hole(WITH_MESSAGES + template_name) + for_nobody + rendering.hole(END)


def idempotency_token():
    """`{% idempotency_token %}`: a hidden `token` field with a value drawn for this form alone, so
    that the change it sends is made once however often it is sent (a retry after a lost answer,
    a double click). shop.js draws a new one once the shop has answered."""
    rendering = _rendering.get()
    token = rendering.hole(IDEMPOTENCY_TOKEN) if rendering is not None else new_token()
    return format_html(
        '<input type="hidden" name="token" value="{}" data-idempotency-token>', token
    )


def new_token():
    return secrets.token_urlsafe(16)


def fill(request, segments):
    """The page with this request's own parts in its holes."""
    parts = PersonalParts(request)
    filled = parts.filled
    pieces = [segments[0]]
    holes = iter(segments[1:])
    skipping = False  # a part rendered for nobody, replaced by this request's own rendering
    for what, text in zip(holes, holes, strict=True):
        value = filled.get(what)
        if value is not None and not skipping:  # most holes: a value this request has made
            pieces += (value, text)
        elif what == END:
            skipping = False
            pieces.append(text)
        elif skipping:
            continue
        elif what.startswith(WITH_MESSAGES):
            if get_messages(request):
                pieces.append(parts.fill(TEMPLATE + what.removeprefix(WITH_MESSAGES)))
                skipping = True
            else:
                pieces.append(text)
        else:
            pieces += (parts.fill(what), text)
    return b"".join(pieces)


class PersonalParts:
    """What one request puts in the holes of its page."""

    def __init__(self, request):
        self.request = request
        self.filled = {}  # what fills a hole -> its text, for holes filled alike everywhere
        self.tokens = 0
        self.context = None

    def fill(self, what):
        if what == IDEMPOTENCY_TOKEN:  # a new one for every form, as long as a new_token()
            if not self.tokens:
                self.token_prefix = secrets.token_urlsafe(12)
            self.tokens += 1
            return f"{self.token_prefix}{self.tokens:06}".encode()
        if what not in self.filled:
            self.filled[what] = self.value(what).encode()
        return self.filled[what]

    def value(self, what):
        if what == CSRF_TOKEN:
            return get_token(self.request)
        if what.startswith(TEMPLATE):
            template = get_template(what.removeprefix(TEMPLATE))
            return template.template.render(self.template_context())
        if what.startswith(USER):
            text = getattr(self.request.user, what.removeprefix(USER))
            return escape(text() if callable(text) else text)
        if what == CART_URL:
            return escape(self.badge.url)
        return escape(self.badge.count if what == CART_COUNT else self.badge.cart_id or "")

    @cached_property
    def badge(self):
        """The request's cart badge, read once for all its holes."""
        return CartBadge(self.request.user)

    def template_context(self):
        """What the context processors give, made once for all the personal templates of the
        page, with the page's one CSRF token."""
        if self.context is None:
            engine = engines["django"].engine
            values = {}
            for processor in engine.template_context_processors:
                values.update(processor(self.request))
            values["csrf_token"] = self.fill(CSRF_TOKEN).decode()
            self.context = Context(values, autoescape=engine.autoescape)
        return self.context


# --- Shared parts -------------------------------------------------------------------------------


def shared_part(context, template_name, key, **values):
    """`template_name` rendered with `values` added to `context`, as `{% include %}` does, for a
    part that every page it is on shows alike but for the page's address: `here` (its path and
    query) and `login_here`. On a page rendered for the cache it is rendered once in this
    process per `key`, which must name everything the template shows besides `values`, the
    address and the holes (a product card: the product's fields it shows), with the viewer's
    kind and language; every page gets that rendering with its own holes and address."""
    request = context["request"]

    def rendered(**address):
        template = context.template.engine.get_template(template_name)
        with context.push(values, **address):
            return template.render(context)

    rendering = _rendering.get()
    if rendering is None:
        return rendered(here=request.get_full_path())
    key = (template_name, rendering.kind, get_language(), get_script_prefix(), key)
    segments = _state["parts"].get(key, settings.SHARED_CACHE_SECONDS)
    if segments is None:
        address = {name: rendering.hole(PAGE + name) for name in ("here", "login_here")}
        segments = rendering.segments(rendered(**address).encode())
        if not rendering.intact(segments):  # the page won't be kept either
            return rendered(here=request.get_full_path())
        segments = [piece.decode() if n % 2 == 0 else piece for n, piece in enumerate(segments)]
        _state["parts"].put(key, segments)
    pieces = (
        piece if n % 2 == 0 else rendering.shared_hole(piece, context)
        for n, piece in enumerate(segments)
    )
    return mark_safe("".join(pieces))  # noqa: S308 (a rendered template, its values escaped)


class SharedParts:
    """The shared parts a process keeps, the one used longest ago forgotten first."""

    clock = staticmethod(time.monotonic)

    def __init__(self, size):
        self.size = size
        self.parts = OrderedDict()  # key -> (when it was rendered, the part)
        self.lock = threading.Lock()  # a gunicorn worker's threads share them

    def get(self, key, seconds):
        """The part, if it was rendered within `seconds`: a picture's link may be signed for a
        while only (S3 without a public address), which must outlast a page kept with it."""
        with self.lock:
            kept = self.parts.get(key)
            if kept is None or self.clock() - kept[0] > seconds:
                return None
            self.parts.move_to_end(key)
            return kept[1]

    def put(self, key, part):
        with self.lock:
            self.parts[key] = (self.clock(), part)
            self.parts.move_to_end(key)
            while len(self.parts) > self.size:
                self.parts.popitem(last=False)

    def clear(self):
        with self.lock:
            self.parts.clear()


# This process's: an outage, values kept per_version, shared parts.
_state = {"off_until": 0.0, "kept": {}, "parts": SharedParts(SHARED_PARTS)}


# --- Versions -----------------------------------------------------------------------------------


def bump(name=CATALOGUE):
    """The catalogue changed: call it inside the transaction that changes it, after the change
    (its counter's row is locked until that transaction ends). Only the receivers call it: for
    every saved or deleted product, category and picture, and for the market's own signals sent
    by code that changes them with `queryset.update()` (signals.py)."""
    if name != CATALOGUE:
        raise ValueError(f"No version is called {name!r}.")
    Version.objects.bump(CATALOGUE)
    # Redis's copy goes now, for this connection's next read, and again once the change commits,
    # for everyone's: a request in between reads the version from before the change.
    forget_version()
    transaction.on_commit(forget_version)


def forget_version():
    redis = shared_cache()
    if redis is not None:
        attempt(redis.delete, VERSION_KEY)


def read_version(redis):
    """The catalogue's version from the database, copied to Redis for a few seconds."""
    version = Version.objects.current(CATALOGUE)
    attempt(redis.add, VERSION_KEY, version, settings.PAGE_CACHE_VERSION_SECONDS)
    return version


def catalogue_version():
    """The catalogue's current version, or None while the page cache is off."""
    version = _version.get()
    if version is not None:
        return version
    redis = shared_cache()
    if redis is None:
        return None
    try:
        version = redis.get(VERSION_KEY)
    except RedisError as error:
        outage(error)
        return None
    return read_version(redis) if version is None else version


def per_version(name, build):
    """`build()`, built once per catalogue version in this process while the page cache is on.
    Every request of the process shares the value: read it, never change it."""
    version = catalogue_version()
    if version is None:
        return build()
    kept = _state["kept"].get(name)
    if kept is not None and kept[0] == version:
        return kept[1]
    value = build()
    _state["kept"][name] = (version, value)
    return value


# --- Redis --------------------------------------------------------------------------------------


def shared_cache():
    """The page cache's Redis, or None when the page cache is off."""
    if settings.SHARED_CACHE_SECONDS <= 0 or time.monotonic() < _state["off_until"]:
        return None
    return caches["pages"]


def attempt(operation, *args):
    """A Redis operation; on an error the page cache goes off for a moment, and the answer is
    None."""
    try:
        return operation(*args)
    except RedisError as error:
        outage(error)
        return None


def outage(error):
    now = time.monotonic()
    if now >= _state["off_until"]:
        logger.warning("Redis failed (%s): pages are served uncached for a while.", error)
    _state["off_until"] = now + OUTAGE_SECONDS


def within_budget(redis, request):
    """Whether this client may have one more page rendered this minute."""
    limit = settings.PAGE_CACHE_RENDERS_PER_MINUTE
    if not limit:
        return True
    renders = attempt(count_render, redis, f"renders:{client(request)}:{this_minute()}")
    return renders is None or renders <= limit


def this_minute():
    return int(time.time()) // 60


def count_render(redis, key):
    try:
        return redis.incr(key)
    except ValueError:  # the client's first this minute
        redis.set(key, 1, 90)
        return 1


def client(request):
    """Who is asking: a user, or a visitor's address (allauth's, which knows the proxies)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    try:
        return f"address:{get_adapter(request).get_client_ip(request)}"
    except (PermissionDenied, ImproperlyConfigured):
        return "address:unknown"


def too_many_renders():
    response = HttpResponse(
        _("Too many pages asked for at once. Try again in a minute."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def clear():
    """Forget every page and version kept, in Redis and in this process."""
    caches["pages"].clear()
    _state["kept"].clear()
    _state["parts"].clear()
    _state["off_until"] = 0.0
