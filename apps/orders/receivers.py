"""The orders app listens to its own signals to email the order's owner, after the commit and
outside the request (shop/tasks.py)."""

from django.dispatch import receiver

from shop.tasks import enqueue

from .emails import PLACED
from .signals import order_placed, order_status_changed
from .tasks import send_order_email


@receiver(order_placed, dispatch_uid="orders_email_placed")
def email_placed(sender, order, **kwargs):
    enqueue(send_order_email, order.pk, PLACED, order.status)


@receiver(order_status_changed, dispatch_uid="orders_email_status")
def email_status_changed(sender, order, new_status, **kwargs):
    enqueue(send_order_email, order.pk, "status", new_status)
