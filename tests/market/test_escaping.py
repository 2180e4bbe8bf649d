"""Names and descriptions are text: HTML and scripts in them are shown, never run, on every page
and fragment that displays them (issue 7). The CSV is not HTML and keeps them as they are."""

import re
from urllib.parse import urlencode

import pytest

from apps.market.models import CartItem
from tests.escaping import escape_like_django
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
CATEGORY = '<img src=x onerror=alert("category")>'
SUBCATEGORY = "<svg onload=alert('sub')>"
PRODUCT = '<script>alert("product")</script>"\' onmouseover=\'alert(1)'
DESCRIPTION = '<iframe src="javascript:alert(1)"></iframe>\n<b>bold</b>'
# What must never reach a page as markup.
RAW = ["<script>alert(", "<img src=x", "<svg onload", "<iframe", "<b>bold", "' onmouseover='"]


@pytest.fixture
def hostile(shopper):
    category = make_category(CATEGORY)
    subcategory = make_category(SUBCATEGORY, parent=category)
    product = make_product(subcategory, PRODUCT, "10.00", 5, description=DESCRIPTION)
    CartItem.objects.create(cart=shopper.cart, product=product, quantity=1)
    return {"category": category, "subcategory": subcategory, "product": product}


def assert_shown_as_text(response, *texts):
    assert response.status_code in (200, 422), response.status_code
    html = response.content.decode()
    for raw in RAW:
        assert raw not in html, f"{raw!r} reached {response.request['PATH_INFO']} as markup"
    for text in texts:
        assert escape_like_django(text) in html, f"{text!r} missing"


def test_catalogue_pages_and_fragments(client, staff, hostile, htmx):
    client.force_login(staff)  # staff see the most: edit and delete controls, export link
    product, category, sub = hostile["product"], hostile["category"], hostile["subcategory"]
    pages = {
        "/": [CATEGORY, PRODUCT],
        "/market/products/": [PRODUCT, SUBCATEGORY],
        f"/market/products/{product.pk}/": [PRODUCT, CATEGORY, SUBCATEGORY],
        f"/market/products/{product.pk}/edit/": [PRODUCT],
        f"/market/products/{product.pk}/delete/": [PRODUCT],
        "/market/category/": [CATEGORY, SUBCATEGORY],
        f"/market/category/{category.pk}/": [CATEGORY, SUBCATEGORY, PRODUCT],
        f"/market/category/{sub.pk}/edit/": [SUBCATEGORY, CATEGORY],
        "/market/products/new/": [CATEGORY, SUBCATEGORY],  # the category select
    }
    for path, texts in pages.items():
        assert_shown_as_text(client.get(path), *texts)
    for path in ("/market/products/", f"/market/category/{category.pk}/"):
        assert_shown_as_text(client.get(path, {"q": "script"}, headers=htmx), PRODUCT)
    # The description keeps its line breaks, as text.
    html = client.get(f"/market/products/{product.pk}/").content.decode()
    assert "&lt;/iframe&gt;<br>&lt;b&gt;bold&lt;/b&gt;" in html


def test_the_delete_question_is_an_attribute_that_stays_one(client, staff, hostile):
    client.force_login(staff)
    html = client.get(f"/market/products/{hostile['product'].pk}/").content.decode()
    question = re.search(r'hx-confirm="([^"]*)"', html).group(1)
    assert escape_like_django(PRODUCT) in question


def test_forms_echo_what_was_typed_as_text(client, staff, hostile):
    client.force_login(staff)
    response = client.post(
        "/market/products/",
        {"name": PRODUCT, "price": "-1", "stock": "1", "category": hostile["category"].pk},
    )
    assert response.status_code == 422
    assert_shown_as_text(response, PRODUCT)
    response = client.post("/market/category/", {"name": CATEGORY, "parent": ""})
    assert response.status_code == 422  # the same name among the roots
    assert_shown_as_text(response, CATEGORY)


def test_messages_after_a_change(client, staff, hostile):
    client.force_login(staff)
    product = hostile["product"]
    data = {
        "name": PRODUCT,
        "price": "11.00",
        "description": DESCRIPTION,
        "stock": "5",
        "category": hostile["subcategory"].pk,
    }
    response = client.put(f"/market/products/{product.pk}/", urlencode(data), FORM, follow=True)
    assert_shown_as_text(response, PRODUCT)
    assert "saved" in response.text or "сохранён" in response.text


def test_cart_page_and_its_htmx_fragment(client, shopper, hostile, htmx):
    client.force_login(shopper)
    cart, product = shopper.cart, hostile["product"]
    assert_shown_as_text(client.get(f"/market/cart/{cart.pk}/"), PRODUCT)
    change = urlencode({"product": product.pk, "quantity": 2, "mode": "set"})
    response = client.put(f"/market/cart/{cart.pk}/", change, FORM, headers=htmx)
    assert "<html" not in response.text
    assert_shown_as_text(response, PRODUCT)  # the lines and the toast that names it
    refused = urlencode({"product": product.pk, "quantity": 99, "mode": "set"})
    response = client.put(f"/market/cart/{cart.pk}/", refused, FORM, headers=htmx)
    assert response.status_code == 422
    assert_shown_as_text(response, PRODUCT)


def test_the_csv_is_not_html_and_keeps_the_text(client, staff, hostile):
    client.force_login(staff)
    text = b"".join(client.get("/market/export/product").streaming_content).decode("utf-8-sig")
    assert "<script>alert(" in text
    assert "&lt;" not in text


def test_a_pictures_alt_text_is_the_name_as_text(client, shopper, hostile, settings, tmp_path):
    """The name is each picture's alt attribute, on the cards, the product page, the cart and
    the staff's edit page."""
    from apps.market import pictures
    from apps.market.models import ProductImage
    from tests.pictures import upload

    settings.MEDIA_ROOT = tmp_path
    product = hostile["product"]
    ProductImage.objects.add(product, [pictures.read(upload()), pictures.read(upload())])
    alt = f'alt="{escape_like_django(PRODUCT)}"'
    for url in ["/", "/market/products/", product.get_absolute_url()]:
        response = client.get(url)
        assert_shown_as_text(response, PRODUCT)
        assert alt in response.content.decode(), url
    client.force_login(shopper)
    response = client.get(shopper.cart.get_absolute_url())
    assert_shown_as_text(response, PRODUCT)
    assert alt in response.content.decode()
