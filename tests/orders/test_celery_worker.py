"""With TASKS_BROKER_URL set, the emails go through a real Celery worker process (SPEC §1, §8):
the test starts a Redis server of its own on a free port, an SMTP server and `celery -A
shop.tasks worker` on the test database, places an order through the app, and the email
arrives from the worker."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.orders.conftest import checkout_form
from tests.orders.smtp import SMTPServer, free_port, parts
from tests.servers import redis_server

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def wait_for_line(process, text, lines):
    """Read the process's output until a line holds `text` (the output is kept in `lines`)."""
    for line in process.stdout:
        lines.append(line)
        if text in line:
            return
    raise RuntimeError("the process ended before saying: " + text + "\n" + "".join(lines))


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


def database_url():
    """The test database, as DATABASE_URL names it, for the worker."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.fixture
def worker(redis_url, settings):
    smtp_port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DJANGO_SECRET_KEY": "worker-test-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "shop.example.com",
        "DJANGO_SITE_URL": "https://shop.example.com",
        "DATABASE_URL": database_url(),
        "TASKS_BROKER_URL": redis_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    command = [sys.executable, "-m", "celery", "-A", "shop.tasks", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    # This process hands tasks to the same broker.
    settings.TASKS_BROKER_URL = redis_url
    try:
        wait_for_line(process, " ready.", lines)
        yield smtp_port, process, lines
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_a_worker_process_sends_the_order_email(shopper_client, filled_cart, worker):
    smtp_port, process, lines = worker
    with SMTPServer(smtp_port) as inbox:
        response = shopper_client.post("/orders/", checkout_form(shopper_client))
        assert response.status_code == 303
        number = response["Location"].split("/")[2]
        assert inbox.wait_for(1, timeout=120), "".join(lines)
    subject, text, html = parts(inbox.messages[0][1])
    assert subject == f"Заказ № {number} оформлен"
    assert f"https://shop.example.com/orders/{number}/" in text
    assert "5 031,50 ₽" in html
    # The worker did it, not this process.
    process.terminate()
    output = "".join(lines) + process.communicate(timeout=60)[0]
    assert re.search(r"Task apps\.orders\.tasks\.send_order_email\[[\w-]+\] succeeded", output)
