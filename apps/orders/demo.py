"""Demo orders for `seed_demo` (debug only): a few orders in every state of the workflow,
placed and moved the way the shop's pages do it, so `make run` shows the staff's order list."""

from apps.market.models import CartItem, Product

from .models import Order, issue_token, token_nonce

# (status it ends in, paid, delivery, how many products, lines' quantity)
DEMO_ORDERS = [
    ("delivered", True, Order.Delivery.COURIER, 2, 1),
    ("shipped", True, Order.Delivery.COURIER, 1, 2),
    ("cancelled", False, Order.Delivery.PICKUP, 1, 1),
    ("confirmed", False, Order.Delivery.PICKUP, 3, 1),
    ("new", False, Order.Delivery.COURIER, 2, 1),
]
PATHS = {
    "new": [],
    "confirmed": ["confirmed"],
    "shipped": ["confirmed", "shipped"],
    "delivered": ["confirmed", "shipped", "delivered"],
    "cancelled": ["cancelled"],
}


def create_demo_orders(shopper, staff):
    """Place DEMO_ORDERS from `shopper`'s cart and move them as `staff`. Returns how many."""
    products = list(Product.objects.filter(stock__gte=5).order_by("pk")[:9])
    for number, (status, paid, delivery, count, quantity) in enumerate(DEMO_ORDERS):
        for product in products[number : number + count]:
            CartItem.objects.create(cart=shopper.cart, product=product, quantity=quantity)
        total = sum(line.line_total for line in shopper.cart.lines())
        order, _created = Order.objects.place(
            shopper.cart,
            by=shopper,
            token=token_nonce(issue_token(shopper), shopper),
            total=total,
            language="ru",
            name="Анна Покупкина",
            email=shopper.email,
            phone="+7 912 345-67-89",
            delivery=delivery,
            address="Москва, ул. Тверская, д. 7, кв. 12" if delivery == "courier" else "",
            comment="Позвоните, пожалуйста, за час до приезда." if number % 2 else "",
            payment=Order.Payment.ON_DELIVERY if number % 2 else Order.Payment.INVOICE,
        )
        for step in PATHS[status]:
            order.move_to(step, by=staff)
        if paid:
            order.move_to(order.status, by=staff, paid=True)
    return len(DEMO_ORDERS)
