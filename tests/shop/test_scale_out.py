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
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest

from tests.databases import postgresql_only
from tests.servers import free_port, redis_server, wait_until_listening

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
users.create_user("revoked", "revoked@example.com", "{password}", is_staff=True)
product = Product.objects.create(
    name="Чайник", price=1990, stock=100, category=Category.objects.create(name="Кухня")
)
ids = {{"cart": shopper.cart.pk, "product": product.pk, "category": product.category_id}}
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
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


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
    subprocess.run(
        [*python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    seeded = subprocess.run(
        [*python, "-c", SEED.format(password=PASSWORD)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = json.loads(seeded.stdout.strip().splitlines()[-1])
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                *python,
                "-m",
                "gunicorn",
                "shop.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_listening(port, process)
        yield urls, ids, database
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
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
