import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.validators import MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.market.models import Product

from .signals import order_placed, order_status_changed

TOKEN_SALT = "orders.checkout"  # noqa: S105  (a namespace for signatures, not a secret)


def issue_token(user):
    """A one-time checkout token for `user`: signed with the secret key, so any app server can
    check it without keeping it anywhere, and bound to the user, so nobody else can use it."""
    return signing.dumps({"user": user.pk, "nonce": secrets.token_hex(16)}, salt=TOKEN_SALT)


def token_nonce(token, user):
    """The token's nonce if the shop issued `token` to `user`, else None."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user.pk:
        return None
    nonce = data.get("nonce")
    return nonce if isinstance(nonce, str) and len(nonce) == 32 else None


class PlacementRefused(Exception):
    """The order was not placed and nothing changed; `message` says why."""

    message = ""

    def __init__(self, message=None):
        super().__init__(message or self.message)
        self.message = message or self.message


class EmptyCart(PlacementRefused):
    message = _("Your cart is empty: there is nothing to order.")


class NotEnoughStock(PlacementRefused):
    """Some lines ask for more than is left: `left` maps their product ids to what is."""

    message = _("Some products are no longer available in the quantity you chose.")

    def __init__(self, left):
        super().__init__()
        self.left = left


class CartChanged(PlacementRefused):
    message = _(
        "Your cart changed since you opened this page (a price or a line): check the new total "
        "and place the order again."
    )


class StatusRefused(Exception):
    """A status change the graph of SPEC §8 doesn't allow; nothing changed."""


def start_of_day(day):
    """The first moment of `day` in the shop's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class OrderQuerySet(models.QuerySet):
    def for_list(self):
        """What a row of the order lists shows: the owner and the number of items. The count is
        a subquery, not a join and GROUP BY: a page then reads its 25 orders by the date index,
        and counting the list's orders (for the pages) touches no line at all."""
        items = (
            OrderLine.objects.filter(order=models.OuterRef("pk"))
            .order_by()
            .values("order")
            .annotate(total=models.Sum("quantity"))
            .values("total")
        )
        return self.select_related("user").annotate(item_count=Coalesce(models.Subquery(items), 0))

    def search(self, text):
        """Orders whose number is `text`, or whose name, email or phone contain it."""
        text = text.strip().lstrip("№#").strip()
        match = (
            models.Q(name__icontains=text)
            | models.Q(email__icontains=text)
            | models.Q(phone__icontains=text)
        )
        if text.isascii() and text.isdigit() and len(text) <= 18:
            match |= models.Q(pk=int(text))
        return self.filter(match)

    def of_username(self, username):
        """Orders of the account `username`, matched exactly but ignoring case."""
        return self.alias(username_lower=Lower("user__username")).filter(
            username_lower=Lower(models.Value(username))
        )

    def between(self, first_day=None, last_day=None):
        """Orders placed from the start of `first_day` to the end of `last_day`, both
        inclusive, days in the shop's time zone. The extreme dates mean no bound."""
        orders = self
        if first_day is not None and first_day > date.min:
            orders = orders.filter(created__gte=start_of_day(first_day))
        if last_day is not None and last_day < date.max:
            orders = orders.filter(created__lt=start_of_day(last_day + timedelta(days=1)))
        return orders


class OrderManager(models.Manager.from_queryset(OrderQuerySet)):
    def place(self, cart, *, by, token, total, language, **details):
        """Turn `cart` into an order, all in one transaction or not at all (SPEC §8).

        `by` is the user placing it, `token` the nonce of their one-time checkout token,
        `total` the cart total they saw, `language` the language to write to them in, and
        `details` the order form's fields (name, email, phone, delivery, address, comment,
        payment). Returns (order, created): a token that already placed an order gives that
        order back, placing nothing. Raises a PlacementRefused (EmptyCart, NotEnoughStock,
        CartChanged) and changes nothing when the cart can't be ordered as it is.
        """
        if details.get("delivery") == Order.Delivery.PICKUP:
            details["address"] = ""  # picked up at the shop: an address typed first is not kept
        try:
            with transaction.atomic():
                # The cart first: two checkouts of one cart (a double click) queue here, and the
                # second then sees the first's order.
                cart.lock()
                placed = self.filter(token=token).first()
                if placed is not None:
                    return placed, False
                lines = list(cart.items.values_list("product_id", "quantity").order_by("pk"))
                if not lines:
                    raise EmptyCart
                products = Product.objects.locked().in_bulk([pk for pk, _ in lines])
                if len(products) < len(lines):  # a product deleted a moment ago
                    raise CartChanged
                left = {
                    pk: products[pk].stock
                    for pk, quantity in lines
                    if quantity > products[pk].stock
                }
                if left:
                    raise NotEnoughStock(left)
                current_total = sum(
                    (products[pk].price * quantity for pk, quantity in lines), Decimal("0.00")
                )
                if current_total != total:
                    raise CartChanged
                Product.objects.take_stock(dict(lines))
                order = self.create(
                    user=by, token=token, total=current_total, language=language, **details
                )
                OrderLine.objects.bulk_create(
                    OrderLine(
                        order=order,
                        product=products[pk],
                        name=products[pk].name,
                        price=products[pk].price,
                        quantity=quantity,
                    )
                    for pk, quantity in lines
                )
                cart.empty()
                order_placed.send(sender=Order, order=order, actor=by)
                return order, True
        except IntegrityError:
            # The token's unique constraint: another transaction placed this very order first
            # (the cart lock makes that rare; the database makes it impossible to do twice).
            placed = self.filter(token=token).first()
            if placed is None:
                raise
            return placed, False


class Order(models.Model):
    """A shopper's order: a copy of their cart's lines as they were, and what staff did since.

    Its status moves only along TRANSITIONS, through `move_to`; cancelling returns the stock.
    """

    class Status(models.TextChoices):
        NEW = "new", _("new")
        CONFIRMED = "confirmed", _("confirmed")
        SHIPPED = "shipped", _("shipped")
        DELIVERED = "delivered", _("delivered")
        CANCELLED = "cancelled", _("cancelled")

    class Delivery(models.TextChoices):
        PICKUP = "pickup", _("Pickup from the shop")
        COURIER = "courier", _("Courier delivery")

    class Payment(models.TextChoices):
        ON_DELIVERY = "on_delivery", _("On delivery")
        INVOICE = "invoice", _("Bank transfer against an invoice")

    # The status changes staff may make (SPEC §8); staying in the same status is always allowed.
    TRANSITIONS = {
        Status.NEW: (Status.CONFIRMED, Status.CANCELLED),
        Status.CONFIRMED: (Status.SHIPPED, Status.CANCELLED),
        Status.SHIPPED: (Status.DELIVERED,),
        Status.DELIVERED: (),
        Status.CANCELLED: (),
    }
    # A shopper may cancel their own order while it is new (staff: whatever TRANSITIONS allow).
    OWNER_CANCELS = (Status.NEW,)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,  # a deleted account's orders stay, with their contact details
        null=True,
        blank=True,
        related_name="orders",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    paid = models.BooleanField(_("paid"), default=False)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=32)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)
    address = models.CharField(_("address"), max_length=500, blank=True)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    payment = models.CharField(_("payment"), max_length=20, choices=Payment.choices)
    total = models.DecimalField(
        _("total"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the page it was placed from: emails are written in it."),
    )
    token = models.CharField(_("checkout token"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("placed"), auto_now_add=True)
    updated = models.DateTimeField(_("last change"), auto_now=True)

    objects = OrderManager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_positive"),
        ]
        indexes = [
            models.Index(fields=["-created", "-id"], name="order_created_idx"),
            models.Index(fields=["user", "-created"], name="order_user_idx"),
            models.Index(fields=["status", "-created"], name="order_status_idx"),
        ]

    def __str__(self):
        return str(_("Order No. %(number)s") % {"number": self.pk})

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.pk])

    @property
    def number(self):
        return self.pk

    def next_statuses(self):
        """The statuses staff may move this order to from where it is."""
        return self.TRANSITIONS[self.status]

    def can_move_to(self, status):
        """Whether the graph allows this move (staying where it is included)."""
        return status == self.status or status in self.TRANSITIONS.get(self.status, ())

    def allows(self, status, user):
        """Whether `user` may move the order to `status` now: staff along the graph, its owner
        only to cancel it while it is new."""
        if user.is_staff:
            return self.can_move_to(status)
        return (
            status == self.Status.CANCELLED
            and self.user_id == user.pk
            and self.status in self.OWNER_CANCELS
        )

    def cancellable_by(self, user):
        """Whether `user` may cancel the order now (the page shows the control then)."""
        return self.status != self.Status.CANCELLED and self.allows(self.Status.CANCELLED, user)

    def move_to(self, status, *, by, paid=None, must_change=False):
        """Change the status (and, if given, `paid`), as `by`, along TRANSITIONS only.

        Under the order's row lock, so that two changes at once (two staff, a shopper cancelling
        while staff confirm) are judged one after the other against the status the first one
        left. Cancelling returns each line's quantity to its product's stock in the same
        transaction. Raises StatusRefused, changing nothing, for a move that `by` may not make
        (`allows`), or that changes nothing when `must_change` says it must.
        """
        with transaction.atomic():
            current = Order.objects.select_for_update().get(pk=self.pk)
            if not current.allows(status, by) or (must_change and status == current.status):
                raise StatusRefused(
                    _("An order that is %(current)s can't become %(status)s.")
                    % {
                        "current": current.get_status_display(),
                        "status": Order.Status(status).label,
                    }
                )
            old_status = current.status
            if status == self.Status.CANCELLED and old_status != status:
                lines = current.lines.filter(product__isnull=False)
                Product.objects.return_stock(dict(lines.values_list("product", "quantity")))
            current.status = status
            if paid is not None:
                current.paid = paid
            current.save(update_fields=["status", "paid", "updated"])
            if status != old_status:
                order_status_changed.send(
                    sender=Order, order=current, actor=by, old_status=old_status, new_status=status
                )
        self.status, self.paid, self.updated = current.status, current.paid, current.updated

    def cancel(self, *, by):
        """Cancel the order as `by` (StatusRefused if they may not, or it is cancelled already)."""
        self.move_to(self.Status.CANCELLED, by=by, must_change=True)


class OrderLine(models.Model):
    """One line of an order, as it was ordered: the product's name and price are copies, so
    the line stays as it was when the product changes or is deleted."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.SET_NULL,  # a deleted product's order lines stay
        null=True,
        blank=True,
        related_name="order_lines",
    )
    name = models.CharField(_("name"), max_length=200)
    price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name} × {self.quantity}"

    @property
    def line_total(self):
        return self.price * self.quantity
