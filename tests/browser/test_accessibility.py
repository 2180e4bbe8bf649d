"""axe-core on the shop's main pages, as a visitor and as a logged-in shopper, on a phone
(390 px) and a desktop (1366 px): no serious or critical violation (issue 13).

The same checks as `make audit` (audit/run.py), which adds Lighthouse and runs against the demo
shop under gunicorn; this test keeps them in `make test` and CI. It runs in Russian, the shop's
default language (and its longer words). The catalogue has three levels, so that the category
tree folds some of them, a product whose name carries its own quotes, products in stock, low
and out of stock, and a cart with lines.
"""

import pytest
from playwright.sync_api import expect

from apps.market.models import CartItem
from tests.factories import PASSWORD, make_category, make_product

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
PAGES = {
    "visitor": (
        "/",
        "/market/products/",
        "{product}",
        "/market/category/",
        "/users/user/login/",
        "/users/user/register/",
    ),
    "shopper": (
        "/",
        "/market/products/",
        "{product}",
        "/market/category/",
        "{cart}",
        "/orders/checkout/",
    ),
}


@pytest.fixture
def catalogue(transactional_db, shopper):
    books = make_category("Книги")
    fiction = make_category("Художественная литература", parent=books)
    classics = make_category("Русская классика", parent=fiction)
    make_category("Детские книги", parent=books)
    kitchen = make_category("Дом и кухня")
    novel = make_product(
        classics,
        "Булгаков М. «Мастер и Маргарита»",
        "690.00",
        35,
        description="Твёрдый переплёт, 480 страниц.\nСерия «Русская классика».",
    )
    kettle = make_product(kitchen, "Чайник электрический 1,7 л", "2190.00", 2)
    make_product(kitchen, "Кофемашина капсульная", "8990.00", 0)
    CartItem.objects.create(cart=shopper.cart, product=novel, quantity=1)
    CartItem.objects.create(cart=shopper.cart, product=kettle, quantity=2)
    return {"product": novel.get_absolute_url(), "cart": f"/market/cart/{shopper.cart.pk}/"}


def log_in(page):
    page.goto("/users/user/login/")
    page.locator("[name=login]").fill("shopper")
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("[name=password]").press("Enter")
    expect(page.locator("#cart-badge")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", PAGES)
def test_no_serious_or_critical_violation(new_page, catalogue, role, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = new_page(locale="ru-RU", viewport=WIDTHS[width])
    if role == "shopper":
        log_in(page)
    found = []
    for path in PAGES[role]:
        path = path.format(**catalogue)
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [node["target"] for node in violation["nodes"]]
                found.append(f"{path}: {violation['id']} ({violation['impact']}) at {targets}")
    assert not found, "\n".join(found)
