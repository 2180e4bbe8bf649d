"""Access rules shared by the apps' views (SPEC §2)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def staff_required(view):
    """A staff-only view: a visitor is sent to log in (as `login_required` does), a logged-in
    user who is not staff gets 403. `user_passes_test` would send both to the login page, which
    only loops for someone already logged in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)
