"""Scale-out (issue 8): two app servers on one PostgreSQL and one Redis act as one shop.

Two gunicorn instances on two ports share a database of their own and a Redis server the test
starts (so that parallel runs never meet, and the shared servers are left alone): a login
on one is valid on the other, cart additions sent to both at once lose nothing, a staff edit
made on one shows on the other at once (its cached pages included), and so do rights taken away.
"""

import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest
import redis

from tests.databases import postgresql_only
from tests.servers import RedisServer, collect_static, gunicorn

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "scale-out-password-1"

pytestmark = [pytest.mark.processes, postgresql_only("two servers on one PostgreSQL and Redis")]

SEED = """
import django, json
django.setup()
from django.contrib.auth import get_user_model
from django.core.cache import cache
from apps.market.models import Category, Product
cache.clear()
users = get_user_model().objects
shopper = users.create_user("buyer", "buyer@example.com", "{password}")
users.create_user("manager", "manager@example.com", "{password}", is_staff=True)
second = users.create_user("buyer2", "buyer2@example.com", "{password}")
users.create_user("revoked", "revoked@example.com", "{password}", is_staff=True)
product = Product.objects.create(
    name="Чайник", price=1990, stock=100, category=Category.objects.create(name="Кухня")
)
ids = {{
    "cart": shopper.cart.pk,
    "cart2": second.cart.pk,
    "product": product.pk,
    "category": product.category_id,
}}
print(json.dumps(ids))
"""


class Browser:
    """A client with its own cookies, speaking to whichever server it is given."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, url, data=None, method=None, headers=None):
        body = urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, body, headers=headers or {}, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)

    def log_in(self, server, username):
        _, _, page = self.request(f"{server}/users/user/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        status, url, _ = self.request(f"{server}/users/user/login/", form)
        assert (status, urlsplit(url).path) == (200, "/")

    def put(self, url, data):
        headers = {"X-CSRFToken": self.cookie("csrftoken"), "Referer": url}
        return self.request(url, data, method="PUT", headers=headers)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """The shared Redis, which a test may stop and start again."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def redis_url(redis_server):
    return redis_server.url


@pytest.fixture(scope="module")
def servers(redis_url):
    """Two gunicorn instances sharing one new PostgreSQL database and one Redis server."""
    name = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/") + "_scale_out"
    database = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    admin = urlsplit(database)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
    }
    python = [sys.executable]
    subprocess.run([*python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    collect_static(env)
    seeded = subprocess.run(
        [*python, "-c", SEED.format(password=PASSWORD)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = json.loads(seeded.stdout.strip().splitlines()[-1])
    try:
        with ExitStack() as stack:
            args = ["shop.wsgi", "--workers", "2"]
            urls = [stack.enter_context(gunicorn(args, env)) for _server in range(2)]
            yield urls, ids, database
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_login_on_one_server_is_valid_on_the_other(servers):
    (first, second), ids, _database = servers
    browser = Browser()
    browser.log_in(first, "buyer")
    status, url, page = browser.request(f"{second}/market/cart/{ids['cart']}/")
    assert (status, urlsplit(url).path) == (200, f"/market/cart/{ids['cart']}/")
    assert "Ваша корзина" in page


def test_adds_sent_to_both_servers_at_once_lose_nothing(servers):
    (first, second), ids, _database = servers
    browser = Browser()
    browser.log_in(second, "buyer")
    barrier = threading.Barrier(20)
    statuses = []

    def add(server):
        barrier.wait()
        data = {"product": ids["product"], "quantity": 1, "mode": "add"}
        statuses.append(browser.put(f"{server}/market/cart/{ids['cart']}/", data)[0])

    threads = [threading.Thread(target=add, args=([first, second][n % 2],)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 20  # each sent back to the cart
    _, _, page = browser.request(f"{first}/market/cart/{ids['cart']}/")
    assert re.search(r'name="quantity" value="20"', page)


def test_a_staff_edit_on_one_server_shows_on_the_other_at_once(servers):
    (first, second), ids, _database = servers
    product_url = f"/market/products/{ids['product']}/"
    visitor = Browser()
    assert "Чайник" in visitor.request(second + product_url)[2]  # now cached
    assert "Чайник" in visitor.request(second + product_url)[2]
    staff = Browser()
    staff.log_in(first, "manager")
    data = {"name": "Самовар", "price": "5000", "stock": "7", "category": ids["category"]}
    assert staff.put(first + product_url, data)[0] == 303
    status, _, page = visitor.request(second + product_url)
    assert status == 200
    assert "Самовар" in page
    assert "Самовар" in visitor.request(f"{second}/market/products/")[2]


def test_rights_taken_away_end_at_once_on_both_servers(servers):
    """A staff account demoted with a plain UPDATE (no signal, no admin) loses its staff pages
    on the very next request, on either server, although each had just served it one."""
    (first, second), _ids, database = servers
    staff = Browser()
    staff.log_in(first, "revoked")
    for server in (first, second):
        assert staff.request(f"{server}/history/")[0] == 200
    with psycopg.connect(database, autocommit=True) as db:
        db.execute("UPDATE auth_user SET is_staff = false WHERE username = 'revoked'")
    for server in (first, second):
        assert staff.request(f"{server}/history/")[0] == 403


def test_two_shoppers_alternating_on_two_servers_see_only_their_own(servers):
    """The catalogue's pages are kept once in the shared Redis and served to both shoppers by
    both servers: each sees their own name, badge, cart, CSRF token and messages in them."""
    (first, second), ids, _database = servers
    shoppers = {"buyer": Browser(), "buyer2": Browser()}
    carts = {"buyer": ids["cart"], "buyer2": ids["cart2"]}
    for name, browser in shoppers.items():
        browser.log_in(first, name)
    pages = ["/", "/market/products/", f"/market/products/{ids['product']}/"]
    pages.append(f"/market/category/{ids['category']}/")
    for round_number in range(3):
        for page in pages:
            for name, browser in shoppers.items():
                other = "buyer2" if name == "buyer" else "buyer"
                server = [first, second][round_number % 2]
                status, _, html = browser.request(server + page)
                assert status == 200
                assert f">{name}</a>" in html
                assert f">{other}</a>" not in html
                cart_address = f"/market/cart/{carts[name]}/"
                badge = rf'id="cart-badge" data-count="\d+"[^>]*href="{cart_address}"'
                assert re.search(badge, html)
                assert f"/market/cart/{carts[other]}/" not in html
                token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
                headers = {"X-CSRFToken": token, "Referer": server + page}
                data = {"language": "ru", "next": "/"}
                assert browser.request(f"{server}/i18n/setlang/", data, headers=headers)[0] == 200
    buyer = shoppers["buyer2"]
    change = {"product": ids["product"], "quantity": 1, "next": "/market/products/"}
    assert buyer.put(f"{first}/market/cart/{ids['cart2']}/", change)[0] == 303
    for server in (second, first):
        _, _, html = shoppers["buyer"].request(f"{server}/market/products/")
        assert "toast show" not in html
    assert "toast show" in buyer.request(f"{second}/market/products/")[2]


def test_a_staff_page_never_reaches_a_shopper(servers):
    (first, second), ids, _database = servers
    staff, shopper = Browser(), Browser()
    staff.log_in(first, "manager")
    shopper.log_in(second, "buyer")
    edit = f'href="/market/products/{ids["product"]}/edit/"'
    for _ in range(3):
        for server in (first, second):
            assert edit in staff.request(f"{server}/market/products/")[2]
            assert edit not in shopper.request(f"{server}/market/products/")[2]
            assert edit not in Browser().request(f"{server}/market/products/")[2]


def in_cart(browser, cart_url, product):
    """The quantity of `product` on the cart page: its line's quantity field, or 0."""
    html = browser.request(cart_url)[2]
    field = re.search(
        rf'<input type="number" name="quantity" value="(\d+)"[^>]*id="quantity-{product}"', html
    )
    return int(field.group(1)) if field else 0


def test_a_retried_add_sent_to_both_servers_at_once_is_made_once(servers):
    (first, second), ids, _database = servers
    browser = Browser()
    browser.log_in(first, "buyer2")
    url = f"/market/cart/{ids['cart2']}/"
    before = in_cart(browser, first + url, ids["product"])  # other tests add to it too
    barrier = threading.Barrier(2)
    statuses = []
    token = secrets.token_urlsafe(16)
    data = {"product": ids["product"], "quantity": 3, "mode": "add", "token": token}

    def send(server):
        barrier.wait()
        statuses.append(browser.put(server + url, data)[0])

    threads = [threading.Thread(target=send, args=(server,)) for server in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303, 303]
    assert in_cart(browser, second + url, ids["product"]) == before + 3


def test_redis_stopped_mid_run_then_back(servers, redis_server):
    """Both servers keep serving (uncached) and keep their shoppers logged in while Redis is
    away, and cache again once it is back."""
    (first, second), _ids, _database = servers
    shopper = Browser()
    shopper.log_in(first, "buyer")
    redis_server.stop()
    try:
        for _ in range(3):
            for server in (first, second):
                for page in ("/", "/market/products/", "/market/category/"):
                    assert Browser().request(server + page)[0] == 200
                    status, _, html = shopper.request(server + page)
                    assert (status, ">buyer</a>" in html) == (200, True)
                assert Browser().request(f"{server}/healthz")[0] == 200
        Browser().log_in(second, "buyer2")  # allauth's limits don't refuse logins meanwhile
    finally:
        redis_server.start()
    deadline = time.monotonic() + 60
    with redis.Redis.from_url(redis_server.url) as client:
        while client.dbsize() == 0:  # pages (and the sessions' copies) are kept again
            assert time.monotonic() < deadline, "nothing was cached again"
            for server in (first, second):
                shopper.request(f"{server}/market/products/")
                Browser().request(f"{server}/market/products/")
            time.sleep(0.1)
    assert ">buyer</a>" in shopper.request(f"{second}/market/products/")[2]
