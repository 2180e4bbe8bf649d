from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
def healthz(request):
    """Liveness for load balancers: `ok` once the database answers. No session, no template, so
    it stays cheap and says nothing about users."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@cache_control(public=True, max_age=60 * 60 * 24)
def robots_txt(request):
    """/robots.txt: the catalogue is for search engines, accounts and staff pages are not.
    Template: robots.txt (no context: the same for everyone, so no session either)."""
    return HttpResponse(render_to_string("robots.txt"), content_type="text/plain; charset=utf-8")


def csrf_failure(request, reason=""):
    """A change refused for a missing or wrong CSRF token (settings.CSRF_FAILURE_VIEW).

    A visitor who is not logged in, sending a change to a page that needs a login, is sent to
    log in first, as for any other request there (SPEC §2): the redirect changes nothing, and
    the login form brings a token of its own. Everyone else gets Django's 403.
    """
    if not request.user.is_authenticated and needs_login(request):
        return redirect_to_login(request.get_full_path())
    return django_csrf_failure(request, reason)


def needs_login(request):
    """Whether the view that would answer this request is one for logged-in users only."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    view = getattr(view, "views", {}).get(request.method, view)  # shop.http.by_method
    return getattr(view, "requires_login", False)
