"""The catalogue pages run a fixed number of queries whatever the size of the catalogue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.market.forms import ProductFilterForm
from apps.market.models import Category, Product, ProductImage
from apps.market.views import catalogue

pytestmark = pytest.mark.django_db


def build_catalogue(categories, products):
    """`categories` in a three-level tree (roots, children, grandchildren) and `products`
    spread over them."""
    roots = Category.objects.bulk_create(
        Category(name=f"Раздел {n}") for n in range(max(1, categories // 10))
    )
    children = Category.objects.bulk_create(
        Category(name=f"Подраздел {n}", parent=roots[n % len(roots)])
        for n in range(max(1, categories // 3))
    )
    leaves = Category.objects.bulk_create(
        Category(name=f"Полка {n}", parent=children[n % len(children)])
        for n in range(categories - len(roots) - len(children))
    )
    everything = roots + children + leaves
    products = Product.objects.bulk_create(
        Product(
            name=f"Товар {n}",
            price=Decimal(n),
            stock=n % 3,
            category=everything[n % len(everything)],
            description="описание",
        )
        for n in range(products)
    )
    first = products[0]
    # Another of the first product's category for its page's "more in this category", and two
    # pictures for every product, the first main (rows only: no page reads the files).
    products.append(Product.objects.create(name="Сосед", price=1, category=first.category))
    ProductImage.objects.bulk_create(
        ProductImage(
            product=product,
            file=f"products/{product.pk}-{n}.webp",
            width=800,
            height=600,
            position=n,
            is_main=n == 0,
        )
        for product in products
        for n in range(2)
    )
    return roots[0], first


# Visitor: the tree is 2 queries (categories, product counts), a page of products 1 (its rows
# with their main pictures joined) and with a search 2 (how many it found, which the tree can't
# count); the category tree page shows the whole tree (every level, in the page) from those 2. A
# product page: the product, its pictures, and 4 more of its category with their main pictures.
PAGES = {
    "home": 3,
    "product_list": 4,
    "category_list": 2,
    "category_detail": 3,
    "product_detail": 5,
}
LOGGED_IN = 1  # the session with its user and the navbar's cart badge (apps/market/backends.py)


@pytest.mark.parametrize("size", [5, 200])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["visitor", "staff"])
def test_fixed_query_count(client, staff, django_assert_num_queries, size, page, role):
    root, product = build_catalogue(categories=size, products=size)
    if role == "staff":
        client.force_login(staff)
    url = {
        "home": reverse("home"),
        "product_list": reverse("market:product_list") + "?q=товар&in_stock=1&sort=-price",
        "category_list": reverse("market:category_list"),
        "category_detail": reverse("market:category_detail", args=[root.pk]) + "?page=2",
        "product_detail": product.get_absolute_url(),
    }[page]
    expected = PAGES[page] + (LOGGED_IN if role == "staff" else 0)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "filters", [{}, {"in_stock": "1"}, {"category": "root"}, {"category": "root", "in_stock": "1"}]
)
def test_without_a_search_no_query_counts_the_products(client, filters):
    root, _ = build_catalogue(categories=30, products=90)
    query = {**filters, "page": "2"}
    if "category" in query:
        query["category"] = root.pk
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("market:product_list"), query)
    products = Product.objects.all()
    if "category" in filters:
        products = products.in_categories(Category.objects.tree().subtree_ids(root.pk))
    if "in_stock" in filters:
        products = products.in_stock()
    assert response.context["page"].paginator.count == products.count()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert [sql for sql in counts if "GROUP BY" not in sql] == []  # the tree's own, no other


@pytest.mark.parametrize("sort", ProductFilterForm.SORTS)
def test_a_page_down_the_list_loads_the_rows_of_its_own_products_only(client, sort):
    """The product list picks a page's products by their ids (which a database reads from the
    sort's index), then loads their rows: a query for whole rows past an OFFSET sorted every
    product matching the filters, 10 ms for a page far down 10,000 products (BENCH.md)."""
    build_catalogue(categories=5, products=60)
    ordering = ProductFilterForm.SORTS[sort]
    expected = list(Product.objects.order_by(*ordering).values_list("pk", flat=True)[24:48])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("market:product_list"), {"sort": sort, "page": 2})
    assert [product.pk for product in response.context["products"]] == expected
    (rows,) = [q["sql"] for q in queries.captured_queries if " IN (SELECT " in q["sql"]]
    before, inner = rows.split(" IN (SELECT ")
    ids, after = inner.rsplit(")", 1)  # the subquery, and the outer query's ORDER BY
    assert "LIMIT 24 OFFSET 24" in ids
    assert "LIMIT" not in before + after


@pytest.mark.parametrize("sort", ProductFilterForm.SORTS)
def test_every_sort_of_the_product_list_is_the_order_of_an_index(sort):
    """An index read forwards or backwards: the page's ids without a sort of their own."""
    fields = [name.replace("pk", "id") for name in ProductFilterForm.SORTS[sort]]
    backwards = [name[1:] if name.startswith("-") else f"-{name}" for name in fields]
    indexes = [index.fields for index in Product._meta.indexes]
    assert fields in indexes or backwards in indexes


def fill_cart(user, lines):
    category = Category.objects.create(name=f"Корзинная {user.pk}")
    products = Product.objects.bulk_create(
        Product(name=f"Товар {n}", price=Decimal(10 + n), stock=100, category=category)
        for n in range(lines)
    )
    for product in products:
        user.cart.change_line(product, 2)
        ProductImage.objects.create(product=product, file="products/x.webp", width=1, height=1)
    return products


@pytest.mark.parametrize("lines", [1, 25])
def test_cart_page_query_count(client, shopper, django_assert_num_queries, lines):
    fill_cart(shopper, lines)
    client.force_login(shopper)
    # the session with the user and the navbar's badge, the cart, its lines with products and
    # totals, their main pictures
    with django_assert_num_queries(4):
        response = client.get(f"/market/cart/{shopper.cart.pk}/")
    assert len(response.context["lines"]) == lines


@pytest.mark.parametrize("carts", [2, 30])
def test_staff_cart_list_query_count(client, staff, make_user, django_assert_num_queries, carts):
    for n in range(carts):
        fill_cart(make_user(f"buyer{n}"), 2)
    client.force_login(staff)
    # the session with the user and the badge, the count for the pages, one page of carts with
    # owners and totals
    with django_assert_num_queries(3):
        response = client.get("/market/cart/")
    assert len(response.context["carts"]) == min(carts + 1, 25)  # and the staff member's own


@pytest.mark.parametrize("lines", [1, 25])
def test_cart_change_query_count(client, shopper, htmx, django_assert_num_queries, lines):
    products = fill_cart(shopper, lines)
    client.force_login(shopper)
    body = f"product={products[0].pk}&quantity=1&mode=add"
    # the session with the user, cart; the form: product, current line; the change in a
    # savepoint: lock, product, line, update, cart's last change; then the fragment: lines, their
    # pictures, badge
    with django_assert_num_queries(14):
        response = client.put(
            f"/market/cart/{shopper.cart.pk}/",
            body,
            "application/x-www-form-urlencoded",
            headers=htmx,
        )
    assert response.status_code == 200


def test_a_cards_main_picture_comes_whole_with_its_product(django_assert_num_queries):
    _, product = build_catalogue(categories=5, products=5)
    main = ProductImage.objects.get(product=product, is_main=True)
    ProductImage.objects.filter(pk=main.pk).update(position=7)
    with django_assert_num_queries(1):
        card = Product.objects.for_cards().get(pk=product.pk)
        image = card.main_image
        shown = (image.pk, image.product_id, image.file.name, image.width, image.height)
        assert shown == (main.pk, product.pk, main.file.name, 800, 600)
        assert (image.position, image.is_main) == (7, True)
        assert card.main_image is image  # made once


def ids_query(queries):
    """The ids subquery of the last cards query, up to its LIMIT."""
    rows = [q["sql"] for q in queries.captured_queries if " IN (SELECT " in q["sql"]][-1]
    return rows.split(" IN (SELECT ", 1)[1].split(" LIMIT ", 1)[0]


@pytest.mark.parametrize("sort", ProductFilterForm.SORTS)
@pytest.mark.parametrize("bound", [60, 59], ids=["matches-at-the-bound", "one-over-it"])
def test_a_search_with_few_matches_finds_them_first_in_the_same_order(
    client, monkeypatch, sort, bound
):
    """A search with few matches has them found first and then sorted (an order no index gives:
    a walk of the sort's index found the first of some searches after most of the catalogue),
    one with more walks the sort's index; either way its pages are the sort's own order."""
    build_catalogue(categories=5, products=60)
    products = list(Product.objects.filter(name__startswith="Товар").order_by("pk"))
    start = products[0].created
    for n, product in enumerate(products):
        # Names equal but for their case, in both orders of their ids (whatever the collation
        # puts first, a sort that ignored case would give one pair in the other order), equal
        # names, prices and times (ties by id), times against the ids' order.
        product.name = ["товар 1", "Товар 1", "Товар 2", "товар 2", "Товар 3"][n % 5]
        product.price = n % 7
        product.created = start - timedelta(minutes=n % 11)
    Product.objects.bulk_update(products, ["name", "price", "created"])
    monkeypatch.setattr(catalogue, "FEW_MATCHES", bound)  # 60 match
    expected = list(
        Product.objects.search("товар")
        .order_by(*ProductFilterForm.SORTS[sort])
        .values_list("pk", flat=True)
    )
    shown = []
    with CaptureQueriesContext(connection) as queries:
        for page in [1, 2, 3]:
            query = {"q": "товар", "sort": sort, "page": page}
            response = client.get(reverse("market:product_list"), query)
            shown += [product.pk for product in response.context["products"]]
    assert shown == expected
    field = ProductFilterForm.SORTS[sort][0].removeprefix("-")
    walks_the_index = f'ORDER BY U0."{field}" ' in ids_query(queries)
    assert walks_the_index == (len(expected) > bound)
