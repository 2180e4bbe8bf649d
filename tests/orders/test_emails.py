"""The emails of an order (SPEC §8) through a real SMTP server the test starts: text and HTML,
in the language the order was placed in, with links to the shop's own address; sent after the
commit and outside the request, so a mail server that is down or slow never fails or slows a
checkout, and a failed email is retried until it goes.

These tests commit (transactional_db), so the after-commit tasks run, in this process's task
threads (TASKS_BROKER_URL unset); `in_process.wait()` waits for them instead of sleeping.
"""

import pytest
from django.core import mail

from apps.orders.models import Order
from shop.tasks import app as celery_app
from shop.tasks import in_process
from tests.orders.conftest import checkout_form
from tests.orders.smtp import SMTPServer, free_port, parts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 30
    settings.SITE_URL = "https://shop.example.com"
    settings.DEFAULT_FROM_EMAIL = "orders@shop.example.com"
    return port


@pytest.fixture
def quick_retries(settings):
    """Retries every few hundredths of a second, as long as it takes (tests wait for the
    outcome on a condition, not for a time)."""
    settings.TASKS_RETRY_DELAY = 0.02
    settings.TASKS_RETRY_MAX_DELAY = 0.1
    settings.TASKS_MAX_RETRIES = 100_000


def place(client, language="ru"):
    response = client.post("/orders/", checkout_form(client), headers={"Accept-Language": language})
    assert response.status_code == 303
    return Order.objects.get(pk=response["Location"].split("/")[2])


def test_the_order_email_in_russian(shopper_client, filled_cart, smtp_port):
    with SMTPServer(smtp_port) as inbox:
        order = place(shopper_client)
        assert in_process.wait()
    [(recipients, message)] = inbox.messages
    assert recipients == ["anna@example.com"]
    assert message["From"] == "orders@shop.example.com"
    subject, text, html = parts(message)
    assert subject == f"Заказ № {order.pk} оформлен"
    assert "Здравствуйте, Анна Иванова!" in text
    assert "Чайник: 2 × 1 990,00 ₽ = 3 980,00 ₽" in text
    assert "5 031,50 ₽" in text
    assert f"https://shop.example.com/orders/{order.pk}/" in text
    assert f'href="https://shop.example.com/orders/{order.pk}/"' in html
    assert "Посмотреть заказ" in html
    assert '<html lang="ru">' in html


def test_the_language_is_the_one_the_order_was_placed_in(
    shopper_client, staff, filled_cart, smtp_port
):
    with SMTPServer(smtp_port) as inbox:
        order = place(shopper_client, language="en")
        order.move_to("confirmed", by=staff)  # staff's page may be Russian: the email is not
        assert in_process.wait()
    assert len(inbox.messages) == 2
    subjects = {parts(m)[0] for _, m in inbox.messages}
    assert subjects == {f"Order No. {order.pk} is placed", f"Order No. {order.pk} is now confirmed"}
    bodies = " ".join(parts(m)[1] for _, m in inbox.messages)
    assert "Your order No." in bodies
    assert "₽1,990.00" in bodies


def test_every_status_change_and_a_cancel_email_the_owner(
    shopper_client, staff, filled_cart, smtp_port
):
    with SMTPServer(smtp_port) as inbox:
        order = place(shopper_client)
        shopper_client.post(f"/orders/{order.pk}/cancel")
        assert in_process.wait()
    subjects = {parts(m)[0] for _, m in inbox.messages}
    assert subjects == {f"Заказ № {order.pk} оформлен", f"Заказ № {order.pk} отменён"}


def test_a_refused_checkout_sends_nothing(shopper_client, filled_cart, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    data = checkout_form(shopper_client, phone="1")
    assert shopper_client.post("/orders/", data).status_code == 422
    assert in_process.wait()
    assert mail.outbox == []


def test_a_mail_server_that_is_down_fails_nothing_and_the_email_goes_later(
    shopper_client, filled_cart, smtp_port, quick_retries
):
    failures = in_process.failures
    order = place(shopper_client)  # nothing listens on the port: the checkout still succeeds
    assert order.status == "new"
    # Wait until the first attempt has failed, then bring the server up.
    with in_process.idle:
        assert in_process.idle.wait_for(lambda: in_process.failures > failures, timeout=120)
    with SMTPServer(smtp_port) as inbox:
        assert inbox.wait_for(1)
        assert in_process.wait()
    assert parts(inbox.messages[0][1])[0] == f"Заказ № {order.pk} оформлен"


def test_a_slow_mail_server_does_not_hold_the_checkout(shopper_client, filled_cart, smtp_port):
    with SMTPServer(smtp_port, hold=True) as inbox:
        order = place(shopper_client)  # answered...
        assert inbox.entered.wait(timeout=120)  # ...while the email is still being sent
        assert inbox.messages == []
        inbox.release()
        assert inbox.wait_for(1)
        assert in_process.wait()
    assert parts(inbox.messages[0][1])[0] == f"Заказ № {order.pk} оформлен"


def test_a_broker_that_is_down_leaves_the_email_to_this_process(
    shopper_client, filled_cart, settings, caplog
):
    """TASKS_BROKER_URL names a Redis nobody runs: the checkout succeeds and the email is sent
    from here instead of being lost."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    celery_app.conf.broker_url = settings.TASKS_BROKER_URL
    try:
        order = place(shopper_client)
        assert in_process.wait()
    finally:
        celery_app.conf.broker_url = "memory://"
        celery_app.close()
    assert [message.subject for message in mail.outbox] == [f"Заказ № {order.pk} оформлен"]
    assert "Could not hand apps.orders.tasks.send_order_email to the task broker" in caplog.text
