"""CSV export of the catalogue (SPEC §5), streamed so that its size never matters."""

from django.views.decorators.http import require_safe

from shop.csv_export import csv_download, text_cell, utc
from shop.decorators import staff_required

from ..forms import ProductFilterForm
from ..models import Category, Product

HEADER = ["id", "name", "category", "price", "stock", "description", "created", "updated"]
ROWS_PER_FETCH = 2000  # rows read from the database at once


def product_rows(products, tree):
    columns = ["pk", "name", "category_id", "price", "stock", "description", "created", "updated"]
    # iterator(): rows come from the database in batches (a server-side cursor on PostgreSQL)
    # instead of all at once.
    for pk, name, category_id, price, stock, description, created, updated in products.values_list(
        *columns
    ).iterator(chunk_size=ROWS_PER_FETCH):
        yield [
            pk,
            text_cell(name),
            text_cell(tree.path_name(category_id)),
            f"{price:.2f}",
            stock,
            text_cell(description),
            utc(created),
            utc(updated),
        ]


@staff_required
@require_safe
def product_export(request):
    """GET /market/export/product: the products the list's filters select, in id order."""
    tree = Category.objects.tree()
    filters = ProductFilterForm(request.GET, tree=tree)
    products = filters.filter(Product.objects.all()).order_by("pk")
    return csv_download("products", HEADER, product_rows(products, tree))
