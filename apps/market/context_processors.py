from django.db.models import Sum
from django.utils.functional import cached_property

from .models import CartItem


class CartBadge:
    """The navbar's cart badge. The count is queried only if the page shows it (fragments don't)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self):
        total = CartItem.objects.filter(cart__owner=self.user).aggregate(n=Sum("quantity"))["n"]
        return total or 0


def cart_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"cart_badge": CartBadge(user)}
