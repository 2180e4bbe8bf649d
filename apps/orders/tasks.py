"""The orders app's tasks (shop/tasks.py runs them outside the request, retrying failures)."""

from django.conf import settings

from shop.tasks import app

from .emails import order_email
from .models import Order


@app.task(
    autoretry_for=(Exception,),
    retry_backoff=settings.TASKS_RETRY_DELAY,
    retry_backoff_max=settings.TASKS_RETRY_MAX_DELAY,
    max_retries=settings.TASKS_MAX_RETRIES,
)
def send_order_email(order_id, event, status):
    """Email the order's owner about `event` ("placed", or "status" with the new `status`: the
    status it moved to, whatever it is by the time this runs). An order deleted since gets none."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        order_email(order, event, status).send()
