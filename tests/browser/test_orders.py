"""Journey 5: a shopper fills the cart and checks out with courier delivery (one refusal in
place first), sees the order page; staff confirm and ship it from the order list, the row
changing in place; the shopper sees the new status. Then the same without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from apps.market.models import Product
from apps.orders.models import Order
from tests.browser.steps import cart_badge, log_in, open_menu, same_document
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser


@pytest.fixture
def kettle(transactional_db):
    return make_product(make_category("Kitchen"), "Electric kettle", "1990.00", 3)


def fill_cart_and_check_out(page, kettle):
    page.goto(f"/market/products/{kettle.pk}/")
    page.get_by_role("button", name="Add to cart").click()
    expect(cart_badge(page)).to_have_text("1")
    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.locator("#checkout-total")).to_have_text("₽1,990.00")
    expect(page.get_by_label("Your name")).to_have_value("Анна Иванова")  # from the account
    page.get_by_label("Phone").fill("+7 912 345-67-89")


def row(page, order):
    return page.locator(f"#order-{order.pk}")


def test_checkout_and_the_staff_workflow_with_htmx(new_page, shopper, staff, kettle):
    shop = new_page()
    log_in(shop, "shopper")
    fill_cart_and_check_out(shop, kettle)
    shop.get_by_label("Courier delivery").check()
    with same_document(shop):  # no address for the courier: refused in place
        shop.get_by_role("button", name=re.compile(r"^Place the order")).click()
        expect(shop.get_by_text("Enter the address the courier")).to_be_visible()
    assert not Order.objects.exists()
    shop.get_by_label("Address").fill("Moscow, Tverskaya 1, flat 2")
    shop.get_by_role("button", name=re.compile(r"^Place the order")).click()
    expect(shop).to_have_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get()
    expect(shop.get_by_role("heading", name=f"Order No. {order.pk}")).to_be_visible()
    expect(shop.locator("#order-badges")).to_contain_text("New")
    expect(shop.get_by_text("Courier delivery")).to_be_visible()
    expect(shop.locator("#order-total")).to_have_text("₽1,990.00")
    expect(cart_badge(shop)).to_have_text("0")
    assert Product.objects.get(pk=kettle.pk).stock == 2

    desk = new_page()
    log_in(desk, "staff")
    open_menu(desk, "Staff")
    desk.get_by_role("link", name="Orders", exact=True).click()
    with same_document(desk):
        row(desk, order).get_by_role("button", name="Confirm").click()
        expect(row(desk, order)).to_contain_text("Confirmed")
        expect(desk).to_have_url(re.compile(r"/orders/$"))
        row(desk, order).get_by_role("button", name="Ship").click()
        expect(row(desk, order)).to_contain_text("Shipped")
        expect(row(desk, order).get_by_role("button", name="Mark delivered")).to_be_visible()
        desk.get_by_label("Status").select_option(label="Shipped")
        expect(desk).to_have_url(re.compile(r"status=shipped"))
        expect(desk.get_by_role("main").get_by_role("status").first).to_contain_text("1 order")
    order.refresh_from_db()
    assert order.status == "shipped"

    shop.reload()
    expect(shop.locator("#order-badges")).to_contain_text("Shipped")
    expect(shop.get_by_role("button", name="Cancel order")).to_have_count(0)


def test_checkout_and_the_staff_workflow_without_javascript(new_page, shopper, staff, kettle):
    shop = new_page(javascript=False)
    log_in(shop, "shopper")
    fill_cart_and_check_out(shop, kettle)
    shop.get_by_label("Pickup from the shop").check()
    shop.get_by_label("Phone").fill("12")
    shop.get_by_role("button", name=re.compile(r"^Place the order")).click()
    expect(shop.get_by_text("Enter a phone number of 10 to 15 digits")).to_be_visible()
    shop.get_by_label("Phone").fill("+7 912 345-67-89")
    shop.get_by_role("button", name=re.compile(r"^Place the order")).click()
    expect(shop).to_have_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get()
    expect(shop.get_by_role("heading", name=f"Order No. {order.pk}")).to_be_visible()
    expect(shop.get_by_role("status").filter(has_text="is placed")).to_be_visible()

    desk = new_page(javascript=False)
    log_in(desk, "staff")
    desk.goto("/orders/?status=new")
    row(desk, order).get_by_role("button", name="Confirm").click()
    expect(desk).to_have_url(re.compile(r"/orders/\?status=new$"))  # back where they were
    expect(desk.get_by_text("No orders match these filters.")).to_be_visible()
    desk.goto(f"/orders/{order.pk}/")
    desk.get_by_label("Payment received").check()
    desk.get_by_role("button", name="Save").click()
    expect(desk.locator("#order-badges")).to_contain_text("Paid")

    shop.reload()
    expect(shop.locator("#order-badges")).to_contain_text("Confirmed")
    expect(shop.locator("#order-badges")).to_contain_text("Paid")
