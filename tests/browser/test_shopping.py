"""Journeys 1 and 2: a visitor registers, finds a product, puts it in the cart and changes the
quantity, first with htmx doing the work in place, then with JavaScript off, through plain forms."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import cart_badge, register, results, results_count, same_document
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db):
    kitchen = make_category("Kitchen")
    camping = make_category("Camping")
    make_product(kitchen, "Electric kettle", "1990.00", 3, description="Boils a litre in minutes")
    make_product(camping, "Camping kettle", "990.00", 10)
    make_product(kitchen, "Teapot", "750.00", 4)
    return {"kitchen": kitchen, "camping": camping}


def search(page, text):
    """The navbar's search box: a plain GET form, so it leads to the product list."""
    box = page.get_by_role("searchbox", name="Search products")
    box.fill(text)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/market/products/\?q="))


def test_journey_with_htmx_in_place(page, catalogue):
    register(page, "anna")
    expect(cart_badge(page)).to_have_text("0")

    search(page, "kettle")
    results_count(page, 2)
    with same_document(page):
        page.get_by_label("Category").select_option(label="Kitchen")
        results_count(page, 1)
        expect(page).to_have_url(re.compile(rf"q=kettle.*category={catalogue['kitchen'].pk}"))
    results(page).get_by_role("link", name="Electric kettle").click()
    expect(page.get_by_role("heading", name="Electric kettle")).to_be_visible()
    expect(page.get_by_text("In stock: 3")).to_be_visible()

    with same_document(page):
        page.get_by_role("button", name="Add to cart").first.click()
        expect(cart_badge(page)).to_have_text("1")
        expect(page.get_by_role("status").filter(has_text="added to the cart")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    total = page.locator("#cart-total")
    expect(total).to_have_text("₽1,990.00")
    quantity = page.get_by_label("Quantity of Electric kettle")

    with same_document(page):
        quantity.fill("2")
        quantity.press("Enter")
        expect(total).to_have_text("₽3,980.00")
        expect(cart_badge(page)).to_have_text("2")

        quantity.fill("5")
        quantity.press("Enter")
        refusal = page.get_by_role("alert").filter(has_text="Only 3 left")
        expect(refusal.first).to_be_visible()
        expect(total).to_have_text("₽3,980.00")
        expect(cart_badge(page)).to_have_text("2")
    expect(page).to_have_url(re.compile(r"/market/cart/\d+/$"))


def test_journey_without_javascript_through_plain_forms(new_page, catalogue):
    page = new_page(javascript=False)
    register(page, "boris")
    expect(cart_badge(page)).to_have_text("0")

    search(page, "kettle")
    results_count(page, 2)
    page.get_by_label("Category").select_option(label="Kitchen")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"q=kettle.*category={catalogue['kitchen'].pk}"))
    results_count(page, 1)
    results(page).get_by_role("link", name="Electric kettle").click()
    expect(page.get_by_role("heading", name="Electric kettle")).to_be_visible()

    page.get_by_role("button", name="Add to cart").first.click()
    # Back on the product page, with the news in the page itself.
    expect(page.get_by_role("heading", name="Electric kettle")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="added to the cart")).to_be_visible()
    expect(cart_badge(page)).to_have_text("1")

    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    total = page.locator("#cart-total")
    expect(total).to_have_text("₽1,990.00")
    page.get_by_label("Quantity of Electric kettle").fill("2")
    page.get_by_role("button", name="OK").click()
    expect(total).to_have_text("₽3,980.00")
    expect(cart_badge(page)).to_have_text("2")

    page.get_by_label("Quantity of Electric kettle").fill("5")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert").filter(has_text="Only 3 left").first).to_be_visible()
    expect(total).to_have_text("₽3,980.00")
    expect(cart_badge(page)).to_have_text("2")
