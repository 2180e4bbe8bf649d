"""Orders for tests, placed the way the checkout places them (Order.objects.place)."""

from decimal import Decimal

from apps.market.models import CartItem
from apps.orders.models import Order, issue_token, token_nonce
from tests.orders.conftest import order_details


def place_order(user, products, **details):
    """Fill `user`'s cart with `products` ({product: quantity}) and place it."""
    cart = user.cart
    for product, quantity in products.items():
        CartItem.objects.create(cart=cart, product=product, quantity=quantity)
    total = sum((p.price * q for p, q in products.items()), Decimal("0.00"))
    order, created = Order.objects.place(
        cart,
        by=user,
        token=token_nonce(issue_token(user), user),
        total=total,
        language=details.pop("language", "ru"),
        **order_details(**details),
    )
    assert created
    return order
