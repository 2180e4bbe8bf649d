from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from .models import Cart


class CartBadge:
    """The navbar's cart badge: the user's cart and how many items it holds. Queried once, and
    only if the page shows it (fragments don't)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _cart(self):
        cart = Cart.objects.filter(owner=self.user).annotate(
            count=Coalesce(Sum("items__quantity"), 0)
        )
        return cart.values_list("pk", "count").first() or (None, 0)

    @property
    def cart_id(self):
        return self._cart[0]

    @property
    def count(self):
        return self._cart[1]


def cart_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"cart_badge": CartBadge(user)}
