"""Carts (SPEC §3): a shopper's own cart, and every cart for staff."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shop.decorators import login_required
from shop.http import HttpResponseSeeOther, safe_next_url
from shop.text import quoted

from ..cache import cached_page
from ..context_processors import CartBadge
from ..forms import CartLineForm
from ..models import Cart, main_pictures

CARTS_PER_PAGE = 25


def carts_of(user):
    """The carts `user` may see and change: their own, or every cart for staff. Anyone else's
    cart is simply not there (404), so nobody learns that it exists."""
    carts = Cart.objects.select_related("owner")
    return carts if user.is_staff else carts.filter(owner=user)


@login_required
@require_safe
def cart_list(request):
    """A shopper's own cart; for staff, every cart with its owner, items, total and last
    change, most recently changed first. Template: market/cart_list.html (staff)."""
    if not request.user.is_staff:
        cart, _created = Cart.objects.get_or_create(owner=request.user)
        return render_cart(request, cart)
    carts = carts_of(request.user).with_totals().order_by("-updated", "-pk")
    page = Paginator(carts, CARTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "market/cart_list.html", {"page": page, "carts": page.object_list})


def own_cart_page(request, pk):
    """The page cache keeps a shopper's own cart page for that shopper, until the cart changes
    (its last change and its item count, read with the user by the backend) or the catalogue does
    (prices, stock). Anyone else's cart, for staff too, is rendered afresh."""
    badge = CartBadge(request.user)
    if request.user.is_staff or badge.cart_id != pk:
        return None
    return (request.user.pk, pk), (badge.updated, badge.count)


@login_required
@cached_page(vary=own_cart_page)
def cart_detail(request, pk):
    return render_cart(request, get_object_or_404(carts_of(request.user), pk=pk))


@login_required
def cart_update(request, pk):
    """PUT /market/cart/<id>/: change one line. htmx gets the cart back with the navbar badge
    out of band; a plain form is sent back (303) to the cart or to its `next`."""
    cart = get_object_or_404(carts_of(request.user), pk=pk)
    form = CartLineForm(request.POST, cart=cart)
    quantity = form.save() if form.is_valid() else None
    # On the cart page (a plain form, or htmx swapping #cart) the answer shows a refusal at its
    # line and a change in the summary; elsewhere (add to cart on a product) only a message can.
    in_cart = not request.htmx or request.htmx.target == "cart"
    if form.errors:
        if not in_cart:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return render_cart(request, cart, form, status=422)
    notice = change_message(form.cleaned_data, quantity)
    if request.htmx and in_cart:
        # Not shown as a toast, which would cover the lines; only read out (toasts.html).
        messages.success(request, notice, extra_tags="unseen")
        return render_cart(request, cart, badge=CartBadge(request.user, fresh=True), notice=notice)
    messages.success(request, notice)
    if request.htmx:
        return render_cart(request, cart, badge=CartBadge(request.user, fresh=True))
    return HttpResponseSeeOther(safe_next_url(request, cart))


def change_message(change, quantity):
    name = quoted(change["product"].name)
    if quantity == 0:
        return _("%(name)s removed from the cart.") % {"name": name}
    if change["mode"] == Cart.ADD:
        return _("%(name)s added to the cart (%(quantity)s in it now).") % {
            "name": name,
            "quantity": quantity,
        }
    return _("%(name)s: %(quantity)s in the cart.") % {"name": name, "quantity": quantity}


def render_cart(request, cart, form=None, status=200, badge=None, notice=""):
    """Template: market/cart_detail.html; for htmx its #cart fragment plus the navbar badge.

    Context: `cart`, `own` (the asker's own cart), `lines` (with `line_total`), `total` and
    `count` (summed once here, not per line), `form` (a refused change), `refused_product_id`
    (the line its errors belong to), `notice` (the change just made, for the summary) and,
    after a change, `cart_badge` counted afresh.
    """
    lines = list(cart.lines().prefetch_related(main_pictures("product__images")))
    refused = form.cleaned_data.get("product") if form is not None else None
    context = {
        "cart": cart,
        "own": cart.owner_id == request.user.pk,
        "lines": lines,
        "total": sum(line.line_total for line in lines),
        "count": sum(line.quantity for line in lines),
        "notice": notice,
        "form": form,
        "refused_product_id": refused.pk if refused in [line.product for line in lines] else None,
    }
    if badge is not None:
        context["cart_badge"] = badge
    template = "market/cart_detail.html"
    if request.htmx:
        template += "#cart-update"
    return render(request, template, context, status=status)
