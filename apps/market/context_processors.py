from urllib.parse import quote

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property

from shop.links import url_by_pk

from .models import Cart


class CartBadge:
    """The navbar's cart badge: the user's cart, how many items it holds and when it last
    changed. Read with the user when the backend brought them (backends.py), else queried once,
    and only if the page shows it. `fresh=True` queries again: the badge after a change."""

    def __init__(self, user, fresh=False):
        self.user = user
        self.fresh = fresh

    @cached_property
    def _cart(self):
        if not self.fresh and hasattr(self.user, "badge_count"):
            user = self.user
            found = user.badge_cart_id, user.badge_count, user.badge_cart_updated
        else:
            carts = Cart.objects.filter(owner=self.user)
            carts = carts.annotate(count=Coalesce(Sum("items__quantity"), 0))
            found = carts.values_list("pk", "count", "updated").first()
        if found is None or found[0] is None:
            # Every account has its cart from the start; one deleted since (in the admin) is
            # made again, so that an add-to-cart form always has a cart to go to.
            cart, _created = Cart.objects.get_or_create(owner=self.user)
            found = cart.pk, 0, cart.updated
        return found

    @property
    def cart_id(self):
        return self._cart[0]

    @property
    def count(self):
        return self._cart[1]

    @property
    def updated(self):
        return self._cart[2]

    @property
    def url(self):
        """The cart's page, where the add-to-cart forms send their change."""
        return url_by_pk("market:cart_detail", self.cart_id)  # on every page: no reverse()


def cart_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"cart_badge": CartBadge(user)}


def login_here(request):
    """`login_here`: the login page's address, coming back to this page after (`?next=`). A
    visitor's product list shows it on every card's add-to-cart button: worked out once for
    the page, when first shown, instead of a `{% url %}` and a quoted path for each card."""
    return {"login_here": SimpleLazyObject(lambda: login_url(request))}


def login_url(request):
    return f"{reverse('account_login')}?next={quote(request.get_full_path())}"
