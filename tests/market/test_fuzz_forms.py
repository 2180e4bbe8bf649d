"""Fuzzed forms (issue 7): the product, category and cart forms and the product filters get
arbitrary text, numbers at and past their bounds, non-numeric ids, very long strings, NUL bytes
and odd Unicode. No answer is a 500 (the test client would raise it), a refusal (422) changes
nothing, and whatever is saved keeps the field rules.

The fixtures (a logged-in client, a few rows) are made once per test and shared by its examples on
purpose: each example is judged against the state it finds, so what an earlier one saved does no
harm. Hence the function-scoped fixture health check is off for these tests only.
"""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.market.models import CartItem, Category, Product
from tests.factories import make_category, make_product
from tests.fuzz import IDS, field, form, shared_fixtures

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
MAX_PRICE = Decimal("99999999.99")


@pytest.fixture
def shelf(db):
    kitchen = make_category("Кухня")
    kettles = make_category("Чайники", parent=kitchen)
    kettle = make_product(kettles, "Чайник", "1990.00", stock=5)
    sold_out = make_product(kettles, "Самовар", "9990.00", stock=0)
    return {"root": kitchen, "child": kettles, "product": kettle, "sold_out": sold_out}


def ids(*known):
    return st.one_of(IDS, st.sampled_from([str(pk) for pk in known]))


def product_forms(shelf):
    return form(
        optional={
            "name": field("", " ", "a", "x" * 200, "x" * 201),
            "price": field(
                "0", "0.00", "-0.01", "0.001", "1.005", MAX_PRICE, "100000000.00", "99999999.995"
            ),
            "description": field(),
            "stock": field(0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63),
            "category": ids(shelf["root"].pk, shelf["child"].pk),
        }
    )


def category_forms(shelf):
    return form(
        optional={
            "name": field("", "a", "x" * 100, "x" * 101, "кухня", "КУХНЯ", "Чайники"),
            "parent": ids(shelf["root"].pk, shelf["child"].pk, ""),
        }
    )


def assert_valid_product(product):
    assert 1 <= len(product.name) <= 200
    assert product.name == product.name.strip()
    assert "\x00" not in product.name + product.description
    assert Decimal(0) <= product.price <= MAX_PRICE
    assert product.price == product.price.quantize(Decimal("0.01"))
    assert product.stock >= 0
    assert Category.objects.filter(pk=product.category_id).exists()


def assert_valid_tree():
    """Every category has a valid name and reaches the root: no cycles."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    for category in Category.objects.all():
        assert 1 <= len(category.name) <= 100
        assert "\x00" not in category.name
        seen, current = set(), category.pk
        while current is not None:
            assert current not in seen, f"cycle through {category.pk}"
            seen.add(current)
            current = parents[current]


def rows(model):
    return list(model.objects.order_by("pk").values_list())


@shared_fixtures
@given(data=st.data())
def test_product_create(staff_client, shelf, data):
    body = data.draw(product_forms(shelf))
    before = rows(Product)
    response = staff_client.post("/market/products/", body)
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert rows(Product) == before
    else:
        assert len(rows(Product)) == len(before) + 1
        assert_valid_product(Product.objects.latest("pk"))


@shared_fixtures
@given(data=st.data(), htmx=st.booleans())
def test_product_update(staff_client, shelf, data, htmx):
    product = shelf["product"]
    body = data.draw(product_forms(shelf))
    before = rows(Product)
    headers = {"HX-Request": "true"} if htmx else {}
    response = staff_client.put(
        f"/market/products/{product.pk}/", urlencode(body), FORM, headers=headers
    )
    assert response.status_code in (200 if htmx else 303, 422)
    if response.status_code == 422:
        assert rows(Product) == before
    else:
        assert_valid_product(Product.objects.get(pk=product.pk))


@shared_fixtures
@given(data=st.data())
def test_category_create(staff_client, shelf, data):
    body = data.draw(category_forms(shelf))
    before = rows(Category)
    response = staff_client.post("/market/category/", body)
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert rows(Category) == before
    else:
        assert len(rows(Category)) == len(before) + 1
    assert_valid_tree()


@shared_fixtures
@given(data=st.data(), which=st.sampled_from(["root", "child"]))
def test_category_update(staff_client, shelf, data, which):
    """Including moves under itself or its own subcategory, which must be refused."""
    category = shelf[which]
    body = data.draw(category_forms(shelf))
    before = rows(Category)
    response = staff_client.put(f"/market/category/{category.pk}/", urlencode(body), FORM)
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert rows(Category) == before
    assert_valid_tree()


@shared_fixtures
@given(data=st.data(), htmx=st.booleans())
def test_cart_change(shopper_client, shopper, shelf, data, htmx):
    cart = shopper.cart
    body = data.draw(
        form(
            optional={
                "product": ids(shelf["product"].pk, shelf["sold_out"].pk),
                "quantity": field(0, 1, 5, 6, -1, 2**31, 2**63, "1.0"),
                "mode": field("set", "add", "SET", "remove"),
                "next": field("/", "//evil.example.com/", "https://evil.example.com/"),
            }
        )
    )
    before = rows(CartItem)
    headers = {"HX-Request": "true"} if htmx else {}
    response = shopper_client.put(
        f"/market/cart/{cart.pk}/", urlencode(body), FORM, headers=headers
    )
    assert response.status_code in (200 if htmx else 303, 422)
    if response.status_code == 422:
        assert rows(CartItem) == before
    if response.status_code == 303:  # never off the site, whatever `next` said
        assert response["Location"].startswith("/")
        assert not response["Location"].startswith("//")
    for line in CartItem.objects.select_related("product"):
        assert 1 <= line.quantity <= line.product.stock


def filter_queries(shelf):
    return form(
        optional={
            "q": field("", "чайник", "x" * 200, "x" * 201),
            "category": ids(shelf["root"].pk, shelf["child"].pk, ""),
            "in_stock": field("1", "0", "true", "false", "on"),
            "sort": field("name", "price", "-price", "-created", "created", "?", "pk"),
            "page": field(1, 0, -1, 2, 99999, "last", "1e3"),
        }
    )


@shared_fixtures
@given(data=st.data(), htmx=st.booleans())
def test_product_list_filters(client, shelf, data, htmx):
    query = data.draw(filter_queries(shelf))
    headers = {"HX-Request": "true"} if htmx else {}
    for path in ("/market/products/", f"/market/category/{shelf['root'].pk}/"):
        response = client.get(path, query, headers=headers)
        assert response.status_code in (200, 422)


@shared_fixtures
@given(data=st.data())
def test_export_filters(staff_client, shelf, data):
    response = staff_client.get("/market/export/product", data.draw(filter_queries(shelf)))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # rows are made as it streams
    assert text.startswith("id,name,category,price,stock,description,created,updated")
