"""Steps the journeys share, done as a user does them: by labels, names and roles, not by the CSS
classes a redesign would change."""

import re
from contextlib import contextmanager

from playwright.sync_api import expect

from tests.factories import PASSWORD


@contextmanager
def same_document(page):
    """Assert that whatever happens inside the block happens without loading a new page.

    A marker set on `window` survives an htmx swap (and a pushed URL) but not a navigation or a
    reload. The block must wait for its visible effect before it ends. It starts once the page
    has loaded, so that htmx has wired up the page before anyone uses it.
    """
    page.wait_for_load_state()
    page.evaluate("window.__journeyMarker = 'still here'")
    yield
    assert page.evaluate("window.__journeyMarker") == "still here", "the page was reloaded"


def log_in(page, username, password=PASSWORD):
    """Through allauth's login form, as a user types it."""
    page.goto("/users/user/login/")
    page.locator("[name=login]").fill(username)
    page.locator("[name=password]").fill(password)
    page.locator("[name=password]").press("Enter")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text(username)


def register(page, username, password=PASSWORD):
    """Through allauth's sign-up form; the new user is logged in at once (SPEC §3)."""
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.locator("[name=username]").fill(username)
    page.locator("[name=email]").fill(f"{username}@example.com")
    page.locator("[name=password1]").fill(password)
    page.locator("[name=password2]").fill(password)
    page.locator("[name=password2]").press("Enter")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text(username)


def results(page):
    """The product results (the part of the list htmx swaps)."""
    return page.get_by_role("region", name="Products")


def results_count(page, count):
    """The results say how many products the filters select."""
    noun = "product" if count == 1 else "products"
    expect(results(page).get_by_role("status")).to_have_text(re.compile(rf"^\s*{count} {noun}\s*$"))


def cart_badge(page):
    """The number on the navbar's cart button."""
    return page.locator("#cart-badge .badge")


def open_menu(page, name):
    """Open one of the navbar's menus (a <details>: "Menu" on a phone, "Staff") by its toggle."""
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.locator("summary", has_text=name).click()
