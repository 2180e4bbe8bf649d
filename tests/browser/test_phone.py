"""A phone (390 px) and a desktop (1366 px), with and without JavaScript (issue 13): search and the
cart badge always in view, the menu and the staff menu opening from their toggles (with the
keyboard too), the filters behind a "Filters" button with the results first, and the cart's one
quantity control, which sends one request on Enter and keeps the focus."""

import re

import pytest
from playwright.sync_api import expect

from apps.market.models import CartItem
from tests.browser.steps import (
    cart_badge,
    log_in,
    open_menu,
    results,
    results_count,
    same_document,
)
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser

PHONE, DESKTOP = (390, 844), (1366, 900)


@pytest.fixture
def catalogue(transactional_db, shopper):
    kitchen = make_category("Kitchen")
    kettle = make_product(kitchen, "Electric kettle", "1990.00", 3)
    make_product(kitchen, "Teapot", "750.00", 4)
    make_product(make_category("Camping"), "Camping kettle", "990.00", 10)
    for number in range(6):
        mug = make_product(kitchen, f"Mug {number}", "350.00", 20)
        CartItem.objects.create(cart=shopper.cart, product=mug, quantity=1)
    CartItem.objects.create(cart=shopper.cart, product=kettle, quantity=1)
    return {"kitchen": kitchen, "cart": f"/market/cart/{shopper.cart.pk}/"}


def navigation(page):
    return page.get_by_role("navigation", name="Main navigation")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_phone_header_keeps_search_and_cart_in_view_and_opens_its_menu(
    new_page, catalogue, staff, javascript
):
    page = new_page(javascript=javascript, viewport=PHONE)
    log_in(page, "shopper")
    nav = navigation(page)
    expect(nav.get_by_role("searchbox", name="Search products")).to_be_visible()
    expect(cart_badge(page)).to_be_visible()
    expect(nav.get_by_role("link", name="Catalogue")).to_be_hidden()  # folded in the menu
    open_menu(page, "Menu")
    expect(nav.get_by_role("link", name="Catalogue")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    nav.get_by_role("link", name="Catalogue").click()
    expect(page.get_by_role("heading", name="Catalogue")).to_be_visible()

    page = new_page(javascript=javascript, viewport=PHONE)
    log_in(page, staff.username)
    nav = navigation(page)
    open_menu(page, "Menu")
    expect(nav.get_by_role("link", name="History")).to_be_hidden()
    open_menu(page, "Staff")
    nav.get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(r"/history/"))


def test_the_menus_open_from_the_keyboard_and_close_on_escape(new_page, catalogue, staff):
    page = new_page(viewport=DESKTOP)
    log_in(page, staff.username)
    nav = navigation(page)
    expect(nav.get_by_role("link", name="Catalogue")).to_be_visible()  # in the row
    expect(nav.locator("summary", has_text="Menu")).to_be_hidden()
    staff_menu = nav.locator("summary", has_text="Staff")
    staff_menu.focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="History")).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="New product")).to_be_focused()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="History")).to_be_hidden()
    expect(staff_menu).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_phone_shows_the_results_first_and_the_filters_behind_a_button(
    new_page, catalogue, javascript
):
    page = new_page(javascript=javascript, viewport=PHONE)
    page.goto("/market/products/")
    results_count(page, 9)
    filters = page.get_by_role("link", name="Filters")
    category = page.get_by_label("Category")
    first_card = results(page).get_by_role("article").first
    if javascript:
        expect(category).to_be_hidden()
        with same_document(page):
            filters.click()
            expect(category).to_be_visible()
            category.select_option(label="Camping")
            page.get_by_role("button", name="Show").click()
            expect(category).to_be_hidden()  # the panel closes on "Show"
            results_count(page, 1)
    else:
        # The results come first; the link leads down to the form below them.
        assert first_card.bounding_box()["y"] < category.bounding_box()["y"]
        filters.click()
        expect(page).to_have_url(re.compile(r"#filters-panel$"))
        category.select_option(label="Camping")
        page.get_by_role("button", name="Show").click()
        results_count(page, 1)
    # Two cards a row on a phone.
    page.goto("/market/products/")
    cards = results(page).get_by_role("article")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["y"] == second["y"]
    assert second["x"] > first["x"] + first["width"]


def test_a_desktop_shows_the_filters_beside_four_cards_a_row(new_page, catalogue):
    page = new_page(viewport=DESKTOP)
    page.goto("/market/products/")
    expect(page.get_by_label("Category")).to_be_visible()
    expect(page.get_by_role("link", name="Filters")).to_be_hidden()
    tops = [results(page).get_by_role("article").nth(n).bounding_box()["y"] for n in range(5)]
    assert len(set(tops[:4])) == 1
    assert tops[4] > tops[0]


def test_the_cart_on_a_phone_one_request_on_enter_focus_kept_summary_in_view(new_page, catalogue):
    page = new_page(viewport=PHONE)
    log_in(page, "shopper")
    page.goto(catalogue["cart"])
    summary = page.get_by_role("region", name=re.compile(r"^Total"))
    checkout = summary.get_by_role("link", name="Checkout")
    expect(checkout).to_be_in_viewport()  # the lines run below the screen, the summary stays
    expect(page.get_by_role("button", name="OK")).to_have_count(0)
    changes = []
    page.on("request", lambda request: changes.append(request) if request.method == "PUT" else None)
    quantity = page.get_by_label("Quantity of Electric kettle")
    with same_document(page):
        quantity.fill("2")
        quantity.press("Enter")
        expect(page.locator("#cart-total")).to_have_text("₽6,080.00")
        expect(cart_badge(page)).to_have_text("8")
        expect(quantity).to_be_focused()
        expect(summary).to_contain_text("2 in the cart")
        # The change is read out (toasts.html), not shown over the lines.
        expect(page.locator("#toasts .toast:not(.visually-hidden)")).to_have_count(0)
    assert len(changes) == 1
    quantity.fill("9")
    quantity.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Only 3 left")).to_have_count(1)
    expect(quantity).to_be_focused()
    expect(checkout).to_be_in_viewport()
