"""A large catalogue for the benchmark: a three-level tree of about 200 categories and N products
(10,000 by default), plus a shopper with 5 cart lines and a staff account."""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.market.models import Cart, Category, Product

ROOTS = ["Электроника", "Дом и кухня", "Одежда", "Обувь", "Книги", "Спорт", "Красота", "Детям"]
KINDS = ["Новинки", "Хиты", "Премиум", "Эконом", "Распродажа"]
SHELVES = ["Серия А", "Серия Б", "Серия В", "Серия Г"]
NOUNS = [
    "Чайник", "Термос", "Рюкзак", "Куртка", "Платье", "Смартфон", "Ноутбук", "Наушники",
    "Кроссовки", "Ботинки", "Лампа", "Кресло", "Сковорода", "Кастрюля", "Плед", "Подушка",
    "Книга", "Блокнот", "Мяч", "Гантели", "Коврик", "Палатка", "Фонарь", "Часы",
]  # fmt: skip
ADJECTIVES = [
    "стальной", "лёгкий", "тёплый", "компактный", "складной", "беспроводной", "классический",
    "детский", "дорожный", "домашний", "профессиональный", "зимний", "летний", "мягкий",
]  # fmt: skip

SHOPPER, STAFF, PASSWORD = "bench-shopper", "bench-staff", "bench-password-1"


@transaction.atomic
def seed(products=10_000, seed=42):
    """Fill an empty database. Returns (shopper, staff, a sample product, a sample category)."""
    rng = random.Random(seed)
    roots = Category.objects.bulk_create(Category(name=name) for name in ROOTS)
    kinds = Category.objects.bulk_create(
        Category(name=kind, parent=root) for root in roots for kind in KINDS
    )
    shelves = Category.objects.bulk_create(
        Category(name=shelf, parent=kind) for kind in kinds for shelf in SHELVES
    )
    Product.objects.bulk_create(
        (
            Product(
                name=f"{rng.choice(NOUNS)} {rng.choice(ADJECTIVES)} модель {n}",
                price=Decimal(rng.randrange(100, 100_000)) / 100 * 10,
                stock=rng.choice([0, 1, 2, 5, 10, 25, 100]),
                description=f"{rng.choice(ADJECTIVES).capitalize()} и надёжный. Артикул {n:06}.",
                category=rng.choice(shelves),
            )
            for n in range(products)
        ),
        batch_size=5000,
    )
    users = get_user_model().objects
    shopper = users.create_user(SHOPPER, f"{SHOPPER}@example.com", PASSWORD)
    staff = users.create_user(STAFF, f"{STAFF}@example.com", PASSWORD, is_staff=True)
    cart = Cart.objects.get(owner=shopper)
    for product in Product.objects.filter(stock__gte=10)[:5]:
        cart.change_line(product, 2)
    sample = Product.objects.filter(stock__gt=0).order_by("pk").first()
    return shopper, staff, sample, kinds[0]
