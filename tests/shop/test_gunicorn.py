"""gunicorn.conf.py, the README's way to serve the shop: a CSV export streamed to a slow reader
is never cut off by gunicorn's worker timeout (SPEC §5: whatever the catalogue's size)."""

import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.servers import collect_static, gunicorn

ROOT = Path(__file__).resolve().parents[2]
PRODUCTS = 6000  # about 4 MB of CSV: far more than the sockets' buffers hold
TIMEOUT = 2  # gunicorn's worker timeout for the test, instead of 30 seconds

pytestmark = pytest.mark.processes

SEED = f"""
import django
django.setup()
from django.contrib.auth import get_user_model
from apps.market.models import Category, Product
users = get_user_model().objects
users.create_user("manager", "m@example.com", "manager-password-1", is_staff=True)
category = Category.objects.create(name="Склад")
Product.objects.bulk_create(
    Product(name=f"Товар {{n}}", price=1, stock=n, category=category, description="Описание " * 80)
    for n in range({PRODUCTS})
)
"""


def environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        DJANGO_SECRET_KEY="gunicorn-test-secret-key-" + "x" * 30,
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'shop.sqlite3'}",
    )
    return env


def log_in(base):
    """The session cookie of the staff account, logged in through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/users/user/login/", timeout=60) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    form = {"login": "manager", "password": "manager-password-1"}
    form["csrfmiddlewaretoken"] = token.group(1)
    opener.open(f"{base}/users/user/login/", urlencode(form).encode(), timeout=60).close()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def read_slowly(port, cookies):
    """Download the export the way a slow client does: a small receive window, 16 KB at a
    time with a pause after each, so that the download lasts several worker timeouts."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.connect(("127.0.0.1", port))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.sock = sock
    connection.request("GET", "/market/export/product", headers={"Cookie": cookies})
    response = connection.getresponse()
    assert response.status == 200
    body = b""
    try:
        while chunk := response.read(16 * 1024):
            body += chunk
            time.sleep(0.02)
    except http.client.IncompleteRead as cut_off:
        body += cut_off.partial
    finally:
        connection.close()
    return body.decode("utf-8", errors="replace")


def test_a_slow_reader_gets_the_whole_export(tmp_path):
    env = environment(tmp_path)
    python = [sys.executable]
    subprocess.run([*python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*python, "-c", SEED], cwd=ROOT, env=env, check=True)
    collect_static(env)
    args = ["-c", "gunicorn.conf.py", "--workers", "1", "--timeout", str(TIMEOUT)]
    with gunicorn(args, env) as base:
        started = time.monotonic()
        csv = read_slowly(urlsplit(base).port, log_in(base))
        took = time.monotonic() - started
    rows = csv.splitlines()
    assert took > 2 * TIMEOUT, "the download was not slow enough to test anything"
    assert len(rows) == PRODUCTS + 1, f"{len(rows)} lines after {took:.1f} s"
    assert rows[-1].startswith(f"{PRODUCTS},")
