"""An add to the cart carries a token of its own (issue 14): sent again (a retry after a lost
answer, a double click), it is made once and answered as the first was, on every app server."""

import re
from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from apps.market.models import CartAddition, CartItem
from tests.concurrency import at_once
from tests.factories import make_category, make_product

FORM = "application/x-www-form-urlencoded"
TOKEN = "a-token-of-twenty-two"


@pytest.fixture
def kettle(db):
    return make_product(make_category("Кухня"), "Чайник", "1990.00", stock=5)


def add(client, cart, product, quantity=1, token=TOKEN, **headers):
    body = {"product": product.pk, "quantity": quantity, "mode": "add", "next": "/"}
    if token is not None:
        body["token"] = token
    return client.put(f"/market/cart/{cart.pk}/", urlencode(body), FORM, headers=headers)


def in_cart(cart, product):
    line = CartItem.objects.filter(cart=cart, product=product).first()
    return line.quantity if line else 0


def message(client):
    return re.search(r'<div class="toast-body">([^<]*)</div>', client.get("/").text).group(1)


@pytest.mark.django_db
class TestRetries:
    def test_a_retried_add_is_made_once_and_answered_as_the_first(
        self, shopper_client, shopper, kettle
    ):
        first = add(shopper_client, shopper.cart, kettle, 2)
        first_message = message(shopper_client)
        again = add(shopper_client, shopper.cart, kettle, 2)
        assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
        assert message(shopper_client) == first_message
        assert "2" in first_message
        assert in_cart(shopper.cart, kettle) == 2

    def test_even_when_the_stock_would_not_allow_the_add_again(
        self, shopper_client, shopper, kettle
    ):
        assert add(shopper_client, shopper.cart, kettle, 4).status_code == 303
        assert add(shopper_client, shopper.cart, kettle, 4).status_code == 303  # 8 > 5 in stock
        assert in_cart(shopper.cart, kettle) == 4

    def test_htmx_gets_the_same_answer_too(self, shopper_client, shopper, kettle, htmx):
        first = add(shopper_client, shopper.cart, kettle, **htmx)
        again = add(shopper_client, shopper.cart, kettle, **htmx)
        assert first.status_code == again.status_code == 200
        toast = r'<div class="toast-body">([^<]*)</div>'
        assert re.search(toast, first.text).group(1) == re.search(toast, again.text).group(1)
        for response in (first, again):
            assert re.search(r'id="cart-badge" data-count="1"', response.text)

    def test_each_new_token_is_a_new_add(self, shopper_client, shopper, kettle):
        for n in range(3):
            add(shopper_client, shopper.cart, kettle, token=f"{TOKEN}-{n}")
        assert in_cart(shopper.cart, kettle) == 3

    def test_without_a_token_every_add_counts_as_spec_says(self, shopper_client, shopper, kettle):
        add(shopper_client, shopper.cart, kettle, token=None)
        add(shopper_client, shopper.cart, kettle, token=None)
        assert in_cart(shopper.cart, kettle) == 2

    def test_a_token_is_the_carts_own(self, client, make_user, kettle):
        anna, boris = make_user("anna"), make_user("boris")
        for user in (anna, boris):
            client.force_login(user)
            add(client, user.cart, kettle)
        assert in_cart(anna.cart, kettle) == in_cart(boris.cart, kettle) == 1

    def test_a_token_sent_for_another_product_changes_nothing(
        self, shopper_client, shopper, kettle
    ):
        mug = make_product(kettle.category, "Кружка")
        add(shopper_client, shopper.cart, kettle)
        refused = add(shopper_client, shopper.cart, mug)
        assert refused.status_code == 422
        assert in_cart(shopper.cart, mug) == 0

    @pytest.mark.parametrize("token", ["short", "x" * 65, "has spaces in it here", "токен" * 5])
    def test_a_malformed_token_is_refused(self, shopper_client, shopper, kettle, token):
        assert add(shopper_client, shopper.cart, kettle, token=token).status_code == 422
        assert in_cart(shopper.cart, kettle) == 0

    def test_tokens_are_forgotten_after_a_day(self, shopper_client, shopper, kettle):
        add(shopper_client, shopper.cart, kettle, token=f"{TOKEN}-old")
        CartAddition.objects.update(created=timezone.now() - timedelta(days=2))
        add(shopper_client, shopper.cart, kettle)
        assert list(CartAddition.objects.values_list("token", flat=True)) == [TOKEN]


@pytest.mark.django_db
class TestTokensOnPages:
    def test_every_add_form_of_every_page_has_a_token_of_its_own(
        self, shopper_client, kettle, settings
    ):
        make_product(kettle.category, "Кружка")
        seen = []
        for shared_cache in (0, 600, 600, 600):  # rendered afresh, then kept and filled
            settings.SHARED_CACHE_SECONDS = shared_cache
            for url in ("/market/products/", kettle.get_absolute_url()):
                html = shopper_client.get(url).text
                tokens = re.findall(r'name="token" value="([^"]+)" data-idempotency-token', html)
                assert tokens
                seen += tokens
        assert len(seen) == len(set(seen))
        assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", token) for token in seen)


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_once_make_one_add(shopper, kettle):
    """The same add sent twice at the same moment (a retry racing the request it retries): one
    waits for the other's row lock, finds its token, and answers as it did."""
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(shopper)

    def send(client):
        response = add(client, shopper.cart, kettle, 2)
        return response.status_code, response["Location"]

    answers = at_once([partial(send, client) for client in clients])
    assert answers == [(303, "/")] * 2
    assert in_cart(shopper.cart, kettle) == 2
    assert CartAddition.objects.count() == 1
