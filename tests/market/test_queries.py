"""The catalogue pages run a fixed number of queries whatever the size of the catalogue."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.market.models import Category, Product

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
    Product.objects.bulk_create(
        Product(
            name=f"Товар {n}",
            price=Decimal(n),
            stock=n % 3,
            category=everything[n % len(everything)],
            description="описание",
        )
        for n in range(products)
    )
    return roots[0], Product.objects.order_by("pk").first()


# Visitor: the tree is 2 queries (categories, product counts), a page of products 2 (count, rows).
PAGES = {
    "home": 3,
    "product_list": 4,
    "category_list": 2,
    "category_detail": 4,
    "product_detail": 3,
}
LOGGED_IN = 3  # session, user, cart badge


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
