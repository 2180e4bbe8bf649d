"""Links by primary key (shop/links.py) are exactly what reverse() gives, whatever the number,
the script prefix the shop is served under, or the URLconf of the request."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix, set_urlconf

from shop.links import url_by_pk

NAMES = ["market:product_detail", "market:category_detail", "market:cart_detail"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 10, 100, 9_081_726_354, 2**62])
def test_the_link_is_reverses(name, pk):
    assert url_by_pk(name, pk) == reverse(name, args=[pk])


def test_under_a_script_prefix_too():
    set_script_prefix("/shop/")
    try:
        assert url_by_pk("market:product_detail", 5) == "/shop/market/products/5/"
        assert url_by_pk("market:product_detail", 5) == reverse("market:product_detail", args=[5])
    finally:
        clear_script_prefix()
    assert url_by_pk("market:product_detail", 5) == "/market/products/5/"


def test_the_requests_urlconf_is_the_one_read():
    set_urlconf("bench.urls")
    try:
        assert url_by_pk("market:product_detail", 5) == reverse("market:product_detail", args=[5])
    finally:
        set_urlconf(None)


def test_a_string_pk_is_a_number_or_nothing():
    assert url_by_pk("market:product_detail", "12") == "/market/products/12/"
    with pytest.raises(ValueError, match="invalid literal"):
        url_by_pk("market:product_detail", "12/../admin")
