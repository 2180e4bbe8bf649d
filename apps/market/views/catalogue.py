"""The catalogue: products and categories, browsed by everyone and edited by staff (SPEC §3)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shop.decorators import staff_required
from shop.http import leave_page
from shop.text import quoted

from ..cache import cached_page, never_kept
from ..forms import CategoryForm, ProductFilterForm, ProductForm, ProductImagesForm
from ..models import Category, Product

PRODUCTS_PER_PAGE = 24
RELATED_PRODUCTS = 4  # "more from this category" on a product page
# Up to this many matches, a search's page finds them all, then sorts them (unindexed_ordering):
# 12-17 ms for 4,000 at 100,000 products, where walking the sort's index to the first of them
# took up to 270 ms; with more, the walk finds its page soon (3 ms for 13,700, 0.3 ms for all),
# where finding them all first took up to 200 ms.
FEW_MATCHES = 5000


def product_results(request, filters, category=None):
    """The filtered, paginated product list shared by the list and category pages: all the
    products, or those of `category`'s subtree.

    The page's products are picked by their ids alone, then loaded with what their cards show:
    the ids of a page far down the list come from the sort's index, where a query for whole
    rows sorted every product matching the filters to skip all but 24 (10 ms at page 300 of
    10,000 products, against 2 ms), but for a search with few matches (FEW_MATCHES), which
    finds them first. Without a search, how many there are comes from the category tree, not
    from a query counting them (at 10,000 products a count read a category's products or all of
    them, up to a few milliseconds each page)."""
    products = Product.objects.all()
    if category is not None:
        products = products.in_categories(filters.tree.subtree_ids(category))
    ids = filters.filter(products).values("pk")
    count = filters.known_count(category)
    if count is None:  # a search, which the tree can't count
        count = ids.count()
        if count <= FEW_MATCHES:
            ids = ids.order_by(*filters.unindexed_ordering())
    page = Counted(ids, PRODUCTS_PER_PAGE, count).get_page(request.GET.get("page"))
    cards = Product.objects.for_cards().filter(pk__in=page.object_list)
    return {"filters": filters, "page": page, "products": cards.order_by(*filters.ordering())}


class Counted(Paginator):
    """A Paginator told how many objects there are, unless `count` is None."""

    def __init__(self, object_list, per_page, count=None):
        super().__init__(object_list, per_page)
        self.known = count

    @cached_property
    def count(self):
        return super().count if self.known is None else self.known


def shown_elsewhere(request, page):
    """Whether the page number asked for is not the page shown (past the last, say: the list
    got shorter since the link was made, or the number was made up). Such an answer is not
    kept by the page cache: a list is kept once for each page it has."""
    asked = request.GET.get("page", "")
    return asked.isascii() and asked.isdigit() and int(asked) != page.number


def status_of(form):
    return 422 if form.errors else 200


@cached_page()
def home(request):
    """The front page: the top-level categories and the newest products.

    Template: market/home.html. Context: `categories`, `products`.
    """
    tree = Category.objects.tree()
    products = Product.objects.for_cards().order_by("-created", "-pk")[:8]
    return render(request, "market/home.html", {"categories": tree.roots, "products": products})


@cached_page(params=ProductFilterForm.PARAMS)
def product_list(request):
    """The catalogue with search, category, stock and order filters, 24 a page; htmx swaps
    only the results. Template: market/product_list.html (#product-results)."""
    tree = Category.objects.tree()
    filters = ProductFilterForm(request.GET, tree=tree)
    context = product_results(request, filters)
    template = "market/product_list.html"
    if request.htmx:
        template += "#product-results"
    response = render(request, template, context, status=status_of(filters))
    return never_kept(response) if shown_elsewhere(request, context["page"]) else response


@staff_required
def product_create(request):
    """POST /market/products/: a new product from the form, or the form again with errors."""
    tree = Category.objects.tree()
    form = ProductForm(request.POST, request.FILES, tree=tree)
    if form.is_valid() and (product := form.save()) is not None:
        messages.success(request, _("Product %(name)s created.") % {"name": quoted(product.name)})
        return leave_page(request, product)
    return render_product_form(request, form, status=422)


@staff_required
@require_safe
def product_new(request):
    """The empty create form; `?category=<id>` preselects a category."""
    form = ProductForm(
        initial={"category": request.GET.get("category")}, tree=Category.objects.tree()
    )
    return render_product_form(request, form)


def render_product_form(request, form, status=200, images_form=None, partial="product-form"):
    """Template: market/product_form.html (#product-form, or #product-pictures, for htmx).

    Context: `form`, `product`; on the edit page also `images` (the product's pictures) and
    `images_form` (the upload form of the pictures section)."""
    template = "market/product_form.html"
    if request.htmx:
        template += f"#{partial}"
    product = form.instance
    context = {"form": form, "product": product}
    if product.pk:
        context["images"] = list(product.images.all())
        context["images_form"] = images_form or ProductImagesForm(product=product)
    return render(request, template, context, status=status)


@cached_page()
def product_detail(request, pk):
    """Template: market/product_detail.html. Context: `product`, `path` (root to category),
    `images` (the main picture first), `related` (a few more products of its category)."""
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    tree = Category.objects.tree()
    context = {
        "product": product,
        "path": tree.path(product.category_id),
        "images": sorted(product.images.all(), key=lambda image: not image.is_main),
        "related": Product.objects.for_cards()
        .in_categories([product.category_id])
        .exclude(pk=product.pk)
        .order_by("-stock", "name", "pk")[:RELATED_PRODUCTS],
    }
    return render(request, "market/product_detail.html", context)


@staff_required
def product_update(request, pk):
    """PUT /market/products/<id>/: the whole form (a full update)."""
    product = get_object_or_404(Product, pk=pk)
    form = ProductForm(request.POST, request.FILES, instance=product, tree=Category.objects.tree())
    if form.is_valid() and form.save() is not None:
        messages.success(request, _("Product %(name)s saved.") % {"name": quoted(product.name)})
        return leave_page(request, product)
    return render_product_form(request, form, status=422)


@staff_required
@require_safe
def product_edit(request, pk):
    product = get_object_or_404(Product, pk=pk)
    return render_product_form(request, ProductForm(instance=product, tree=Category.objects.tree()))


@staff_required
def product_delete(request, pk):
    """DELETE /market/products/<id>/: the product and its cart lines go."""
    product = get_object_or_404(Product, pk=pk)
    product.delete()
    messages.success(request, _("Product %(name)s deleted.") % {"name": quoted(product.name)})
    return leave_page(request, "market:product_list")


@staff_required
@require_safe
def product_delete_confirm(request, pk):
    """Template: market/product_confirm_delete.html. Context: `product`, `cart_count` (how many
    carts hold it: their lines go with it)."""
    product = get_object_or_404(Product, pk=pk)
    context = {"product": product, "cart_count": product.cart_items.count()}
    return render(request, "market/product_confirm_delete.html", context)


@cached_page()
def category_list(request):
    """The whole category tree: every category under its parent with how many products it and
    its subcategories hold; the levels below the second start folded, in the page itself, so
    that the tree works without JavaScript.

    Template: market/category_list.html. Context: `roots` (each category has `subcategories`
    and `total_products`, from CategoryTree).
    """
    return render(request, "market/category_list.html", {"roots": Category.objects.tree().roots})


@staff_required
def category_create(request):
    """POST /market/category/: a new category from the form, or the form again with errors."""
    tree = Category.objects.tree()
    form = CategoryForm(request.POST, tree=tree)
    if form.is_valid() and (category := form.save()) is not None:
        messages.success(request, _("Category %(name)s created.") % {"name": quoted(category.name)})
        return leave_page(request, category)
    return render_category_form(request, form, status=422)


@staff_required
@require_safe
def category_new(request):
    """The empty create form; `?parent=<id>` preselects the parent."""
    form = CategoryForm(initial={"parent": request.GET.get("parent")}, tree=Category.objects.tree())
    return render_category_form(request, form)


def render_category_form(request, form, status=200):
    """Template: market/category_form.html (#category-form for htmx)."""
    template = "market/category_form.html"
    if request.htmx:
        template += "#category-form"
    return render(request, template, {"form": form, "category": form.instance}, status=status)


@cached_page(params=ProductFilterForm.CATEGORY_PAGE_PARAMS)
def category_detail(request, pk):
    """The category's path, subcategories and the products of its whole subtree, filtered like
    the product list. Template: market/category_detail.html (#product-results for htmx)."""
    tree = Category.objects.tree()
    category = tree.get(pk)
    if category is None:
        raise Http404
    filters = ProductFilterForm(request.GET, tree=tree, category_field=False)
    context = {
        **product_results(request, filters, category=pk),
        "category": category,
        "path": tree.path(pk),
        "children": tree.children[pk],
    }
    template = "market/category_detail.html"
    if request.htmx:
        template += "#product-results"
    response = render(request, template, context, status=status_of(filters))
    return never_kept(response) if shown_elsewhere(request, context["page"]) else response


@staff_required
def category_update(request, pk):
    """PUT /market/category/<id>/: name and parent; no parent moves it to the top level."""
    category = get_object_or_404(Category, pk=pk)
    form = CategoryForm(request.POST, instance=category, tree=Category.objects.tree())
    if form.is_valid() and form.save() is not None:
        messages.success(request, _("Category %(name)s saved.") % {"name": quoted(category.name)})
        return leave_page(request, category)
    return render_category_form(request, form, status=422)


@staff_required
@require_safe
def category_edit(request, pk):
    category = get_object_or_404(Category, pk=pk)
    return render_category_form(
        request, CategoryForm(instance=category, tree=Category.objects.tree())
    )
