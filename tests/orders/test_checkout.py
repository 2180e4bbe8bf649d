"""The checkout (SPEC §8): the page, placing an order, and every refusal, which changes nothing."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from apps.market.models import CartItem, Product
from apps.orders.models import Order, issue_token
from tests.orders.conftest import checkout_form

pytestmark = pytest.mark.django_db


def stock(product):
    return Product.objects.get(pk=product.pk).stock


def snapshot():
    return (
        list(Product.objects.order_by("pk").values_list("pk", "stock")),
        list(CartItem.objects.order_by("pk").values_list()),
        list(Order.objects.values_list("pk")),
    )


def test_the_page_shows_the_lines_the_total_and_a_filled_form(shopper_client, filled_cart):
    response = shopper_client.get("/orders/checkout/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.text
    assert "Чайник" in html
    assert "Кружка" in html
    assert "₽5,031.50" in html
    form = response.context["form"]
    assert form.initial["name"] == "Анна Иванова"
    assert form.initial["email"] == "shopper@example.com"
    assert 'name="token"' in html
    assert 'name="total" value="5031.50"' in html


def test_the_form_starts_from_the_last_order(shopper_client, shopper, filled_cart):
    data = checkout_form(shopper_client, phone="+7 900 000-00-00", name="Анна")
    assert shopper_client.post("/orders/", data).status_code == 303
    CartItem.objects.create(cart=filled_cart, product=Product.objects.first(), quantity=1)
    initial = shopper_client.get("/orders/checkout/").context["form"].initial
    assert initial["phone"] == "+7 900 000-00-00"
    assert initial["name"] == "Анна"
    assert initial["delivery"] == "courier"


def test_an_empty_cart_leads_back_to_the_cart(shopper_client, shopper):
    response = shopper_client.get("/orders/checkout/")
    assert response.status_code == 302
    assert response["Location"] == f"/market/cart/{shopper.cart.pk}/"


def test_placing_an_order(shopper_client, shopper, shelf, filled_cart):
    data = checkout_form(shopper_client)
    response = shopper_client.post("/orders/", data)
    order = Order.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.user == shopper
    assert (order.status, order.paid) == ("new", False)
    assert order.total == Decimal("5031.50")
    assert order.address == "Москва, ул. Тверская, д. 1, кв. 2"
    assert order.language == "ru"
    lines = list(order.lines.values_list("name", "price", "quantity", "product"))
    assert lines == [
        ("Чайник", Decimal("1990.00"), 2, shelf["kettle"].pk),
        ("Кружка", Decimal("350.50"), 3, shelf["mug"].pk),
    ]
    assert stock(shelf["kettle"]) == 3
    assert stock(shelf["mug"]) == 7
    assert not filled_cart.items.exists()


def test_htmx_gets_hx_redirect(shopper_client, filled_cart, htmx):
    response = shopper_client.post("/orders/", checkout_form(shopper_client), headers=htmx)
    assert response.status_code == 200
    assert response["HX-Redirect"] == Order.objects.get().get_absolute_url()


def test_the_language_of_the_page_is_kept_on_the_order(shopper_client, filled_cart):
    data = checkout_form(shopper_client)
    shopper_client.post("/orders/", data, headers={"Accept-Language": "en"})
    assert Order.objects.get().language == "en"


def test_pickup_keeps_no_address(shopper_client, filled_cart):
    shopper_client.post("/orders/", checkout_form(shopper_client, delivery="pickup"))
    assert Order.objects.get().address == ""


def test_the_same_token_twice_places_one_order(shopper_client, shelf, filled_cart):
    data = checkout_form(shopper_client)
    first = shopper_client.post("/orders/", data)
    second = shopper_client.post("/orders/", data)
    assert second.status_code == 303
    assert second["Location"] == first["Location"]
    assert Order.objects.count() == 1
    assert stock(shelf["kettle"]) == 3


def test_a_token_issued_to_someone_else_is_refused(shopper_client, other_shopper, filled_cart):
    before = snapshot()
    data = {**checkout_form(shopper_client), "token": issue_token(other_shopper)}
    response = shopper_client.post("/orders/", data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "This checkout form was not issued to you" in response.text
    assert snapshot() == before


@pytest.mark.parametrize("token", ["", "made-up", "eyJ1c2VyIjogMX0:abc", "x" * 600])
def test_a_token_the_shop_never_issued_is_refused(shopper_client, filled_cart, token):
    before = snapshot()
    response = shopper_client.post("/orders/", {**checkout_form(shopper_client), "token": token})
    assert response.status_code == 422
    assert snapshot() == before
    # A fresh token comes with the page, so the shopper can simply try again.
    retry = {**checkout_form(shopper_client), "token": response.context["token"]}
    assert shopper_client.post("/orders/", retry).status_code == 303


def test_a_line_above_stock_is_refused_at_that_line(shopper_client, shelf, filled_cart):
    data = checkout_form(shopper_client)
    Product.objects.filter(pk=shelf["kettle"].pk).update(stock=1)
    before = snapshot()
    response = shopper_client.post("/orders/", data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert snapshot() == before
    lines = {line.product_id: line.left for line in response.context["lines"]}
    assert lines == {shelf["kettle"].pk: 1, shelf["mug"].pk: None}
    assert "Only 1 left." in response.text


def test_a_line_out_of_stock_says_so(shopper_client, shelf, filled_cart):
    data = checkout_form(shopper_client)
    Product.objects.filter(pk=shelf["mug"].pk).update(stock=0)
    response = shopper_client.post("/orders/", data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Out of stock." in response.text
    assert Order.objects.count() == 0


def test_a_changed_price_is_refused_with_the_new_total(shopper_client, shelf, filled_cart):
    data = checkout_form(shopper_client)
    Product.objects.filter(pk=shelf["mug"].pk).update(price=Decimal("400.00"))
    before = snapshot()
    response = shopper_client.post("/orders/", data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert snapshot() == before
    assert "Your cart changed" in response.text
    assert "₽5,180.00" in response.text
    assert 'name="total" value="5180.00"' in response.text
    # The page carries the new total: placing it again now succeeds, with the same token.
    again = {**data, "total": "5180.00"}
    assert shopper_client.post("/orders/", again).status_code == 303
    assert Order.objects.get().total == Decimal("5180.00")


def test_a_changed_line_is_refused(shopper_client, filled_cart):
    data = checkout_form(shopper_client)
    filled_cart.items.first().delete()
    response = shopper_client.post("/orders/", data)
    assert response.status_code == 422
    assert Order.objects.count() == 0


def test_an_empty_cart_is_refused(shopper_client, filled_cart):
    data = checkout_form(shopper_client)
    filled_cart.items.all().delete()
    response = shopper_client.post("/orders/", data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Your cart is empty" in response.text
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "x" * 151),
        ("email", "not-an-address"),
        ("phone", ""),
        ("phone", "12345"),
        ("phone", "+7 912 345 67 89 00 11 2"),
        ("phone", "+7 912 abc 67 89"),
        ("phone", "١٢٣٤٥٦٧٨٩٠"),
        ("delivery", "drone"),
        ("address", ""),
        ("address", "x" * 501),
        ("comment", "x" * 1001),
        ("payment", "card"),
        ("total", ""),
        ("total", "abc"),
    ],
)
def test_a_bad_field_is_refused_with_its_error(shopper_client, filled_cart, field, value):
    data = checkout_form(shopper_client)
    data[field] = value
    before = snapshot()
    response = shopper_client.post("/orders/", data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert snapshot() == before


def test_htmx_refusals_swap_the_checkout_fragment(shopper_client, filled_cart, htmx):
    data = checkout_form(shopper_client, phone="1")
    response = shopper_client.post("/orders/", data, headers=htmx)
    assert response.status_code == 422
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="checkout"')


@pytest.mark.parametrize("phone", ["+7 912 345-67-89", "8 (912) 345 67 89", "0123456789"])
def test_phone_numbers_as_people_write_them(shopper_client, filled_cart, phone):
    assert (
        shopper_client.post("/orders/", checkout_form(shopper_client, phone=phone)).status_code
        == 303
    )


def test_the_cart_page_links_to_the_checkout_for_its_owner(client, shopper, staff, filled_cart):
    client.force_login(shopper)
    assert 'href="/orders/checkout/"' in client.get(f"/market/cart/{filled_cart.pk}/").text
    client.force_login(staff)
    assert 'href="/orders/checkout/"' not in client.get(f"/market/cart/{filled_cart.pk}/").text


def test_an_empty_cart_page_has_no_checkout_link(shopper_client, shopper):
    assert (
        'href="/orders/checkout/"'
        not in shopper_client.get(f"/market/cart/{shopper.cart.pk}/").text
    )


def test_staff_check_out_their_own_cart(staff_client, staff, shelf):
    CartItem.objects.create(cart=staff.cart, product=shelf["mug"], quantity=1)
    response = staff_client.post("/orders/", checkout_form(staff_client))
    assert response.status_code == 303
    assert Order.objects.get().user == staff


def test_the_database_itself_refuses_negative_stock(shelf):
    """The CHECK constraint behind the locks: no code path can oversell, on either database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=shelf["kettle"].pk).update(stock=F("stock") - 6)
    assert stock(shelf["kettle"]) == 5
