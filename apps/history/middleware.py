"""Who is making the current request, for receivers of signals that carry no request.

A user's pre_delete or a profile's post_save doesn't say who asked for it; the history must.
The user is kept as the request's lazy object, so a request that records nothing loads nothing.
"""

from contextvars import ContextVar

_request_user = ContextVar("history_request_user", default=None)


def current_actor():
    """The logged-in user behind the current request, or None (a visitor, a command, a test)."""
    user = _request_user.get()
    if user is not None and user.is_authenticated:
        return user._wrapped if hasattr(user, "_wrapped") else user
    return None


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _request_user.reset(token)
