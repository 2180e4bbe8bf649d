"""Access rules shared by the apps' views (SPEC §2).

Views that need a login are marked (`requires_login`), so that a visitor's change refused for its
CSRF token can still be sent to log in first (shop.views.csrf_failure).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required as django_login_required
from django.core.exceptions import PermissionDenied


def login_required(view):
    """Django's login_required (a visitor is sent to log in with `next`), marked as such."""
    wrapper = django_login_required(view)
    wrapper.requires_login = True
    return wrapper


def staff_required(view):
    """Staff only: a visitor is sent to log in, a logged-in shopper gets 403.

    Django's staff_member_required would send the shopper to a login page they can't use.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)
