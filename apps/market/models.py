from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models.functions import Cast, Coalesce, Least, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.links import url_by_pk
from shop.text import quoted

from . import pictures
from .signals import stock_changed


class CategoryTree:
    """The whole category tree in memory, with how many products each subtree holds.

    Built from two queries (the categories; how many products each holds, and how many of them
    are in stock), after which paths, subtrees and totals cost no query at all, whatever the
    depth: the catalogue pages stay at a fixed number of queries. Each category gets
    `subcategories` (its children, in display order) and `total_products` (its own and its
    subcategories'). `product_counts` and `in_stock_counts` map a category's id to its own
    products and those of them in stock.
    """

    def __init__(self, categories, product_counts, in_stock_counts=None):
        self.counts = {False: product_counts, True: in_stock_counts}
        self.by_id = {category.pk: category for category in categories}
        self.children = defaultdict(list)
        for category in categories:  # already in display order
            self.children[category.parent_id].append(category)
        for category in categories:
            category.subcategories = self.children[category.pk]
        self._subtree_ids = {}
        self._path_names = {}
        self._choices = None
        self.rendered = {}  # markup made from the tree, kept with it (forms.TreeSelect)
        for root in self.children[None]:
            self._collect(root, product_counts)
        # A loop made behind the forms' back (the database allows one) is reachable from no
        # root; its categories still get their totals, so that their pages show.
        for category in categories:
            if category.pk not in self._subtree_ids:
                self._collect(category, product_counts)

    def _collect(self, category, product_counts):
        # Marked before its children are walked, so that a walk around a loop ends here.
        self._subtree_ids[category.pk] = ids = [category.pk]
        category.total_products = product_counts.get(category.pk, 0)
        for child in self.children[category.pk]:
            if child.pk not in self._subtree_ids:
                ids += self._collect(child, product_counts)
                category.total_products += child.total_products
        return ids

    @property
    def roots(self):
        return self.children[None]

    def get(self, category_id):
        return self.by_id.get(category_id)

    def subtree_ids(self, category_id):
        """The category's id and those of all its descendants."""
        return self._subtree_ids.get(category_id, [])

    def product_count(self, category_id=None, in_stock=False):
        """How many products the category's subtree holds (the whole catalogue's for None), or
        only those in stock, as the tree was built: the products the list's filters select
        without a search, counted without a query. None if the tree was not given the counts."""
        counts = self.counts[in_stock]
        if counts is None:
            return None
        if category_id is None:
            return sum(counts.values())
        return sum(counts.get(pk, 0) for pk in self.subtree_ids(category_id))

    def path(self, category_id):
        """The categories from the root down to this one."""
        path = []
        category = self.by_id.get(category_id)
        while category is not None and category not in path:
            path.append(category)
            category = self.by_id.get(category.parent_id)
        return path[::-1]

    def path_name(self, category_id):
        """`Parent / Child`, remembered: the CSV export asks once per product."""
        if category_id not in self._path_names:
            self._path_names[category_id] = " / ".join(c.name for c in self.path(category_id))
        return self._path_names[category_id]

    def choices(self, exclude_subtree_of=None):
        """(id, indented name) in tree order, for a select; optionally without one subtree."""
        if exclude_subtree_of is None and self._choices is not None:
            return self._choices
        excluded = set(self.subtree_ids(exclude_subtree_of)) if exclude_subtree_of else set()
        result = []

        def walk(categories, depth):
            for category in categories:
                if category.pk not in excluded:
                    result.append((category.pk, "\u2003" * depth + category.name))
                    walk(self.children[category.pk], depth + 1)

        walk(self.roots, 0)
        if exclude_subtree_of is None:
            self._choices = result
        return result


class CategoryManager(models.Manager):
    def tree(self):
        """The CategoryTree, built once per catalogue version in each process while the page
        cache is on (apps/market/cache.py): shared by the requests, so read it, never change it."""
        from .cache import per_version  # the page cache builds on these models

        return per_version("tree", self._build_tree)

    def _build_tree(self):
        counts = (
            Product.objects.order_by()
            .values_list("category")
            .annotate(
                products=models.Count("pk"),
                in_stock=models.Count("pk", filter=models.Q(stock__gt=0)),
            )
        )
        products, in_stock = {}, {}
        for category_id, total, available in counts:
            products[category_id], in_stock[category_id] = total, available
        return CategoryTree(list(self.order_by("name", "pk")), products, in_stock)


class Category(models.Model):
    """A node of the catalogue's tree; a category without a parent is a root."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,  # a category with subcategories must be emptied first
        null=True,
        blank=True,
        related_name="children",
    )

    objects = CategoryManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "parent",
                name="category_name_unique_among_siblings",
                violation_error_code="duplicate_name",
                violation_error_message=_("There is already a category with this name here."),
            ),
            # NULL parents are distinct in the constraint above, so roots need their own.
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(parent__isnull=True),
                name="category_name_unique_among_roots",
                violation_error_code="duplicate_name",
                violation_error_message=_("There is already a category with this name here."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save, refusing a parent that would put the category inside itself as the tree is
        at that moment: the whole tree's rows are locked first, so moves happen one at a time
        and the second of two crossing moves (X under Y, Y under X) sees the first and is
        refused (ValidationError) instead of closing a loop. A new category has no
        subcategories to loop through."""
        with transaction.atomic():
            if self.pk is not None and self.parent_id is not None:
                tree = Category.objects.select_for_update().values_list("pk", "parent_id")
                self.refuse_a_loop(dict(tree))
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return url_by_pk("market:category_detail", self.pk)

    def clean(self):
        self.refuse_a_loop(dict(Category.objects.values_list("pk", "parent_id")))

    def refuse_a_loop(self, parents):
        """Raise ValidationError on `parent` if the category is its parent's ancestor, given
        `parents` ({id: parent id} of every category). The walk up stops at a category seen
        before, so even a loop already in the data (made behind the forms' back) ends it."""
        if self.pk is None:
            return
        seen = set()
        ancestor = self.parent_id
        while ancestor is not None and ancestor not in seen:
            if ancestor == self.pk:
                raise ValidationError(
                    {"parent": _("A category can't be placed inside itself or its subcategories.")}
                )
            seen.add(ancestor)
            ancestor = parents.get(ancestor)

    def validate_constraints(self, exclude=None):
        # A clash of names is the name field's error, shown where the user can fix it.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            for e in errors.pop(NON_FIELD_ERRORS, []):
                field = "name" if e.code == "duplicate_name" else NON_FIELD_ERRORS
                errors.setdefault(field, []).append(e)
            raise ValidationError(errors) from None


# A card's main picture, read with its product: every column but those known (`product`,
# `is_main`), so that nothing of it is left to a query of its own.
CARD_PICTURE = ["id", "file", "width", "height", "position"]


class ProductQuerySet(models.QuerySet):
    def search(self, text):
        """Products whose name or description holds every word of `text`, in any case."""
        queryset = self
        for word in text.split():
            queryset = queryset.filter(
                models.Q(name__icontains=word) | models.Q(description__icontains=word)
            )
        return queryset

    def in_categories(self, category_ids):
        return self.filter(category_id__in=category_ids)

    def in_stock(self):
        return self.filter(stock__gt=0)

    def for_cards(self):
        """What a product card shows, and nothing more, in one query: its main picture (a
        product has one at most) joined, its columns read by `main_image`. (A prefetch was a
        second query, and the ORM's prefetching cost a page rendered afresh 3 % of its
        instructions.)"""
        main = models.FilteredRelation("images", condition=models.Q(images__is_main=True))
        return (
            self.select_related("category")
            .only("name", "price", "stock", "category_id", "category__name")
            .annotate(
                main_picture=main,
                **{
                    f"main_picture_{name}": models.F(f"main_picture__{name}")
                    for name in CARD_PICTURE
                },
            )
        )

    def locked(self):
        """These products, their rows locked until the transaction ends, in primary-key order:
        two transactions that lock overlapping sets always take the locks in the same order, so
        they queue instead of deadlocking. (SQLite has no row locks; its write transactions
        begin IMMEDIATE and queue the same way.) Call inside transaction.atomic()."""
        return self.select_for_update().order_by("pk")

    def take_stock(self, quantities):
        """Take `quantities` ({product id: units}) out of stock, in one UPDATE, and tell the
        page cache that the catalogue changed. The caller holds the rows' locks (`locked()`) and
        has checked that each has enough; the CHECK constraint `stock >= 0` refuses an oversell
        in the database too. Call inside transaction.atomic()."""
        self._add_to_stock({pk: -units for pk, units in quantities.items()})

    def return_stock(self, quantities):
        """Put `quantities` ({product id: units}) back in stock (a cancelled order); ids of
        products deleted since are skipped. Call inside transaction.atomic()."""
        # Locked in primary-key order, as a checkout locks them, before the UPDATE takes its
        # locks in whatever order it reads the rows: a cancel and a checkout of the same
        # products queue instead of deadlocking.
        list(self.model.objects.filter(pk__in=quantities).locked().values_list("pk"))
        self._add_to_stock(quantities)

    def _add_to_stock(self, changes):
        changes = {pk: units for pk, units in changes.items() if pk is not None and units}
        if not changes:
            return
        by_product = models.Case(
            *(models.When(pk=pk, then=models.Value(units)) for pk, units in changes.items()),
            output_field=models.BigIntegerField(),
        )
        products = self.model.objects.filter(pk__in=changes)
        # Counted in 64 bits and capped at the column's largest value: stock returned to a
        # product restocked to the maximum meanwhile is no overflow (and no 500).
        stock = Cast("stock", models.BigIntegerField()) + by_product
        products.update(stock=Least(stock, models.Value(MAX_STOCK)))
        # queryset.update() sends no post_save: the receivers hear of it from this signal, in
        # the caller's transaction, so pages showing stock show the new figure.
        stock_changed.send(sender=self.model, products=list(changes))


# The largest stock the column holds (a 32-bit integer in PostgreSQL), which the product form
# refuses to go beyond.
MAX_STOCK = 2**31 - 1


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200)
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    description = models.TextField(_("description"), blank=True)
    stock = models.PositiveIntegerField(
        _("in stock"), default=0, help_text=_("How many are available.")
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,  # a category that holds products can't vanish under them
        related_name="products",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="product_stock_not_negative"
            ),
        ]
        # The product list's sorts (ProductFilterForm.SORTS), each in its own order, so that a
        # page's ids are read from the index alone.
        indexes = [
            models.Index(fields=["name", "id"], name="product_name_idx"),
            models.Index(fields=["price", "id"], name="product_price_idx"),
            models.Index(fields=["-created", "-id"], name="product_created_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_by_pk("market:product_detail", self.pk)

    @cached_property
    def main_image(self):
        """The picture its card shows, or None: joined by `for_cards()`, prefetched for a
        list of lines (`main_pictures`), or else read."""
        if hasattr(self, "main_picture_id"):
            if self.main_picture_id is None:
                return None
            known = {"product_id": self.pk, "is_main": True}
            known.update((name, getattr(self, f"main_picture_{name}")) for name in CARD_PICTURE)
            names = [f.attname for f in ProductImage._meta.concrete_fields if f.attname in known]
            return ProductImage.from_db(self._state.db, names, [known[name] for name in names])
        if hasattr(self, "main_images"):
            return self.main_images[0] if self.main_images else None
        return self.images.filter(is_main=True).first()

    def delete(self, *args, **kwargs):
        """Delete the product and its cart lines, after a cart change that holds it
        (Cart.change_line) has committed: the lines are collected under the lock, so none
        written meanwhile is left behind."""
        with transaction.atomic():
            Product.objects.select_for_update().filter(pk=self.pk).values_list("pk").first()
            return super().delete(*args, **kwargs)


class ProductImageQuerySet(models.QuerySet):
    def add(self, product, uploads):
        """Store `uploads` (checked uploads, pictures.Picture) as the product's next ones, in
        one transaction: the product's row is locked, so two uploads at once count each
        other and never pass LIMIT together (ValidationError on `images`, nothing saved). The
        first picture a product gets becomes its main one. The files are written first,
        before any lock is taken (their random names keep them out of sight until their rows
        exist), and deleted again if the rows are not written."""
        names = []
        try:
            for picture in uploads:
                names.append(picture.save())
            with transaction.atomic():
                # Product.DoesNotExist if deleted while the uploads were read.
                product = Product.objects.select_for_update().get(pk=product.pk)
                images = list(product.images.all())
                if len(images) + len(uploads) > ProductImage.LIMIT:
                    raise ValidationError(
                        {"images": ProductImage.too_many(len(images))}, code="too_many"
                    )
                position = max((image.position for image in images), default=0)
                return [
                    self.create(
                        product=product,
                        file=name,
                        width=picture.width,
                        height=picture.height,
                        position=position + number,
                        is_main=not images and number == 1,
                    )
                    for number, (name, picture) in enumerate(zip(names, uploads, strict=True), 1)
                ]
        except BaseException:
            for name in names:
                pictures.delete_files(pictures.all_names(name))
            raise


class ProductImage(models.Model):
    """A picture of a product (SPEC §3): the re-encoded file and its renditions (pictures.py),
    in the order staff added them; the main one is what the product's card shows. A product with
    pictures has exactly one main picture: the first becomes it, `make_main` moves it, and
    `remove` hands it to the next when the main one goes."""

    LIMIT = 10

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images"
    )
    file = models.FileField(_("file"), max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    position = models.PositiveIntegerField(_("position"), default=0)
    is_main = models.BooleanField(_("main picture"), default=False)

    objects = ProductImageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product picture")
        verbose_name_plural = _("product pictures")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(is_main=True),
                name="product_image_one_main",
            )
        ]

    def __str__(self):
        return self.file.name

    @staticmethod
    def too_many(existing):
        return _("A product has at most %(limit)s pictures; this one has %(count)s.") % {
            "limit": ProductImage.LIMIT,
            "count": existing,
        }

    def make_main(self):
        """Make this the product's main picture (the one before it steps down first: the
        database allows one main picture a product). ProductImage.DoesNotExist if it was
        deleted meanwhile."""
        with transaction.atomic():
            Product.objects.select_for_update().filter(pk=self.product_id).first()
            if not ProductImage.objects.filter(pk=self.pk).exists():
                raise ProductImage.DoesNotExist
            self.product.images.exclude(pk=self.pk).filter(is_main=True).update(is_main=False)
            self.is_main = True
            self.save(update_fields=["is_main"])  # the signal moves the catalogue's version

    def remove(self):
        """Delete this picture (its files go once the deletion commits, see receivers); if the
        product is left without a main one, the next in order becomes main. Judged on the rows
        as they are under the product's lock, not as this object last read them (another
        removal may have moved the main one since). ProductImage.DoesNotExist if it is gone."""
        with transaction.atomic():
            Product.objects.select_for_update().filter(pk=self.product_id).first()
            ProductImage.objects.get(pk=self.pk).delete()
            images = ProductImage.objects.filter(product_id=self.product_id)
            if not images.filter(is_main=True).exists():
                following = images.order_by("position", "pk").first()
                if following is not None:
                    following.make_main()

    # What pages show: the full picture and its renditions, with their sizes (pictures.fit).

    def url(self, box=pictures.FULL):
        size = None if box >= pictures.FULL else box
        return self.file.storage.url(pictures.rendition_name(self.file.name, size))

    def size(self, box=pictures.FULL):
        return pictures.fit(self.width, self.height, box)

    def srcset(self, boxes):
        """`url 320w, url 640w`: the renditions for these boxes, each width once (a small
        picture's renditions are all the same size)."""
        seen, parts = set(), []
        for box in boxes:
            width, _height = self.size(box)
            if width not in seen:
                seen.add(width)
                parts.append(f"{self.url(box)} {width}w")
        return ", ".join(parts)

    @property
    def file_names(self):
        return pictures.all_names(self.file.name)


def main_pictures(lookup):
    """Prefetch, through `lookup` ("images", "product__images"), each product's main picture
    into `main_images`, which Product.main_image reads: one query for a whole list."""
    main = ProductImage.objects.filter(is_main=True)
    return models.Prefetch(lookup, main, to_attr="main_images")


PRICE_TOTAL = models.DecimalField(max_digits=14, decimal_places=2)  # sums of prices


class AlreadySent(Exception):
    """The token of an add was already used for another product; nothing was changed."""

    message = _("This form was already sent for another product. Reload the page and try again.")


class OutOfStock(Exception):
    """A cart line would exceed what is in stock; nothing was changed."""

    def __init__(self, product):
        self.product = product
        if product.stock:
            message = _("Only %(count)s left of %(name)s.") % {
                "count": product.stock,
                "name": quoted(product.name),
            }
        else:
            message = _("%(name)s is out of stock.") % {"name": quoted(product.name)}
        super().__init__(message)
        self.message = message


class CartQuerySet(models.QuerySet):
    def touch(self):
        """Mark these carts as changed now: `updated` is also the version of a cart's cached
        page (apps/market/views/cart.py)."""
        return self.update(updated=timezone.now())

    def with_totals(self):
        """Each cart with `item_count` (units) and `total` (roubles), summed in the database."""
        return self.annotate(
            item_count=Coalesce(models.Sum("items__quantity"), 0),
            total=Coalesce(
                models.Sum(
                    models.F("items__quantity") * models.F("items__product__price"),
                    output_field=PRICE_TOTAL,
                ),
                Decimal("0.00"),
                output_field=PRICE_TOTAL,
            ),
        )


class Cart(models.Model):
    """A user's one cart, created with the user (see receivers).

    Lines change through `change_line` only, which keeps the rules: a line never exceeds the
    product's stock, a line at 0 disappears, and concurrent changes lose nothing.
    """

    SET, ADD = "set", "add"

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="cart",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("last change"), auto_now=True)

    objects = CartQuerySet.as_manager()

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        indexes = [models.Index(fields=["-updated", "-id"], name="cart_updated_idx")]

    def __str__(self):
        return str(_("Cart of %(owner)s") % {"owner": self.owner})

    def get_absolute_url(self):
        return reverse("market:cart_detail", args=[self.pk])

    def lines(self):
        """The cart's lines with their products and `line_total`, in one query."""
        return (
            self.items.select_related("product")
            .annotate(
                line_total=models.ExpressionWrapper(
                    models.F("quantity") * models.F("product__price"), output_field=PRICE_TOTAL
                )
            )
            .order_by("product__name", "pk")
        )

    def lock(self):
        """Changes to one cart (a line, a checkout) happen one at a time: the row lock makes a
        second transaction wait here until the first commits, so it reads what the first one
        wrote. (SQLite has no row locks; its write transactions begin IMMEDIATE and queue the
        same way.) Call inside transaction.atomic()."""
        Cart.objects.select_for_update().filter(pk=self.pk).values_list("pk").get()

    def empty(self):
        """Remove every line (the order placed from them has its own copy). Each deleted line's
        signal tells the page cache (receivers.cart_line_changed)."""
        self.items.all().delete()
        Cart.objects.filter(pk=self.pk).touch()

    def quantity_after(self, product, quantity, mode=SET):
        """What the line of `product` would hold after this change."""
        if mode == self.ADD:
            current = self.items.filter(product=product).values_list("quantity", flat=True)
            return (current.first() or 0) + quantity
        return quantity

    def change_line(self, product, quantity, mode=SET, token=None):
        """Make the line of `product` hold `quantity` (`set`) or `quantity` more (`add`).

        Returns the line's new quantity (0: the line is gone). Raises OutOfStock, changing
        nothing, if the line would exceed the product's stock as it is now, and
        Product.DoesNotExist if the product was deleted since the form saw it.

        An add that carries a `token` (its form's, {% idempotency_token %}) is made once: sent
        again with the same token (a retry after a lost answer, a double click), it changes
        nothing and returns what the first one did. The token is kept with the cart, in the
        database, so that every app server sees it; a token used for another product raises
        AlreadySent.
        """
        with transaction.atomic():
            self.lock()
            once = token if mode == self.ADD else None
            if once:
                done = self.additions.filter(token=once).first()
                if done is not None:
                    if done.product_id != product.pk:
                        raise AlreadySent
                    return done.quantity
            # The stock as it is now, and the product kept until this change commits: its
            # deletion (which locks it too, see Product.delete) waits, then takes this line with
            # it, instead of leaving a line pointing at a product that is gone.
            product = Product.objects.select_for_update(no_key=True).get(pk=product.pk)
            wanted = self.quantity_after(product, quantity, mode)
            if wanted > product.stock:
                raise OutOfStock(product)
            if wanted == 0:
                self.items.filter(product=product).delete()
            elif not self.items.filter(product=product).update(quantity=wanted):
                self.items.create(product=product, quantity=wanted)
            Cart.objects.filter(pk=self.pk).touch()
            if once:
                self.additions.create(token=once, product=product, quantity=wanted)
                self.additions.filter(created__lt=timezone.now() - CartAddition.KEPT).delete()
        return wanted


class CartItem(models.Model):
    cart = models.ForeignKey(
        Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.CASCADE,  # a deleted product leaves every cart
        related_name="cart_items",
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product"], name="cart_item_one_line_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="cart_item_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.product} × {self.quantity}"

    @property
    def one_less(self):
        """The quantity the cart's "−" button asks for."""
        return self.quantity - 1

    @property
    def exceeds_stock(self):
        """Staff lowered the stock below this line since it was filled."""
        return self.quantity > self.product.stock


class CartAddition(models.Model):
    """An add to a cart, kept by the token its form carried (Cart.change_line): the same add sent
    again is not made twice. Kept for a day, long enough for any retry."""

    KEPT = timedelta(days=1)

    cart = models.ForeignKey(
        Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="additions"
    )
    token = models.CharField(_("token"), max_length=64)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity after it"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("cart addition")
        verbose_name_plural = _("cart additions")
        constraints = [
            models.UniqueConstraint(fields=["cart", "token"], name="cart_addition_made_once")
        ]

    def __str__(self):
        return f"{self.cart_id}: {self.token}"


class VersionManager(models.Manager):
    def current(self, name):
        return self.filter(name=name).values_list("number", flat=True).first() or 0

    def bump(self, name):
        """Move the counter, in the caller's transaction: it commits, or rolls back, with the
        change it stands for."""
        if not self.filter(name=name).update(number=models.F("number") + 1):
            _version, created = self.get_or_create(name=name, defaults={"number": 1})
            if not created:  # made by a concurrent first bump
                self.filter(name=name).update(number=models.F("number") + 1)


class Version(models.Model):
    """A counter that moves with every change to what it names ("catalogue": every product and
    category). The page cache keeps pages per version (apps/market/cache.py); kept here, in the
    database, a version can never fall behind the data it stands for."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    number = models.PositiveBigIntegerField(_("number"), default=0)

    objects = VersionManager()

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self):
        return f"{self.name} {self.number}"
