"""Orders (SPEC §8): the checkout, a shopper's orders, and the staff's order workflow."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.market.models import Cart
from shop.csv_export import csv_download, text_cell, utc
from shop.decorators import login_required, staff_required
from shop.http import HttpResponseSeeOther, leave_page, safe_next_url

from .forms import OrderFilterForm, OrderForm, OrderStatusForm
from .models import Order, StatusRefused

ORDERS_PER_PAGE = 25


def orders_of(user):
    """The orders `user` may see: their own, or every order for staff. Anyone else's order is
    simply not there (404), so nobody learns that it exists."""
    return Order.objects.all() if user.is_staff else Order.objects.filter(user=user)


def own_cart(user):
    cart, _created = Cart.objects.get_or_create(owner=user)
    return cart


# --- Checkout ----------------------------------------------------------------------------------


@login_required
@require_safe
def checkout(request):
    """The checkout page for the asker's own cart: its lines, the total, and the order form
    filled in from the account and the last order. An empty cart leads back to the cart page.

    Template: orders/checkout.html. Context: see render_checkout.
    """
    cart = own_cart(request.user)
    lines = list(cart.lines())
    if not lines:
        messages.info(request, _("Your cart is empty: add something to it first."))
        return redirect(cart)
    form = OrderForm(initial=initial_details(request.user), user=request.user, cart=cart)
    return render_checkout(request, cart, form, lines)


def initial_details(user):
    """What the order form starts with: the last order's contact and delivery details, else
    the account's names and email."""
    last = user.orders.order_by("-created", "-pk").first()
    details = {
        "name": user.get_full_name() or user.get_username(),
        "email": user.email,
        "delivery": Order.Delivery.PICKUP,
        "payment": Order.Payment.ON_DELIVERY,
    }
    if last is not None:
        fields = ["name", "email", "phone", "delivery", "address", "payment"]
        details.update({field: getattr(last, field) for field in fields})
    return details


@login_required
def place_order(request):
    """POST /orders/: place the order from the asker's own cart (SPEC §8). A refusal shows the
    checkout page again with its reasons (422); htmx swaps only #checkout."""
    cart = own_cart(request.user)
    form = OrderForm(request.POST, user=request.user, cart=cart)
    order, created = form.save() if form.is_valid() else (None, False)
    if order is None:
        return render_checkout(request, cart, form, status=422)
    if created:
        messages.success(
            request, _("Thank you! Your order No. %(number)s is placed.") % {"number": order.pk}
        )
    return leave_page(request, order)


def render_checkout(request, cart, form, lines=None, status=200):
    """Template: orders/checkout.html (#checkout for htmx). Context: `lines` (with
    `line_total` and, where the stock falls short, `left`), `total`, `form`, `token`."""
    lines = list(cart.lines()) if lines is None else lines
    total = sum((line.line_total for line in lines), 0)
    for line in lines:
        line.left = form.left.get(line.product_id)
    # The page sends back the total it shows: after "the cart changed", the new one.
    context = {"lines": lines, "total": total, "form": form, "token": form.signed_token()}
    template = "orders/checkout.html"
    if request.htmx:
        template += "#checkout"
    return render(request, template, context, status=status)


# --- Lists -------------------------------------------------------------------------------------


@login_required
@require_safe
def order_list(request):
    """A shopper's own orders; for staff every order, with the filters of OrderFilterForm.
    25 a page, newest first. Invalid filters show what is wrong (422) and no orders.

    Template: orders/order_list.html (htmx: #order-results). Context: `filters` (staff only),
    `page`, `page_total` (the sum of the page's orders).
    """
    orders = orders_of(request.user).for_list().order_by("-created", "-pk")
    filters, status = None, 200
    if request.user.is_staff:
        filters = OrderFilterForm(request.GET)
        if filters.is_valid():
            orders = filters.filter(orders)
        else:
            orders, status = orders.none(), 422
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "page_total": sum(order.total for order in page.object_list),
    }
    template = "orders/order_list.html"
    if request.htmx:
        template += "#order-results"
    return render(request, template, context, status=status)


EXPORT_HEADER = [
    "id",
    "created",
    "status",
    "paid",
    "name",
    "email",
    "phone",
    "delivery",
    "address",
    "payment",
    "total",
    "items",
]


def order_rows(orders):
    """CSV rows, with each order's items from one query per batch of orders."""
    for order in orders.prefetch_related("lines").iterator(chunk_size=500):
        items = "; ".join(f"{line.name} × {line.quantity}" for line in order.lines.all())
        yield [
            order.pk,
            utc(order.created),
            order.status,
            "yes" if order.paid else "no",
            text_cell(order.name),
            text_cell(order.email),
            text_cell(order.phone),
            order.delivery,
            text_cell(order.address),
            order.payment,
            f"{order.total:.2f}",
            text_cell(items),
        ]


@staff_required
@require_safe
def order_export(request):
    """GET /orders/export: the orders the list's filters select, in id order (SPEC §8).
    Invalid filters answer 422 with the list page and its errors."""
    filters = OrderFilterForm(request.GET)
    if not filters.is_valid():
        return order_list(request)
    orders = filters.filter(Order.objects.all()).order_by("pk")
    return csv_download("orders", EXPORT_HEADER, order_rows(orders))


# --- One order ---------------------------------------------------------------------------------


def visible_order(request, pk):
    return get_object_or_404(orders_of(request.user).select_related("user"), pk=pk)


def row_id(order):
    return f"order-{order.pk}"


@login_required
@require_safe
def order_detail(request, pk):
    """The order: number, date, status, payment, delivery, lines and total; the cancel control
    where the asker may cancel; the status form for staff.

    Template: orders/order_detail.html. htmx asking for the order's row of the staff list
    (HX-Target `order-<id>`, as after a status change there) gets that row:
    orders/order_list.html#order-row.
    """
    order = visible_order(request, pk)
    if request.htmx and request.htmx.target == row_id(order) and request.user.is_staff:
        return render_row(request, order)
    return render_order(request, order)


def render_order(request, order, form=None, status=200):
    if form is None and request.user.is_staff:
        form = OrderStatusForm(order=order, user=request.user)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "form": form,
        "can_cancel": order.cancellable_by(request.user),
    }
    template = "orders/order_detail.html"
    if request.htmx:
        template += "#order-status"
    return render(request, template, context, status=status)


def render_row(request, order, form=None, status=200):
    """One row of the staff list, with its actions (and a refused change's error)."""
    order = Order.objects.for_list().get(pk=order.pk)
    context = {"order": order, "form": form}
    return render(request, "orders/order_list.html#order-row", context, status=status)


@staff_required
def order_update(request, pk):
    """PUT /orders/<id>/: staff change `status` (along the allowed moves) and `paid`.

    From the list with htmx, the row is refreshed in place (HX-Location to the row); elsewhere
    the answer leaves for the order page, or for the form's `next` (the list, with its filters).
    """
    order = visible_order(request, pk)
    form = OrderStatusForm(request.POST, order=order, user=request.user)
    from_row = request.htmx and request.htmx.target == row_id(order)
    if not (form.is_valid() and form.save()):
        if from_row:
            return render_row(request, order, form, status=422)
        return render_order(request, order, form, status=422)
    messages.success(
        request,
        _("Order No. %(number)s: %(status)s, %(paid)s.")
        % {
            "number": order.pk,
            "status": order.get_status_display(),
            "paid": _("paid") if order.paid else _("not paid"),
        },
    )
    if from_row:
        return refresh_row(order)
    if request.htmx:
        return leave_page(request, order)
    return HttpResponseSeeOther(safe_next_url(request, order))


def refresh_row(order):
    """For htmx: fetch the order's row again in place of the old one (HX-Location with the row as
    target; the order's URL, asked with that target, answers with the row), leaving the
    address bar on the list (htmx would push the row's URL otherwise)."""
    response = HttpResponse()
    response["HX-Location"] = json.dumps(
        {
            "path": order.get_absolute_url(),
            "target": f"#{row_id(order)}",
            "swap": "outerHTML",
            "push": "false",
        }
    )
    return response


@login_required
def order_cancel(request, pk):
    """POST /orders/<id>/cancel: the owner while the order is new, staff until it ships; the
    stock comes back. Anyone else's order is a 404, a state past cancelling a 403."""
    order = visible_order(request, pk)
    try:
        order.cancel(by=request.user)  # judged under the order's lock (Order.move_to)
    except StatusRefused:
        raise PermissionDenied from None
    messages.success(request, _("Order No. %(number)s is cancelled.") % {"number": order.pk})
    return leave_page(request, order)
