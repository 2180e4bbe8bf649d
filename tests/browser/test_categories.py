"""The category tree on a phone: every category in the page, the third level folded behind a
toggle that opens it in place (with or without JavaScript: a <details>), rows a thumb can hit,
and each category's link leading to its page."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser

PHONE = (390, 844)
TAP = 44  # px: the height of a row and of a toggle (WCAG 2.5.5's target size)


@pytest.fixture
def catalogue(transactional_db):
    books = make_category("Books")
    fiction = make_category("Fiction", parent=books)
    classics = make_category("Russian classics", parent=fiction)
    make_category("Children's books", parent=books)
    make_product(classics, "The Master and Margarita", "690.00", 12)
    make_product(make_category("Kitchen"), "Kettle", "1990.00", 5)
    return classics


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_phone_unfolds_the_tree_and_follows_a_link(new_page, catalogue, javascript):
    page = new_page(javascript=javascript, viewport=PHONE)
    page.goto("/market/category/")
    main = page.get_by_role("main")
    fiction = main.get_by_role("link", name="Fiction 1 product")
    classics = main.get_by_role("link", name="Russian classics 1 product")
    expect(main.get_by_role("link", name="Books 1 product")).to_be_visible()
    expect(main.get_by_role("link", name="Kitchen 1 product")).to_be_visible()
    expect(fiction).to_be_visible()
    expect(classics).to_be_hidden()  # folded

    toggle = main.get_by_text("Subcategories of “Fiction”")
    for target in (fiction, toggle.locator("..")):
        box = target.bounding_box()
        assert box["height"] >= TAP, box
        assert box["width"] >= TAP, box

    toggle.locator("..").click()
    expect(classics).to_be_visible()
    classics.click()
    expect(page.get_by_role("heading", name="Russian classics")).to_be_visible()
    expect(page.get_by_role("link", name="The Master and Margarita")).to_be_visible()
