"""CSV export of the catalogue (SPEC §5), streamed so that its size never matters."""

import csv
from datetime import UTC

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from shop.decorators import staff_required

from ..forms import ProductFilterForm
from ..models import Category, Product

HEADER = ["id", "name", "category", "price", "stock", "description", "created", "updated"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500  # rows written to the client at once: few writes, memory stays small
ROWS_PER_FETCH = 2000  # rows read from the database at once


def text_cell(value):
    """A text cell no spreadsheet will run as a formula (OWASP's CSV injection advice)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def utc(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Chunk:
    """A file-like target for csv.writer that hands back what was written."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def take(self):
        text, self.parts = "".join(self.parts), []
        return text


def csv_stream(rows):
    """The CSV text in chunks: the byte order mark (spreadsheets then read UTF-8, and so
    Cyrillic, right), the header, then the rows."""
    chunk = Chunk()
    writer = csv.writer(chunk)
    chunk.write("\ufeff")
    writer.writerow(HEADER)
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % ROWS_PER_CHUNK == 0:
            yield chunk.take()
    yield chunk.take()


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
    response = StreamingHttpResponse(
        csv_stream(product_rows(products, tree)), content_type="text/csv; charset=utf-8"
    )
    filename = f"products-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
