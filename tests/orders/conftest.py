import pytest

from apps.market.models import CartItem
from tests.factories import make_category, make_product


@pytest.fixture
def shelf(db):
    """Two products in stock, in one category."""
    kitchen = make_category("Кухня")
    return {
        "kettle": make_product(kitchen, "Чайник", "1990.00", stock=5),
        "mug": make_product(kitchen, "Кружка", "350.50", stock=10),
    }


@pytest.fixture
def filled_cart(shopper, shelf):
    """The shopper's cart: 2 kettles and 3 mugs (5031.50 ₽)."""
    CartItem.objects.create(cart=shopper.cart, product=shelf["kettle"], quantity=2)
    CartItem.objects.create(cart=shopper.cart, product=shelf["mug"], quantity=3)
    return shopper.cart


def order_details(**changes):
    """A valid order form, but for its token and total."""
    details = {
        "name": "Анна Иванова",
        "email": "anna@example.com",
        "phone": "+7 (912) 345-67-89",
        "delivery": "courier",
        "address": "Москва, ул. Тверская, д. 1, кв. 2",
        "comment": "Позвоните за час",
        "payment": "on_delivery",
    }
    details.update(changes)
    return details


def checkout_form(client, **changes):
    """What the checkout page would post: its token and total plus valid details."""
    response = client.get("/orders/checkout/")
    assert response.status_code == 200
    context = response.context
    return {
        "token": context["token"],
        "total": f"{context['total']:.2f}",
        **order_details(**changes),
    }
