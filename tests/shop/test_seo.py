"""What search engines read (issue 13): a description on every page, specific where it can be,
and a robots.txt that opens the catalogue and closes accounts and staff pages."""

import re
from html import unescape

import pytest

from apps.market.models import CartItem
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def description(response):
    assert response.status_code == 200
    found = re.findall(r'<meta name="description" content="([^"]*)">', response.text)
    assert len(found) == 1, found
    return unescape(found[0])


@pytest.fixture
def catalogue():
    books = make_category("Книги")
    fiction = make_category("Художественная литература", parent=books)
    novel = make_product(
        fiction,
        "Булгаков М. «Мастер и Маргарита»",
        "690.00",
        description="Роман о дьяволе в Москве.\n\nТвёрдый переплёт, 480 страниц. " * 10,
    )
    plain = make_product(make_category("Дом и кухня"), "Чайник", "1990.00", description="")
    return {"books": books, "fiction": fiction, "novel": novel, "plain": plain}


class TestDescriptions:
    def test_a_product_page_starts_its_description(self, client, catalogue):
        text = description(client.get(catalogue["novel"].get_absolute_url()))
        assert text.startswith("Роман о дьяволе в Москве. Твёрдый переплёт, 480 страниц.")
        assert len(text) <= 160
        assert "\n" not in text

    def test_a_product_without_a_description_names_itself_and_its_category(self, client, catalogue):
        text = description(client.get(catalogue["plain"].get_absolute_url()))
        assert text == "Купить Чайник в Лавке: Дом и кухня, доставка по всей России."

    def test_a_category_page_gives_its_path_and_count(self, client, catalogue):
        text = description(client.get(catalogue["fiction"].get_absolute_url()))
        assert text.startswith("Книги › Художественная литература: 1 товар в каталоге Лавки")

    def test_the_lists_say_what_they_hold(self, client, catalogue):
        assert description(client.get("/market/products/")).startswith("Каталог Лавки: 2 товара")
        found = description(client.get("/market/products/", {"q": "мастер"}))
        assert found.startswith("Поиск «мастер» в каталоге Лавки: найден 1 товар")
        assert description(client.get("/market/category/")) == (
            "Все категории каталога Лавки: Дом и кухня, Книги."
        )

    def test_english_pages_are_described_in_english(self, client, catalogue):
        english = {"Accept-Language": "en"}
        text = description(client.get("/market/products/", headers=english))
        assert text.startswith("The Lavka catalogue: 2 products")

    def test_every_other_page_has_the_shops_own(self, client, shopper, catalogue):
        general = description(client.get("/"))
        assert "Лавка" in general
        for path in ("/users/user/login/", "/users/user/register/", "/no/such/page/"):
            response = client.get(path)
            if response.status_code == 404:
                response.status_code = 200  # the 404 page has its description too
            assert description(response) == general
        CartItem.objects.create(cart=shopper.cart, product=catalogue["plain"], quantity=1)
        client.force_login(shopper)
        assert description(client.get(f"/market/cart/{shopper.cart.pk}/")) == general

    def test_markup_in_a_description_stays_text(self, client, catalogue):
        product = make_product(catalogue["books"], "Книга", description='"><script>x</script>')
        html = client.get(product.get_absolute_url()).text
        assert '<meta name="description" content="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">' in (
            html
        )


def allowed(rules, path):
    """RFC 9309's matching, as search engines read robots.txt: the longest matching rule wins
    (Allow on a tie); `*` matches anything, `$` the end of the path."""
    best = (-1, True)
    for verb, pattern in rules:
        regex = re.escape(pattern).replace(r"\*", ".*")
        if regex.endswith(r"\$"):
            regex = regex[:-2] + "$"
        if re.match(regex, path):
            best = max(best, (len(pattern), verb == "allow"))
    return best[1]


class TestRobots:
    def rules(self, client):
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "max-age=86400" in response["Cache-Control"]
        assert "sessionid" not in response.cookies
        lines = [line for line in response.text.splitlines() if line and line[0] != "#"]
        assert lines[0] == "User-agent: *"
        rules = []
        for line in lines[1:]:
            verb, _, pattern = line.partition(": ")
            assert verb in ("Allow", "Disallow"), line
            assert pattern.startswith("/"), line
            rules.append((verb.lower(), pattern))
        return rules

    def test_the_catalogue_is_open_to_search_engines(self, client, catalogue):
        rules = self.rules(client)
        for path in (
            "/",
            "/market/products/",
            "/market/products/?q=чайник&page=2",
            catalogue["novel"].get_absolute_url(),
            "/market/category/",
            catalogue["fiction"].get_absolute_url(),
            "/users/user/login/",
            "/users/user/register/",
            "/static/shop.css",
        ):
            assert allowed(rules, path), path

    def test_accounts_and_staff_pages_are_not(self, client):
        rules = self.rules(client)
        for path in (
            "/users/profile/",
            "/users/profile/1/",
            "/users/user/login/?next=/market/products/",
            "/users/user/email/",
            "/users/user/password/change/",
            "/users/user/delete/1/",
            "/market/export/product",
            "/history/",
            "/admin/",
            "/admin/login/",
            "/i18n/setlang/",
        ):
            assert not allowed(rules, path), path

    def test_carts_and_orders_are_left_to_the_login(self, client, db):
        """Not listed (an audit would call the shopper's cart and checkout blocked from
        indexing), and a crawler that follows a link there meets the login page."""
        rules = self.rules(client)
        for path in ("/market/cart/", "/market/cart/1/", "/orders/", "/orders/checkout/"):
            assert allowed(rules, path), path
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith("/users/user/login/"), path
