"""CSV downloads (SPEC §5 and §8): streamed row by row, in a format spreadsheets read right.

Every export answers through `csv_download(filename_prefix, header, rows)`; text cells go
through `text_cell` so that no spreadsheet runs them as formulas.
"""

import csv
import unicodedata
from datetime import UTC

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500  # rows written to the client at once: few writes, memory stays small


def text_cell(value):
    """A text cell no spreadsheet will run as a formula (OWASP's CSV injection advice)."""
    return "'" + value if looks_like_a_formula(value) else value


def looks_like_a_formula(value):
    """Whether `value` starts with a formula sign as a spreadsheet may read it: after NFKC
    normalisation (full-width ＝＋－＠ are = + - @ to some programs) and past any invisible
    character before it (a byte order mark, a zero-width space: Unicode's format characters)."""
    for char in value:
        shown = unicodedata.normalize("NFKC", char)
        if shown and unicodedata.category(shown[0]) != "Cf":
            return shown.startswith(FORMULA_STARTS)
    return False


def utc(moment):
    """ISO 8601 in UTC to the second: `2026-11-26T16:06:26Z`."""
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


def csv_stream(header, rows):
    """The CSV text in chunks: the byte order mark (spreadsheets then read UTF-8, and so
    Cyrillic, right), the header, then the rows."""
    chunk = Chunk()
    writer = csv.writer(chunk)
    chunk.write("\ufeff")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % ROWS_PER_CHUNK == 0:
            yield chunk.take()
    yield chunk.take()


def csv_download(filename_prefix, header, rows):
    """A streamed attachment `<prefix>-YYYY-MM-DD.csv` (today in the shop's time zone), with no
    Content-Length: its size never matters."""
    response = StreamingHttpResponse(
        csv_stream(header, rows), content_type="text/csv; charset=utf-8"
    )
    filename = f"{filename_prefix}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
