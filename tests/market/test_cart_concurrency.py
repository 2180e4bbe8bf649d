"""Concurrent changes to one cart lose no update and never oversell (SPEC §3, issue 5).

Twenty requests arrive at the same moment (a barrier releases them together), each through the
real view in its own thread with its own database connection.
"""

import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client

from apps.market.models import Cart, CartItem, Product
from tests.concurrency import at_once
from tests.databases import postgresql_only
from tests.factories import make_category, make_product

THREADS = 20
ROOT = Path(__file__).resolve().parents[2]


def add_one_at_once(user, cart, product):
    """PUT mode=add quantity=1 from THREADS clients at the same moment; their status codes."""
    body = urlencode({"product": product.pk, "quantity": 1, "mode": "add"})

    def add(client):
        response = client.put(f"/market/cart/{cart.pk}/", body, "application/x-www-form-urlencoded")
        return response.status_code

    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return at_once([partial(add, client) for client in clients])


postgres_only = postgresql_only("row locks under real concurrency (SQLite has its own test)")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_adds_of_one_give_twenty(make_user):
    user = make_user("buyer")
    product = make_product(make_category("Кухня"), "Чайник", stock=100)
    statuses = add_one_at_once(user, user.cart, product)
    assert statuses == [303] * THREADS
    assert CartItem.objects.get(cart=user.cart, product=product).quantity == THREADS


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_with_ten_in_stock_ten_adds_win_and_ten_are_refused(make_user):
    user = make_user("buyer")
    product = make_product(make_category("Кухня"), "Чайник", stock=10)
    statuses = add_one_at_once(user, user.cart, product)
    assert sorted(statuses) == [303] * 10 + [422] * 10
    assert CartItem.objects.get(cart=user.cart, product=product).quantity == 10


SQLITE_SCENARIO = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from tests.databases import postgresql_only
from tests.factories import make_category, make_product
from tests.market.test_cart_concurrency import add_one_at_once
from apps.market.models import CartItem

user = get_user_model().objects.create_user("buyer", password="x")
plenty = make_product(make_category("Кухня"), "Чайник", stock=100)
few = make_product(plenty.category, "Кружка", stock=10)
print(sorted(add_one_at_once(user, user.cart, plenty)))
print(sorted(add_one_at_once(user, user.cart, few)))
print(sorted(CartItem.objects.values_list("product__name", "quantity")))
"""


def test_the_same_holds_on_sqlite_the_default_setup(tmp_path):
    """SQLite's test database lives in memory, shared in a way that refuses concurrent writers
    outright; the shop's real setup is a file, so this runs the scenario on a fresh file."""
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
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    plenty, few, quantities = result.stdout.strip().splitlines()
    assert plenty == str([303] * THREADS)
    assert few == str([303] * 10 + [422] * 10)
    assert quantities == str([("Кружка", 10), ("Чайник", THREADS)])


def deleted_in_the_shop(product):
    return "DELETE", f"/market/products/{product.pk}/", {}, 303


def deleted_in_the_admin(product):  # the list's bulk action, confirmed
    data = {"action": "delete_selected", "_selected_action": product.pk, "post": "yes"}
    return "POST", "/admin/market/product/", data, 302


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("deletion_of", [deleted_in_the_shop, deleted_in_the_admin])
def test_a_product_deleted_while_a_cart_change_holds_it_goes_with_the_new_line(
    make_user, monkeypatch, deletion_of
):
    """Staff delete a product while a shopper's change to it is under way: the deletion waits
    for the change to commit, then takes the new line with it. (Before, the deletion went
    first and the change failed at commit on the line's foreign key: a 500.)"""
    buyer = make_user("buyer")
    manager = make_user("manager", is_staff=True, is_superuser=True)
    product = make_product(make_category("Кухня"), "Чайник", stock=5)
    holding, release = threading.Event(), threading.Event()
    quantity_after = Cart.quantity_after

    def pause_inside_the_change(cart, *args, **kwargs):
        if connection.in_atomic_block:  # in change_line, not in the form's first check
            holding.set()
            release.wait(timeout=60)
        return quantity_after(cart, *args, **kwargs)

    monkeypatch.setattr(Cart, "quantity_after", pause_inside_the_change)
    answers = {}

    def send(name, user, method, path, data):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            body = urlencode(data)
            answers[name] = client.generic(method, path, body, "application/x-www-form-urlencoded")
        finally:
            connection.close()

    change = threading.Thread(
        target=send,
        args=(
            "change",
            buyer,
            "PUT",
            f"/market/cart/{buyer.cart.pk}/",
            {"product": product.pk, "quantity": 1, "mode": "add"},
        ),
    )
    change.start()
    assert holding.wait(timeout=60)
    method, path, data, deleted = deletion_of(product)
    deletion = threading.Thread(target=send, args=("deletion", manager, method, path, data))
    deletion.start()
    # Go on once the deletion waits for a lock, or has finished without waiting.
    with connection.cursor() as cursor:
        for _ in range(600):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0] or not deletion.is_alive():
                break
            deletion.join(timeout=0.1)
    release.set()
    change.join()
    deletion.join()
    assert answers["change"].status_code == 303
    assert answers["deletion"].status_code == deleted
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not CartItem.objects.exists()
