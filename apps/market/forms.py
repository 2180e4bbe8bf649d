from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import ExpressionWrapper, F, Value
from django.db.models.functions import Concat
from django.forms.utils import flatatt
from django.utils.functional import keep_lazy_text
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import pictures
from .models import AlreadySent, Cart, Category, OutOfStock, Product, ProductImage


def attributes(attrs):
    """A widget's attributes as Django's widgets/attrs.html writes them: in their order, `True`
    as the bare name, `False` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class WrittenOutInput:
    """An input written out in Python, in the very markup of Django's template for it (and
    WrittenOutSelect a select).

    The product filters are on every product list and category page rendered afresh, and a
    widget rendered through the form renderer's templates costs a template and an include of
    attrs.html for itself and for each option: the filter form's three took a tenth of such a
    page's rendering. `get_context` (which the bound field's attributes, an error's
    `aria-invalid` among them, pass through) stays Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', value) if value is not None else "",
            attributes(widget["attrs"]),
        )


class WrittenOutSelect(forms.Select):
    """A select written out as widgets/select.html and select_option.html write it (see
    WrittenOutInput)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = ((option_group(*group),) for group in widget["optgroups"])
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            attributes(widget["attrs"]),
            format_html_join("", "{}", groups),
        )


def option_group(name, options, index):
    written = format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>\n',
        ((option["value"], attributes(option["attrs"]), option["label"]) for option in options),
    )
    if name:
        return format_html('\n  <optgroup label="{}">{}\n  </optgroup>', name, written)
    return written


class WrittenOutTextInput(WrittenOutInput, forms.TextInput):
    pass


class FlagCheckbox(WrittenOutInput, forms.CheckboxInput):
    """A checkbox that sends `1`; `0` or `false` in a hand-written URL mean unchecked (Django's
    own checkbox reads any non-empty value but `false` as checked)."""

    def __init__(self):
        super().__init__(attrs={"value": "1", "class": "form-check-input"})

    def value_from_datadict(self, data, files, name):
        return self.checked(data.get(name, ""))

    @staticmethod
    def checked(value):
        return value.lower() not in ("", "0", "false", "off")


class TreeSelect(forms.Select):
    """The category tree as a select, its options made once per tree and label (the tree is kept
    per catalogue version, cache.per_version) instead of through a template each: two hundred
    options cost more that way than the whole rest of the product list."""

    def __init__(self, tree, empty_label, attrs=None):
        super().__init__(attrs)
        self.tree = tree
        self.empty_label = empty_label

    def render(self, name, value, attrs=None, renderer=None):
        label = str(self.empty_label)
        options = self.tree.rendered.get(("options", label))
        if options is None:
            options = format_html_join(
                "", '<option value="{}">{}</option>', [("", label), *self.tree.choices()]
            )
            self.tree.rendered["options", label] = options
        if value not in (None, ""):
            chosen = format_html('<option value="{}">', value)
            options = mark_safe(options.replace(chosen, chosen[:-1] + " selected>", 1))  # noqa: S308
        final_attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", final_attrs, options)


def number(value):
    """A whole number written without leading zeros; "" for anything else."""
    return (value.lstrip("0") or "0") if value.isascii() and value.isdigit() else ""


class ProductFilterForm(forms.Form):
    """The product list's filters (SPEC §3): search, category with its subtree, stock, order.

    Every field is optional; an invalid one is reported on the form and left out of the filter.
    """

    # Each the order of an index of Product's (read forwards or backwards), ties by id.
    SORTS = {
        "name": ("name", "pk"),
        "price": ("price", "pk"),
        "-price": ("-price", "-pk"),
        "-created": ("-created", "-pk"),
    }

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=WrittenOutTextInput(attrs={"class": "form-control"}),
    )
    category = forms.IntegerField(
        label=_("Category"),
        required=False,
        error_messages={"invalid": forms.ChoiceField.default_error_messages["invalid_choice"]},
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False, widget=FlagCheckbox())
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        widget=WrittenOutSelect(attrs={"class": "form-select"}),
        choices=[
            ("name", _("Name")),
            ("price", _("Price: low to high")),
            ("-price", _("Price: high to low")),
            ("-created", _("Newest first")),
        ],
    )

    # What the product list and category pages read from their address, each with the spelling
    # it is read as: the page cache keeps their pages by these and nothing else
    # (cache.normal_query). A category that is no number stays as sent, for its 422.
    PARAMS = {
        "q": str,
        "category": lambda value: number(value) or value,
        "in_stock": lambda value: "1" if FlagCheckbox.checked(value) else "",
        "sort": str,
        "page": lambda value: number(value) or "",  # else the first, as Paginator.get_page
    }
    CATEGORY_PAGE_PARAMS = {name: rule for name, rule in PARAMS.items() if name != "category"}

    def __init__(self, data, *, tree, category_field=True):
        super().__init__(data)
        self.tree = tree
        if category_field:
            # A number checked against the tree, not a choice among two hundred: the select
            # shows the tree's options (TreeSelect), and a choice field would copy them all.
            field = self.fields["category"]
            field.widget = TreeSelect(tree, _("All categories"), attrs={"class": "form-select"})
        else:
            del self.fields["category"]  # the category page fixes the category itself

    def narrowed_by(self):
        """(label, value) of each valid filter in use besides the search, to say what found
        nothing: the category (its name) and "in stock only" (no value)."""
        self.is_valid()
        data, used = self.cleaned_data, []
        if data.get("category") and self.tree.get(data["category"]):
            used.append((self.fields["category"].label, self.tree.get(data["category"]).name))
        if data.get("in_stock"):
            used.append((self.fields["in_stock"].label, ""))
        return used

    def clean_category(self):
        category = self.cleaned_data.get("category")
        if category is not None and self.tree.get(category) is None:
            raise forms.ValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": category},
            )
        return category

    def add_error(self, field, error):
        """Every error, also a field's own, passes here: its input is marked as invalid."""
        super().add_error(field, error)
        for name in self.errors.keys() & self.fields.keys():
            attrs = self.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()

    def filter(self, products):
        """`products` narrowed and ordered by the valid filters."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            products = products.search(data["q"])
        if data.get("category"):
            products = products.in_categories(self.tree.subtree_ids(data["category"]))
        if data.get("in_stock"):
            products = products.in_stock()
        return products.order_by(*self.ordering())

    def known_count(self, category=None):
        """How many products filter() selects from those of `category`'s subtree (from all for
        None) as the category tree counted them, or None: a search it can't count."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            return None
        return self.tree.product_count(data.get("category") or category, bool(data.get("in_stock")))

    def ordering(self):
        """The fields the products are ordered by, as the valid `sort` says."""
        self.is_valid()
        return self.SORTS[self.cleaned_data.get("sort") or "name"]

    # The sorts' fields as expressions that sort the same, but that no index gives in order.
    UNINDEXED = {
        "name": Concat("name", Value("")),
        "price": ExpressionWrapper(F("price") + 0, output_field=models.DecimalField()),
        "created": ExpressionWrapper(
            F("created") + timedelta(0), output_field=models.DateTimeField()
        ),
    }

    def unindexed_ordering(self):
        """ordering(), written so that the database can't walk a sort's index to find the first
        products it selects, and finds them all first, then sorts them: for a search with few
        matches that all sort late (every "Чайник…" under Ч), a walk of the name's index passed
        92,000 of 100,000 products before the first (BENCH.md). Ties by id, as ordering()."""
        fields = []
        for name in self.ordering():
            field = name.removeprefix("-")
            if field == "pk":
                fields.append(name)
                continue
            expression = self.UNINDEXED[field]
            fields.append(expression.desc() if name.startswith("-") else expression.asc())
        return fields


class CategoryChoiceField(forms.ModelChoiceField):
    """A category select that shows each category in its place in the tree."""

    def __init__(self, *, tree, exclude_subtree_of=None, **kwargs):
        super().__init__(queryset=Category.objects.all(), **kwargs)
        self.choices = [("", "—"), *tree.choices(exclude_subtree_of)]


@keep_lazy_text
def limit_text(text):
    return text % {"limit": ProductImage.LIMIT}


def pictures_help_text():
    """In the language of the page that shows it, not of the moment the form class was made."""
    return limit_text(
        _("JPEG, PNG or WebP, up to 10 MB and 40 megapixels each; at most %(limit)s a product.")
    )


class PicturesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PicturesField(forms.FileField):
    """`images` (SPEC §3): several files at once, each decoded and re-encoded by
    pictures.read; cleans to a list of pictures.Picture, nothing saved yet. Any bad file
    refuses the lot, with one error per bad file."""

    widget = PicturesInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Pictures"))
        kwargs.setdefault("help_text", pictures_help_text())
        super().__init__(**kwargs)
        self.widget.attrs.update(accept="image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data or []) if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > ProductImage.LIMIT:
            raise ValidationError(ProductImage.too_many(0), code="too_many")
        read, errors = [], []
        for upload in uploads:
            try:
                super().clean(upload)  # Django's checks of a file: a name, not empty
                read.append(pictures.read(upload))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return read


class PicturesMixin:
    """A form with `images` adds them to its product in the transaction that saves it."""

    def clean_images(self):
        new = self.cleaned_data["images"]
        existing = self.product.images.count() if self.product.pk else 0
        if new and existing + len(new) > ProductImage.LIMIT:
            raise ValidationError(ProductImage.too_many(existing), code="too_many")
        return new

    def add_pictures(self, product):
        """Store the checked pictures; returns them, or None if refused under the product's
        lock (another upload took the last places): the refusal is then the form's error."""
        try:
            return ProductImage.objects.add(product, self.cleaned_data["images"])
        except ValidationError as refusal:
            self.add_error(None, refusal)
            return None


class ProductForm(PicturesMixin, forms.ModelForm):
    images = PicturesField(required=False)

    class Meta:
        model = Product
        fields = ["name", "price", "description", "stock", "category"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = CategoryChoiceField(tree=tree, label=_("Category"))
        self.fields["price"].widget.attrs.update(min="0", step="0.01")
        if self.instance.pk:
            self.fields["images"].label = _("Add pictures")

    @property
    def product(self):
        return self.instance

    def save(self):
        """The product and its new pictures, in one transaction; None if the pictures were
        refused at the last moment (then nothing is saved, and the form has the error)."""
        adding = self.instance._state.adding
        with transaction.atomic():
            product = super().save()
            if self.add_pictures(product) is not None:
                return product
            transaction.set_rollback(True)
        if adding:  # the row is gone with the rollback: the form is for a new product again
            self.instance.pk = None
            self.instance._state.adding = True
        return None


class ProductImagesForm(PicturesMixin, forms.Form):
    """POST /market/products/<id>/images/: more pictures for a product."""

    images = PicturesField(label=_("Add pictures"))

    def __init__(self, *args, product, **kwargs):
        kwargs.setdefault("auto_id", "upload_%s")  # beside the product form's own `images`
        super().__init__(*args, **kwargs)
        self.product = product

    def save(self):
        """The added pictures, or None if refused at the last moment (the form has the error)."""
        return self.add_pictures(self.product)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "parent"]

    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = CategoryChoiceField(
            tree=tree,
            # Choices hide the category's own subtree; the model still refuses a cycle.
            exclude_subtree_of=self.instance.pk,
            required=False,
            label=_("Parent category"),
            help_text=_("Leave empty for a top-level category."),
        )

    def save(self, commit=True):
        """The saved category, or None if a change saved meanwhile refuses it: a move that made
        this one a loop (the model checks again under its lock), or the same name saved by
        another request since the form checked it (a double click: the unique index refuses
        it). The refusal becomes this form's error."""
        try:
            with transaction.atomic():
                return super().save(commit)
        except ValidationError as refusal:
            self.add_error(None, refusal)
        except IntegrityError:
            try:
                self.instance.validate_constraints()
            except ValidationError as refusal:
                self.add_error(None, refusal)
            else:
                raise
        return None


class CartLineForm(forms.Form):
    """One change to one line of a cart (SPEC §3): `product`, `quantity`, `mode`."""

    product = forms.ModelChoiceField(
        queryset=Product.objects.all(),
        error_messages={"invalid_choice": _("This product is no longer for sale.")},
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0)
    mode = forms.ChoiceField(choices=[(Cart.SET, _("set")), (Cart.ADD, _("add"))], required=False)
    # An add's idempotency token ({% idempotency_token %}): optional, as SPEC's cart form has none.
    token = forms.CharField(
        required=False,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_-]{16,64}\Z", _("This form is out of date. Reload the page.")
            )
        ],
    )

    def __init__(self, data, *, cart):
        super().__init__(data)
        self.cart = cart

    def clean_mode(self):
        return self.cleaned_data["mode"] or Cart.SET

    def clean(self):
        data = super().clean()
        product, quantity, mode = data.get("product"), data.get("quantity"), data.get("mode")
        retry = mode == Cart.ADD and data.get("token")  # the cart knows whether it was made
        if (
            not retry
            and None not in (product, quantity, mode)
            and self.cart.quantity_after(product, quantity, mode) > product.stock
        ):
            self.add_error("quantity", OutOfStock(product).message)
        return data

    def save(self):
        """Apply the change; the cart checks the stock again under its lock, and a change that
        lost a race for the last items, or for the product itself, becomes this form's error.
        Returns the new quantity, or None if refused."""
        data = self.cleaned_data
        try:
            return self.cart.change_line(
                data["product"], data["quantity"], data["mode"], token=data["token"]
            )
        except OutOfStock as refusal:
            self.add_error("quantity", refusal.message)
        except Product.DoesNotExist:  # deleted by staff since the form checked it
            self.add_error("product", self.fields["product"].error_messages["invalid_choice"])
        except AlreadySent as refusal:
            self.add_error("token", refusal.message)
        return None
