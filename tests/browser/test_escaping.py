"""Markup in names (a product's, a category's, a profile's) is shown as text in the browser and
never runs, on full pages and in what htmx swaps in (the server-side half is the escaping tests
of tests/market, tests/users and tests/history)."""

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


def test_profile_names_with_markup_are_text_in_place(page, shopper):
    """Names saved through the inline form come back in the card htmx swaps in as text."""
    first, last = "<img src=x onerror=alert('first')>", "<script>alert('last')</script>"
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, "shopper")
    page.goto(f"/users/profile/{shopper.profile.pk}/")
    card = page.locator("#profile-card")
    with same_document(page):
        card.get_by_role("link", name="Edit").click()
        card.get_by_label("First name").fill(first)
        card.get_by_label("Last name").fill(last)
        card.get_by_role("button", name="Save").click()
        expect(card.get_by_role("heading", name=f"{first} {last}")).to_be_visible()
        card.get_by_role("link", name="Edit").click()  # and back in the form's fields
        expect(card.get_by_label("First name")).to_have_value(first)
        expect(card.get_by_label("Last name")).to_have_value(last)
    page.reload()
    expect(card.get_by_role("heading", name=f"{first} {last}")).to_be_visible()
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
