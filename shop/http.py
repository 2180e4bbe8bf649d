"""Request plumbing every view relies on: form bodies in UTF-8, optional trailing slashes, PUT and
DELETE from HTML forms, and the answer that leaves a page after a successful change (SPEC §3)."""

import codecs
import os

from django.conf import settings
from django.core.files import uploadhandler
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import is_valid_path
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

OVERRIDABLE_METHODS = {"PUT", "DELETE"}
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
ACCOUNT_PAGES = "/users/"  # allauth's pages, profiles, account deletion


class FormCharsetMiddleware:
    """Refuse a form body that declares a charset other than UTF-8, with a 400.

    A urlencoded form is UTF-8 by definition, and Django raises BadRequest on reading one that
    declares another charset (`charset=utf-16`). But it raises again on every later read, and
    its own 400 and 500 pages read the body too (for their CSRF token): the client got a 500,
    on any route. So such a body is answered here, before anything reads it. A UTF-8 alias
    (`utf8`, `UTF_8`) is read as the UTF-8 it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.content_type == FORM_CONTENT_TYPE and request.encoding is not None:
            if codecs.lookup(request.encoding).name != "utf-8":
                return HttpResponseBadRequest(
                    _("Form data must be sent in UTF-8."), content_type="text/plain; charset=utf-8"
                )
            request.encoding = "utf-8"
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Keep personal pages out of shared caches and off the disk: `Cache-Control: private,
    no-store` (Django's never_cache headers) on every response made for a logged-in user (the
    cart, profile, orders, history, exports, account pages, and any page whose navbar names
    them) and on every page under /users/ (login, sign-up, password reset with its key in the
    address). A response that sets its own Cache-Control keeps it.

    One rule in one place, so that a new personal view needs nothing to be covered. Visitors'
    catalogue pages are left to cache as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and (
            request.path.startswith(ACCOUNT_PAGES) or for_a_logged_in_user(request)
        ):
            add_never_cache_headers(response)
        return response


def for_a_logged_in_user(request):
    """Whether the response was made for a logged-in user. A response that never read the
    session (/healthz, say) can't have been; asking would read it, and vary on the cookie."""
    return request.session.accessed and request.user.is_authenticated


class OptionalSlashMiddleware:
    """Serve a change sent to a path without its trailing slash as if the slash were there.

    GET keeps CommonMiddleware's APPEND_SLASH: a 301 to the slash form. A redirected POST, PUT or
    DELETE would lose its body, so those reach the slash form's view directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") and not request.path_info.endswith("/"):
            urlconf = getattr(request, "urlconf", None)
            if not is_valid_path(request.path_info, urlconf) and is_valid_path(
                request.path_info + "/", urlconf
            ):
                request.path_info += "/"
                request.path += "/"
        return self.get_response(request)


class MethodOverrideMiddleware:
    """Let HTML forms send PUT and DELETE, and read those verbs' form bodies as a POST's.

    A POST whose body has `_method=PUT` or `_method=DELETE` becomes that verb (the pages work
    without JavaScript); a real PUT or DELETE from htmx has its form body parsed into
    `request.POST`, which Django does for POST only. Views read `request.POST` whatever the verb.

    Django's CSRF check reads the form's token for POST only; for the other verbs it reads the
    X-CSRFToken header, so a PUT/DELETE form's token is passed on in that header. The token is
    still checked; it just may arrive either way, as for a POST.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            override = request.POST.get("_method", "").upper()
            if override in OVERRIDABLE_METHODS:
                request.method = override
        elif request.method in OVERRIDABLE_METHODS:
            parse_form_body(request)
        if request.method in OVERRIDABLE_METHODS and settings.CSRF_HEADER_NAME not in request.META:
            token = request.POST.get("csrfmiddlewaretoken")
            if token:
                request.META[settings.CSRF_HEADER_NAME] = token
        return self.get_response(request)


def parse_form_body(request):
    """Parse a PUT or DELETE body (urlencoded or multipart) into request.POST and request.FILES,
    with Django's own parser and its limits: it parses on first reading of request.POST, and
    only when it believes the verb is POST. Nothing before this middleware reads request.POST."""
    method, request.method = request.method, "POST"
    try:
        request.POST  # noqa: B018 (read for its effect: the body parsed once, and kept)
    finally:
        request.method = method


class TemporaryFileUploadHandler(uploadhandler.TemporaryFileUploadHandler):
    """Django's, for uploads too big to keep in memory (settings.FILE_UPLOAD_HANDLERS), with the
    file name's extension cut to 16 characters: Django names the temporary file after it, and
    a client's 250-character extension made that name too long for the file system, a 500 for
    whoever sent it, before any login or CSRF check."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        stem, extension = os.path.splitext(file_name)
        super().new_file(field_name, stem + extension[:16], *args, **kwargs)


def by_method(**views):
    """One URL, one view per verb: `path("x/<int:pk>/", by_method(GET=show, PUT=update))`.

    Each view does one thing and carries its own permission check; HEAD is answered by the GET
    view, any other verb by 405 with an Allow header.
    """
    if "GET" in views:
        views.setdefault("HEAD", views["GET"])

    def view(request, *args, **kwargs):
        handler = views.get(request.method)
        if handler is None:
            return HttpResponseNotAllowed(sorted(views))
        return handler(request, *args, **kwargs)

    view.views = views  # which view answers which verb (shop.views.csrf_failure asks)
    return view


class HttpResponseSeeOther(HttpResponseRedirect):
    """303: after a change, the browser fetches the next page with GET whatever the verb was."""

    status_code = 303


def leave_page(request, to, *args, **kwargs):
    """Answer a successful change that leaves the page: a 303 to the new page, or for htmx an
    HX-Redirect (htmx would follow a 303 itself and swap the whole new page into a fragment)."""
    url = resolve_url(to, *args, **kwargs)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseSeeOther(url)


def safe_next_url(request, default):
    """The `next` the form or query names if it is a path on this site, else `default`."""
    next_url = request.POST.get("next") or request.GET.get("next")
    if (
        next_url
        and next_url.startswith("/")
        and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return next_url
    return resolve_url(default)
