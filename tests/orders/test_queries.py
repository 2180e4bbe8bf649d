"""The order pages run a fixed number of queries whatever the number of lines or orders, and
placing an order costs the same whatever the size of the cart (SPEC §8, issue 11)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.market.models import CartItem, Category, Product
from apps.orders.models import Order
from tests.orders.conftest import checkout_form
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


def fill_cart(user, lines):
    category, _ = Category.objects.get_or_create(name="Полка")
    products = Product.objects.bulk_create(
        Product(name=f"Товар {n}", price=Decimal(10 + n), stock=1000, category=category)
        for n in range(lines)
    )
    CartItem.objects.bulk_create(
        CartItem(cart=user.cart, product=product, quantity=2) for product in products
    )
    return products


def place_orders(user, count, lines=3):
    orders = []
    for _ in range(count):
        products = fill_cart(user, lines)
        user.cart.items.all().delete()
        orders.append(place_order(user, dict.fromkeys(products, 1)))
    return orders


@pytest.mark.parametrize("lines", [1, 25])
def test_checkout_page(shopper_client, shopper, django_assert_num_queries, lines):
    fill_cart(shopper, lines)
    # the session with the user and the navbar's badge; the cart, its lines with products; the
    # last order
    with django_assert_num_queries(4):
        response = shopper_client.get("/orders/checkout/")
    assert len(response.context["lines"]) == lines


@pytest.mark.parametrize("lines", [1, 25])
def test_placing_an_order(shopper_client, shopper, lines):
    fill_cart(shopper, lines)
    form = checkout_form(shopper_client)
    with CaptureQueriesContext(connection) as captured:
        response = shopper_client.post("/orders/", form)
    assert response.status_code == 303
    # the session with the user, the cart; in the transaction: the cart's lock, an order with
    # this token, the lines, the products' locks, the stock (one UPDATE), the catalogue's
    # version (one UPDATE: the page cache), the order, its lines (one INSERT), emptying the cart
    # (its lines, their deletion, its last change), the history record. (The test's own
    # transaction turns the order's into a savepoint: not counted.)
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 14, "\n".join(statements)
    assert Order.objects.get().lines.count() == lines


@pytest.mark.parametrize("lines", [1, 25])
def test_order_page(client, shopper, staff, django_assert_num_queries, lines):
    (order,) = place_orders(shopper, 1, lines)
    for user in (shopper, staff):  # staff see the status form too
        client.force_login(user)
        # the session with the user and the navbar's badge, the order with its owner, its lines
        with django_assert_num_queries(3):
            response = client.get(f"/orders/{order.pk}/")
        assert len(response.context["lines"]) == lines


@pytest.mark.parametrize("count", [2, 30])
def test_shoppers_order_list(shopper_client, shopper, django_assert_num_queries, count):
    place_orders(shopper, count)
    # the session with the user and the badge, the count for the pages, one page of orders with
    # their item counts
    with django_assert_num_queries(3):
        response = shopper_client.get("/orders/")
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.parametrize("count", [2, 30])
def test_staff_order_list(staff_client, make_user, django_assert_num_queries, count):
    place_orders(make_user("buyer"), count)
    # the same, the page's orders with their owners; the filters cost nothing more
    with django_assert_num_queries(3):
        response = staff_client.get("/orders/", {"status": "new", "q": "Анна"})
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.parametrize("count", [2, 30])
def test_the_staff_row_after_a_change(staff_client, make_user, django_assert_num_queries, count):
    orders = place_orders(make_user("buyer"), count)
    headers = {"HX-Request": "true", "HX-Target": f"order-{orders[0].pk}"}
    # the session with the user, the order, the row (the order with its item count and owner)
    with django_assert_num_queries(3):
        response = staff_client.get(f"/orders/{orders[0].pk}/", headers=headers)
    assert response.status_code == 200
