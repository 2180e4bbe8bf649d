"""The emails an order's owner gets: when it is placed and when its status changes (SPEC §8).

Text and HTML, in the language of the page the order was placed from, with links built from
settings.SITE_URL (never from a request's Host, which the client chooses).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Order

PLACED = "placed"


def subject(order, event, status):
    if event == PLACED:
        return _("Order No. %(number)s is placed") % {"number": order.pk}
    if status == Order.Status.CANCELLED:
        return _("Order No. %(number)s is cancelled") % {"number": order.pk}
    return _("Order No. %(number)s is now %(status)s") % {
        "number": order.pk,
        "status": Order.Status(status).label,
    }


def order_email(order, event, status):
    """The message about `event` (PLACED, or a status change to `status`), ready to send."""
    with translation.override(order.language):
        context = {
            "order": order,
            "lines": list(order.lines.all()),
            "event": event,
            "status": Order.Status(status),
            "url": settings.SITE_URL + order.get_absolute_url(),
            "site_url": settings.SITE_URL,
        }
        message = EmailMultiAlternatives(
            subject=subject(order, event, status),
            body=render_to_string("orders/email/order.txt", context),
            to=[order.email],
        )
        message.attach_alternative(
            render_to_string("orders/email/order.html", context), "text/html"
        )
    return message
