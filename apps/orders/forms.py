import re

from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Order, PlacementRefused, StatusRefused, issue_token, token_nonce

DATE_FORMAT = "%Y-%m-%d"  # SPEC §8: YYYY-MM-DD, whatever the language
PHONE_CHARACTERS = re.compile(r"\+?[0-9 ()\-]+")  # ASCII digits only: \d takes any script's
PHONE_ERROR = _(
    "Enter a phone number of 10 to 15 digits (a +, spaces, dashes and brackets may go with them)."
)


class OrderForm(forms.ModelForm):
    """The checkout's order form (SPEC §8). `save()` places the order from the user's cart; a
    refusal (stock, a changed total, an empty cart) becomes the form's error, and the lines'
    shortages are kept in `left` ({product id: units left}) for the page to show at each line.
    """

    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    total = forms.DecimalField(
        widget=forms.HiddenInput, max_digits=14, decimal_places=2, min_value=0
    )

    class Meta:
        model = Order
        fields = ["name", "email", "phone", "delivery", "address", "comment", "payment"]
        widgets = {
            "delivery": forms.RadioSelect,
            "payment": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 2}),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "name": _("Your name"),
            "email": _("Email"),
            "phone": _("Phone"),
            "delivery": _("Delivery"),
            "address": _("Address"),
            "comment": _("Comment"),
            "payment": _("Payment"),
        }
        help_texts = {
            "phone": _("With the country code, e.g. +7 912 345-67-89."),
            "address": _("Needed for courier delivery: street, house, flat, city."),
        }

    def __init__(self, *args, user, cart, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.cart, self.left = user, cart, {}
        self.fields["phone"].widget.attrs.update(type="tel", autocomplete="tel")
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["address"].widget.attrs.update(autocomplete="street-address", maxlength=500)
        self.fields["comment"].widget.attrs.update(maxlength=1000)
        self.fields["delivery"].choices = Order.Delivery.choices  # no empty "------" choice
        self.fields["payment"].choices = Order.Payment.choices
        if not self.is_bound:
            self.initial.setdefault("token", issue_token(user))

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = sum(character.isdigit() for character in phone)
        if not PHONE_CHARACTERS.fullmatch(phone) or not 10 <= digits <= 15:
            raise forms.ValidationError(PHONE_ERROR)
        return phone

    def clean_token(self):
        nonce = token_nonce(self.cleaned_data["token"], self.user)
        if nonce is None:
            raise forms.ValidationError(
                _("This checkout form was not issued to you. Reload the page and try again.")
            )
        return nonce

    def clean(self):
        data = super().clean()
        # Pickup ignores the address (Order.objects.place drops it); a courier needs one.
        if data.get("delivery") == Order.Delivery.COURIER and not data.get("address", "").strip():
            self.add_error("address", _("Enter the address the courier should bring it to."))
        return data

    def save(self, commit=True):
        """Place the order. Returns (order, created), or (None, False) when refused (the
        errors are then on the form)."""
        data = self.cleaned_data
        details = {field: data[field] for field in self.Meta.fields}
        try:
            return Order.objects.place(
                self.cart,
                by=self.user,
                token=data["token"],
                total=data["total"],
                language=get_language() or "ru",
                **details,
            )
        except PlacementRefused as refusal:
            self.left = getattr(refusal, "left", {})
            self.add_error(None, refusal.message)
            return None, False

    def signed_token(self):
        """The token as the page must send it again: the one posted if it was the user's own,
        else a fresh one (a refused form still gets a usable one)."""
        if self.is_bound and "token" not in self.errors:
            return self.data.get("token")
        return self.initial.get("token") or issue_token(self.user)


class FlagField(forms.TypedChoiceField):
    """A yes/no field sent as `1` or `0` (a checkbox sends `1` or nothing, which is `0`)."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("0", _("no")), ("1", _("yes"))],
            coerce=lambda value: value == "1",
            required=False,
            empty_value=False,
            **kwargs,
        )


class OrderStatusForm(forms.Form):
    """Staff's change to an order (SPEC §8 PUT): `status` along the allowed moves, `paid`."""

    status = forms.ChoiceField(label=_("Status"), choices=Order.Status.choices)
    paid = FlagField(label=_("Paid"))

    def __init__(self, data=None, *, order, user):
        super().__init__(data, initial={"status": order.status, "paid": "1" if order.paid else "0"})
        self.order, self.user = order, user
        allowed = {order.status, *order.next_statuses()}
        self.allowed_choices = [c for c in Order.Status.choices if c[0] in allowed]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if not self.order.can_move_to(status):
            raise forms.ValidationError(
                _("An order that is %(current)s can't become %(status)s.")
                % {
                    "current": self.order.get_status_display(),
                    "status": Order.Status(status).label,
                }
            )
        return status

    def save(self):
        """Apply the change under the order's lock; a change that lost a race (another staff
        member moved the order first) becomes the form's error. Returns True if saved."""
        try:
            self.order.move_to(
                self.cleaned_data["status"], by=self.user, paid=self.cleaned_data["paid"]
            )
        except StatusRefused as refusal:
            self.add_error("status", str(refusal))
            return False
        return True


class OrderFilterForm(forms.Form):
    """The staff order list's filters (SPEC §8). All optional; `filter()` applies them."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            *((v, capfirst(label)) for v, label in Order.Status.choices),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    user = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Username")}),
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("Number, name, email, phone")}
        ),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = _("Enter a date as YYYY-MM-DD.")

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def narrowed_by(self):
        """(label, value) of each filter in use, to say what found nothing: a status by its
        name, dates as typed."""
        if not self.is_valid():
            return []
        used = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if name == "status" and value:
                value = str(dict(field.choices)[value])
            elif isinstance(value, str):
                value = value.strip()
            if value:
                used.append((field.label, value if isinstance(value, str) else self[name].value()))
        return used

    def filter(self, orders):
        data = self.cleaned_data
        if data["status"]:
            orders = orders.filter(status=data["status"])
        if data["user"]:
            orders = orders.of_username(data["user"])
        if data["q"].strip():
            orders = orders.search(data["q"])
        return orders.between(data["date_from"], data["date_to"])
