"""What a shopper types into an order (name, address, comment) and product names are text on
every page, fragment and email that shows them (issue 11); the text email keeps them as typed."""

import pytest

from apps.market.models import CartItem
from apps.orders.emails import PLACED, order_email
from tests.escaping import assert_text_not_markup, escape_like_django
from tests.factories import make_category, make_product
from tests.orders.conftest import checkout_form
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db

NAME = "<script>alert('name')</script>"
ADDRESS = '<img src=x onerror=alert("address")>'
COMMENT = "<b onmouseover=alert(1)>comment</b>\n<i>second line</i>"
PRODUCT = '<svg onload=alert("product")>"\'&'


@pytest.fixture
def product(db):
    return make_product(make_category("Кухня"), PRODUCT, "10.00", stock=5)


@pytest.fixture
def order(shopper, product):
    return place_order(shopper, {product: 1}, name=NAME, address=ADDRESS, comment=COMMENT)


def test_the_checkout_page_and_its_refusal(shopper_client, shopper, product, htmx):
    CartItem.objects.create(cart=shopper.cart, product=product, quantity=1)
    assert_text_not_markup(shopper_client.get("/orders/checkout/"), PRODUCT)
    data = checkout_form(shopper_client, name=NAME, address=ADDRESS, comment=COMMENT, phone="1")
    for headers in ({}, htmx):  # the form echoes what was typed
        response = shopper_client.post("/orders/", data, headers=headers)
        assert response.status_code == 422
        assert_text_not_markup(response, PRODUCT, NAME, ADDRESS)
        assert escape_like_django("<b onmouseover=alert(1)>comment</b>") in response.text


def test_the_order_page(client, shopper, staff, order):
    for user in (shopper, staff):
        client.force_login(user)
        response = client.get(f"/orders/{order.pk}/")
        assert_text_not_markup(response, PRODUCT, NAME, ADDRESS)
        # The comment keeps its line break, as text.
        assert "&lt;/b&gt;<br>&lt;i&gt;second line&lt;/i&gt;" in response.text


def test_the_lists_and_the_row(client, shopper, staff, order, htmx):
    client.force_login(staff)
    assert_text_not_markup(client.get("/orders/"), NAME)
    assert_text_not_markup(client.get("/orders/", {"q": NAME}, headers=htmx), NAME)
    refused = client.get("/orders/", {"user": NAME * 10, "date_from": NAME})
    assert refused.status_code == 422
    assert_text_not_markup(refused, NAME)
    row = {**htmx, "HX-Target": f"order-{order.pk}"}
    assert_text_not_markup(client.get(f"/orders/{order.pk}/", headers=row), NAME)
    client.force_login(shopper)
    response = client.get("/orders/")
    assert response.status_code == 200
    assert "<script>" not in response.text


def test_the_email(order):
    message = order_email(order, PLACED, "new")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for text in (NAME, ADDRESS, PRODUCT):
        assert text not in html
        assert escape_like_django(text) in html
    for text in (NAME, ADDRESS, PRODUCT):  # plain text is not HTML: kept as it was typed
        assert text in message.body
