"""What every htmx request needs and no single view should repeat: being sent to log in, and
seeing the messages a change left behind."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.messages import get_messages
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """Turn a redirect to the login page into `HX-Redirect` (status 200) for htmx requests.

    htmx follows a 302 inside its request and would swap the login page into the fragment's place;
    HX-Redirect makes the browser go to the login page (with `next`) instead (SPEC §2).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.htmx
            and response.status_code == 302
            and urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


class HtmxResponseMiddleware:
    """Two things every answer needs once views branch on htmx:

    - `Vary: HX-Request`, so that no cache hands a fragment to a request for the full page;
    - pending messages appended to an htmx fragment as out-of-band toasts. A full page shows
      them from its base template; a fragment has none, so a message would otherwise wait for the
      next full page. Answers that leave the page keep their messages for the page they lead to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ["HX-Request"])
        if (
            request.htmx
            and not response.streaming
            and (response.status_code < 300 or response.status_code == 422)  # what htmx swaps
            and "HX-Redirect" not in response
            and "HX-Location" not in response
            and response.get("Content-Type", "").startswith("text/html")
        ):
            messages = get_messages(request)
            if messages:
                response.write(
                    render_to_string("includes/toasts.html#oob", {"messages": messages}, request)
                )
        return response
