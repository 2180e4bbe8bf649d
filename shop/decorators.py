"""Access rules shared by the apps' views (SPEC §2)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def staff_required(view):
    """Staff only (SPEC §2): a visitor is sent to log in, a logged-in shopper gets 403.

    Django's staff_member_required would send the shopper to a login page they can't use.
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
