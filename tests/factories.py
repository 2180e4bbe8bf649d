"""Small helpers that build catalogue rows for tests, with sensible defaults."""

from decimal import Decimal

from apps.market.models import Category, Product

PASSWORD = "correct-horse-battery-staple"  # every test user's password


def make_category(name="Электроника", parent=None):
    return Category.objects.create(name=name, parent=parent)


def make_product(category=None, name="Чайник", price="1990.00", stock=5, **fields):
    return Product.objects.create(
        name=name,
        price=Decimal(price),
        stock=stock,
        category=category or make_category(f"Категория для {name}"),
        **fields,
    )
