"""Checkouts at the same moment (SPEC §8): the last units are never oversold, and one form sent
twice at once places one order, on PostgreSQL and on SQLite.

The requests are released together by a barrier, each through the real views in its own thread
with its own database connection; nothing waits on the clock.
"""

import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from apps.market.models import CartItem, Product
from apps.orders.models import Order
from tests.concurrency import at_once
from tests.databases import postgresql_only
from tests.factories import make_category, make_product
from tests.orders.conftest import checkout_form
from tests.orders.factories import place_order

SHOPPERS = 8
DOUBLE_CLICKS = 6
ROOT = Path(__file__).resolve().parents[2]


def post_at_once(clients_and_forms):
    """POST /orders/ from every (client, form) at the same moment; their status codes and
    Location headers."""

    def post(client, form):
        response = client.post("/orders/", form)
        return response.status_code, response.get("Location")

    return at_once([partial(post, *pair) for pair in clients_and_forms])


def last_units_race(make_user):
    """SHOPPERS shoppers, each with 1 of the last 3 units in their cart, check out at once."""
    product = make_product(make_category("Кухня"), "Последний чайник", stock=3)
    pairs = []
    for number in range(SHOPPERS):
        user = make_user(f"buyer{number}")
        CartItem.objects.create(cart=user.cart, product=product, quantity=1)
        client = Client()
        client.force_login(user)
        pairs.append((client, checkout_form(client)))
    statuses = sorted(status for status, _ in post_at_once(pairs))
    return statuses, Product.objects.get(pk=product.pk).stock, Order.objects.count()


def double_submit(make_user):
    """One shopper's checkout form sent DOUBLE_CLICKS times at once."""
    user = make_user("clicker")
    product = make_product(make_category("Посуда"), "Кружка", stock=10)
    CartItem.objects.create(cart=user.cart, product=product, quantity=2)
    client = Client()
    client.force_login(user)
    form = checkout_form(client)
    answers = post_at_once([(client, form)] * DOUBLE_CLICKS)
    return (
        answers,
        Product.objects.get(pk=product.pk).stock,
        list(Order.objects.filter(user=user).values_list("pk", flat=True)),
    )


postgres_only = postgresql_only("row locks under real concurrency (SQLite has its own test)")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_last_three_units_go_to_exactly_three_shoppers(make_user):
    statuses, stock, orders = last_units_race(make_user)
    assert statuses == [303] * 3 + [422] * (SHOPPERS - 3)
    assert (stock, orders) == (0, 3)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_form_sent_twice_at_once_places_one_order(make_user):
    answers, stock, orders = double_submit(make_user)
    assert len(orders) == 1
    assert answers == [(303, f"/orders/{orders[0]}/")] * DOUBLE_CLICKS
    assert stock == 8


def waiting_for_locks():
    """How many other connections to this database wait for a lock now."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def until_waiting(count):
    """Whether `count` other connections come to wait for a lock (looked at every 50 ms, for
    as long as two minutes: a condition, not a budget)."""
    for _ in range(2400):
        if waiting_for_locks() >= count:
            return True
        time.sleep(0.05)
    return False


def logged_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_cancel_and_checkout_of_the_same_two_products_never_deadlock(make_user):
    """A cancel puts stock back, a checkout takes it, both in primary-key order: they queue.
    (The cancel's UPDATE alone locked the rows in the order it read them, the table's order,
    which an edit changes: the two deadlocked and PostgreSQL killed one, a 500.)"""
    kitchen = make_category("Кухня")
    kettle = make_product(kitchen, "Чайник", "100.00", stock=10)  # lower pk
    mug = make_product(kitchen, "Кружка", "10.00", stock=10)  # higher pk
    owner, buyer = make_user("owner"), make_user("buyer")
    order = place_order(owner, {kettle: 1, mug: 1})
    # Any later change to the kettle (a staff edit, another order) moves its row behind the
    # mug's in the table's heap.
    Product.objects.get(pk=kettle.pk).save()
    CartItem.objects.create(cart=buyer.cart, product=kettle, quantity=1)
    CartItem.objects.create(cart=buyer.cart, product=mug, quantity=1)
    owner_client, buyer_client = logged_in(owner), logged_in(buyer)
    form = checkout_form(buyer_client)

    holding, release = threading.Event(), threading.Event()
    answers, errors = {}, []

    def hold_the_kettle():  # whatever holds the first product a moment (a cart change, say)
        try:
            with transaction.atomic():
                list(Product.objects.select_for_update().filter(pk=kettle.pk))
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def run(name, call):
        try:
            answers[name] = call().status_code
        except Exception as error:
            errors.append((name, repr(error)))
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_kettle)
    holder.start()
    assert holding.wait(timeout=20)
    checkout = threading.Thread(
        target=run, args=("checkout", lambda: buyer_client.post("/orders/", form))
    )
    checkout.start()
    assert until_waiting(1)  # the checkout waits for the kettle (it holds nothing yet)
    cancel = threading.Thread(
        target=run,
        args=("cancel", lambda: owner_client.post(f"/orders/{order.pk}/cancel")),
    )
    cancel.start()
    assert until_waiting(2)  # the cancel has locked the mug and waits for the kettle
    release.set()
    for thread in (holder, checkout, cancel):
        thread.join(timeout=60)
    assert errors == []
    assert answers == {"checkout": 303, "cancel": 303}
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


SQLITE_SCENARIO = """
import django, sys
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test.utils import setup_test_environment
setup_test_environment()  # responses keep their context; email goes to a list in memory
call_command("migrate", verbosity=0)
from shop.tasks import in_process
from tests.orders.test_concurrency import double_submit, last_units_race

def make_user(username):
    return get_user_model().objects.create_user(username, f"{username}@example.com", "x")

print(repr(last_units_race(make_user)))
print(repr(double_submit(make_user)))
in_process.wait()
"""


def test_the_same_holds_on_sqlite_the_default_setup(tmp_path):
    """On a fresh SQLite file, as the shop runs (the test database lives in memory)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_SCENARIO],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    race, double = result.stdout.strip().splitlines()
    assert race == repr(([303] * 3 + [422] * (SHOPPERS - 3), 0, 3))
    answers, stock, orders = eval(double)  # noqa: S307  (our own repr, from our own script)
    assert len(orders) == 1
    assert answers == [(303, f"/orders/{orders[0]}/")] * DOUBLE_CLICKS
    assert stock == 8
