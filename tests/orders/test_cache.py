"""Placing and cancelling an order change stock: the catalogue pages kept in the shared cache
show the new figure on the very next request (issue 11)."""

import pytest
from django.test import Client

from tests.orders.conftest import checkout_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    settings.SHARED_CACHE_SECONDS = 600  # the tests' per-process cache is shared enough here


def test_a_placed_then_cancelled_order_shows_on_the_cached_product_page(
    shopper_client, shelf, filled_cart
):
    kettle = shelf["kettle"]
    visitor = Client()
    url = kettle.get_absolute_url()
    english = {"Accept-Language": "en"}
    assert "In stock: 5" in visitor.get(url, headers=english).text  # now kept in the cache
    assert "In stock: 5" in visitor.get(url, headers=english).text

    response = shopper_client.post("/orders/", checkout_form(shopper_client))
    assert response.status_code == 303
    assert "In stock: 3" in visitor.get(url, headers=english).text

    assert shopper_client.post(response["Location"] + "cancel").status_code == 303
    assert "In stock: 5" in visitor.get(url, headers=english).text
