"""A URLconf for testing the request plumbing in isolation: views that echo what they received."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from shop.http import leave_page


def echo(request):
    return JsonResponse(
        {
            "method": request.method,
            "path": request.path,
            "post": {key: request.POST.getlist(key) for key in request.POST},
            "files": sorted(request.FILES),
        }
    )


def fragment_with_message(request):
    messages.success(request, "Saved <everything>")
    return HttpResponse("<p>fragment</p>")


def picture(request):
    """Bytes of an already compressed format, big enough to be worth compressing if they were
    text."""
    return HttpResponse(b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096, content_type="image/png")


def leave_with_message(request):
    messages.success(request, "Moved on")
    return leave_page(request, "/elsewhere/")


urlpatterns = [
    path("echo/", echo),
    path("private/", login_required(echo)),
    path("fragment/", fragment_with_message),
    path("leave/", leave_with_message),
    path("picture/", picture),
    path("", include("shop.urls")),  # the shop's own pages, which error pages and toasts link to
]
