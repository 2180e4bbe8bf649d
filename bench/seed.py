"""A large catalogue for the benchmark: a three-level tree of about 200 categories and N products
(10,000 by default), plus a shopper with 5 cart lines and a staff account; 2,000 orders for the
staff's order list and shoppers to place more (seed_orders)."""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.market.models import Cart, Category, Product
from apps.orders.models import Order, OrderLine

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
    lines = list(Product.objects.filter(stock__gte=10).order_by("pk")[:5])
    for product in lines:
        cart.change_line(product, 2)
    # The product page's target, and the cart PUT's: a product of the cart, which the PUT sets to
    # the quantity it has, so that the badge the shopper's pages are checked for stays as it is.
    return shopper, staff, lines[0], kinds[0]


BUYERS = 4  # shoppers placing orders at the same time in the checkout benchmark


@transaction.atomic
def seed_orders(shopper, count=2000):
    """`count` orders of `shopper` with three lines each, in every status, for the staff's
    order list; and BUYERS shoppers who will check out a product that never runs out. Returns
    (the buyers, that product)."""
    products = list(Product.objects.order_by("pk")[:30])
    statuses = [status for status, _ in Order.Status.choices]
    orders = Order.objects.bulk_create(
        Order(
            user=shopper,
            status=statuses[n % len(statuses)],
            paid=n % 3 == 0,
            name="Покупатель Бенчмарков",
            email=shopper.email,
            phone="+7 900 000-00-00",
            delivery="courier",
            address="Москва, ул. Тверская, д. 1",
            payment="invoice",
            total=sum(p.price for p in products[n % 10 : n % 10 + 3]),
            token=f"bench-{n}",
        )
        for n in range(count)
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=p, name=p.name, price=p.price, quantity=1)
        for n, order in enumerate(orders)
        for p in products[n % 10 : n % 10 + 3]
    )
    endless = Product.objects.create(
        name="Чайник для бенчмарка",
        price=Decimal("1990.00"),
        stock=10**9,
        category=products[0].category,
    )
    users = get_user_model().objects
    buyers = [
        users.create_user(f"bench-buyer-{n}", f"bench-buyer-{n}@example.com", PASSWORD)
        for n in range(BUYERS)
    ]
    return buyers, endless
