"""Journey 5: htmx filtering pushes each state into the history, and the back button brings the
previous results back."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import results, results_count, same_document
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db):
    books = make_category("Books")
    electronics = make_category("Electronics")
    make_product(books, "The Master and Margarita", "690.00", 12)
    make_product(electronics, "Kettle", "1990.00", 5)
    make_product(electronics, "Phone charger", "2490.00", 40)
    return {"books": books, "electronics": electronics}


def test_back_button_after_htmx_filtering_restores_the_previous_results(page, catalogue):
    books, electronics = catalogue["books"], catalogue["electronics"]
    page.goto("/market/products/")
    results_count(page, 3)
    category = page.get_by_label("Category")

    with same_document(page):
        category.select_option(label="Books")
        expect(page).to_have_url(re.compile(rf"/market/products/\?.*category={books.pk}"))
        results_count(page, 1)
        expect(results(page).get_by_role("link", name="The Master and Margarita")).to_be_visible()

        category.select_option(label="Electronics")
        expect(page).to_have_url(re.compile(rf"/market/products/\?.*category={electronics.pk}"))
        results_count(page, 2)
        expect(results(page).get_by_role("link", name="Kettle")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(rf"/market/products/\?.*category={books.pk}"))
    results_count(page, 1)
    expect(results(page).get_by_role("link", name="The Master and Margarita")).to_be_visible()
    expect(results(page).get_by_role("link", name="Kettle")).to_have_count(0)
    expect(page.get_by_label("Category")).to_have_value(str(books.pk))

    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/products/$"))
    results_count(page, 3)
    expect(page.get_by_label("Category")).to_have_value("")

    page.go_forward()
    expect(page).to_have_url(re.compile(rf"/market/products/\?.*category={books.pk}"))
    results_count(page, 1)
