"""Part of journey 4 (the rest needs the profile pages): a shopper switches the language with the
navbar's switcher, and the choice outlives the page (SPEC §6)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in

pytestmark = pytest.mark.browser


def test_a_shopper_switches_to_russian_and_back(page, shopper):
    log_in(page, "shopper")  # the browser asks for English
    page.goto("/market/products/")
    expect(page.get_by_role("heading", name="Catalogue")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="RU").click()
    expect(page.get_by_role("heading", name="Каталог")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/market/products/$"))  # back where they were
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.goto("/market/cart/")  # the choice is kept, whatever the browser asks for
    expect(page.get_by_role("heading", name="Ваша корзина")).to_be_visible()

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("link", name="Catalogue", exact=True)).to_be_visible()
