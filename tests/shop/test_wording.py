"""The words a shopper reads (issue 13): one term each for logging in, signing up and logging
out, in each language and on allauth's pages as on ours; «Удалить» on a delete button; the
login field says what it takes; quotes never doubled; money never broken across lines."""

import re
from html.parser import HTMLParser

import pytest

from apps.market.models import CartItem
from tests.factories import PASSWORD, make_category, make_product
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
# The other words for the same acts, which must not appear.
OTHER_TERMS = {
    "en": re.compile(r"\bsign(ed)?[ -]?(in|out)\b|\bsignup\b|\bregister\b|\blog ?on\b", re.I),
    "ru": re.compile(r"Зарегистрируйтесь|Вход\b|Авторизац|Выход\b|Логин\b", re.I),
}


def visible_text(html):
    """The page's text and the attributes people read (title, placeholder, aria-label)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    attributes = re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', html)
    return " ".join([re.sub(r"<[^>]+>", " ", html), *attributes])


@pytest.fixture
def novel():
    return make_product(make_category("Книги"), "Булгаков М. «Мастер и Маргарита»", "1234.50", 5)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_one_term_each_for_logging_in_signing_up_and_out(client, shopper, language):
    headers = EN if language == "en" else {}
    pages = [client.get(path, headers=headers) for path in ("/", "/users/user/login/")]
    pages.append(client.get("/users/user/register/", headers=headers))
    client.force_login(shopper)
    pages.append(client.get("/users/user/logout/", headers=headers))
    pages.append(client.get("/users/user/password/change/", headers=headers))
    for response in pages:
        assert response.status_code == 200
        found = OTHER_TERMS[language].findall(visible_text(response.text))
        assert not found, (response.request["PATH_INFO"], found)


def test_the_login_page_in_russian(client):
    html = client.get("/users/user/login/").text
    assert "<title>Войти · Лавка</title>" in html
    assert re.search(r"<h1[^>]*>Войти</h1>", html)
    assert re.search(r"<label[^>]*>\s*Имя пользователя или email", html)
    assert 'placeholder="Имя пользователя или email"' in html
    assert re.search(r'<button type="submit"[^>]*>Войти</button>', html)
    assert re.search(r"Ещё нет учётной записи\? <a href=\"[^\"]+\">Зарегистрироваться</a>", html)


def test_the_sign_up_page_in_both_languages(client):
    html = client.get("/users/user/register/").text
    assert "<title>Регистрация · Лавка</title>" in html
    assert re.search(r'<button type="submit"[^>]*>Зарегистрироваться</button>', html)
    html = client.get("/users/user/register/", headers=EN).text
    assert re.search(r"<h1[^>]*>Sign up</h1>", html)
    assert re.search(r'<button type="submit"[^>]*>Sign up</button>', html)
    assert re.search(r"Already have an account\? <a href=\"[^\"]+\">Log in</a>", html)


def test_the_messages_of_logging_in_and_out(client, shopper):
    response = client.post(
        "/users/user/login/", {"login": "shopper", "password": PASSWORD}, follow=True, headers=EN
    )
    assert "You are logged in as shopper." in response.text
    response = client.post("/users/user/logout/", follow=True, headers=EN)
    assert "You have logged out." in response.text
    assert "Вы вошли как" not in response.text


def test_a_delete_button_says_udalit(client, staff, novel):
    client.force_login(staff)
    for path in (
        "/market/products/",
        novel.get_absolute_url(),
        f"{novel.get_absolute_url()}delete/",
    ):
        html = client.get(path).text
        assert re.search(r">\s*Удалить\s*</(a|button)>", html), path
        assert "Удаление</" not in html.replace("Удаление товара</", ""), path


def test_names_in_quotes_are_never_doubled(client, shopper, staff, novel):
    client.force_login(shopper)
    cart = f"/market/cart/{shopper.cart.pk}/"
    body = f"_method=PUT&product={novel.pk}&quantity=1&mode=add"
    for headers in ({}, EN):
        response = client.post(
            cart, body, "application/x-www-form-urlencoded", follow=True, headers=headers
        )
        assert "«Булгаков М. „Мастер и Маргарита“»" in response.text or (
            "“Булгаков М. ‘Мастер и Маргарита’”" in response.text
        )
    client.force_login(staff)
    for path in (
        novel.get_absolute_url(),
        f"{novel.get_absolute_url()}edit/",
        f"{novel.get_absolute_url()}delete/",
    ):
        for headers in ({}, EN):
            text = visible_text(client.get(path, headers=headers).text)
            assert not re.search(r"««|»»|[“”]«|»[“”]", text), path


class PriceCheck(HTMLParser):
    """Every text with a rouble sign must sit in an element of class "price" (white-space:
    nowrap), so that an amount never breaks between its digits and its sign."""

    def __init__(self):
        super().__init__()
        self.stack, self.loose = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "input", "meta", "link", "hr", "wbr"):
            self.stack.append(dict(attrs).get("class", "").split())

    def handle_endtag(self, tag):
        if self.stack and tag not in ("br", "img", "input", "meta", "link", "hr", "wbr"):
            self.stack.pop()

    def handle_data(self, data):
        if "₽" in data and not any("price" in classes for classes in self.stack[-1:]):
            self.loose.append(data.strip())


@pytest.mark.parametrize("headers", [{}, EN], ids=["ru", "en"])
def test_money_is_always_in_a_price_span(client, shopper, staff, novel, headers):
    order = place_order(shopper, {novel: 1})
    CartItem.objects.create(cart=shopper.cart, product=novel, quantity=2)
    client.force_login(shopper)
    paths = ["/", "/market/products/", novel.get_absolute_url(), f"/market/cart/{shopper.cart.pk}/"]
    paths += [f"/market/category/{novel.category_id}/", "/orders/checkout/", "/orders/"]
    paths.append(f"/orders/{order.pk}/")
    pages = {path: client.get(path, headers=headers).text for path in paths}
    client.force_login(staff)
    for path in ("/market/cart/", f"{novel.get_absolute_url()}delete/", "/orders/"):
        pages[f"{path} (staff)"] = client.get(path, headers=headers).text
    for path, html in pages.items():
        assert "<html" in html, path
        check = PriceCheck()
        check.feed(html.split("<body", 1)[1])  # the title and description are not laid out
        assert "₽" in html, path
        assert not check.loose, (path, check.loose)
