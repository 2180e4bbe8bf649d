"""Markup in a product's or category's name is shown as text in the browser and never runs, on
full pages and in what htmx swaps in (the server-side half is tests/market/test_escaping.py)."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import cart_badge, log_in, results, same_document
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser

PRODUCT = "<img src=x onerror=alert('product')>"
CATEGORY = "<script>alert('category')</script>"


def test_names_with_markup_are_text_everywhere(page, shopper):
    product = make_product(make_category(CATEGORY), PRODUCT, "10.00", 5)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, "shopper")

    page.goto("/market/category/")
    expect(page.get_by_role("link", name=CATEGORY)).to_be_visible()
    page.goto("/market/products/")
    with same_document(page):
        page.get_by_label("Search", exact=True).fill("onerror")
        expect(results(page).get_by_role("link", name=PRODUCT)).to_be_visible()
    page.goto(f"/market/products/{product.pk}/")
    expect(page.get_by_role("heading", name=PRODUCT)).to_be_visible()
    with same_document(page):
        page.get_by_role("button", name="Add to cart").click()
        expect(cart_badge(page)).to_have_text("1")
        expect(page.get_by_role("status").filter(has_text=PRODUCT)).to_be_visible()
    page.goto(f"/market/cart/{shopper.cart.pk}/")
    expect(page.get_by_role("link", name=PRODUCT)).to_be_visible()
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
