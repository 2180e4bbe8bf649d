"""The CSV export of SPEC §5, byte for byte."""

import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.market.models import Category, Product
from apps.market.views import export
from shop import csv_export
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

URL = "/market/export/product"
BOM = "\ufeff"
HEADER = "id,name,category,price,stock,description,created,updated\r\n"


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def products():
    electronics = make_category("Электроника")
    phones = make_category("Смартфоны", parent=electronics)
    items = [
        make_product(phones, "Смартфон «Galaxy», 8/256", "1234.5", 3, description="Экран 6,6″"),
        make_product(electronics, '=HYPERLINK("http://evil")', "0", 0, description="+1"),
        make_product(phones, "@SUM(A1)", "99999999.99", 7, description="-5\nвторая строка"),
        make_product(electronics, "\tTab", "10", 1, description="\rCR"),
    ]
    moment = datetime(2026, 11, 26, 16, 6, 26, 123456, tzinfo=UTC)
    Product.objects.update(created=moment, updated=moment)
    return items


def test_csv_format_byte_for_byte(staff_client, products):
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert not response.has_header("Content-Length")
    assert response.streaming
    a, b, c, d = (p.pk for p in products)
    at = "2026-11-26T16:06:26Z,2026-11-26T16:06:26Z"  # created, updated: UTC to the second
    assert body(response) == (
        BOM
        + HEADER
        + f'{a},"Смартфон «Galaxy», 8/256",Электроника / Смартфоны,1234.50,3,"Экран 6,6″",{at}\r\n'
        # Text that a spreadsheet would run as a formula gets a leading apostrophe.
        + f"""{b},"'=HYPERLINK(""http://evil"")",Электроника,0.00,0,'+1,{at}\r\n"""
        + f"""{c},'@SUM(A1),Электроника / Смартфоны,99999999.99,7,"'-5\nвторая строка",{at}\r\n"""
        + f"""{d},'\tTab,Электроника,10.00,1,"'\rCR",{at}\r\n"""
    )


def test_formula_look_alikes_are_escaped_too(staff_client, db):
    """Full-width signs and invisible characters before a sign don't slip past the apostrophe,
    in names, category paths and descriptions alike."""
    category = make_category("\ufeff=cmd")
    make_product(category, "＝HYPERLINK(1)", description="\u200b+1")
    row = body(staff_client.get(URL)).splitlines()[1].split(",")
    assert row[1:3] == ["'＝HYPERLINK(1)", "'\ufeff=cmd"]
    assert row[5] == "'\u200b+1"


def test_file_starts_with_the_utf8_byte_order_mark(staff_client, products):
    raw = b"".join(staff_client.get(URL).streaming_content)
    assert raw.startswith(b"\xef\xbb\xbfid,name,")


def test_filename_has_todays_date_in_the_shops_time_zone(staff_client, products, monkeypatch):
    late_evening_utc = datetime(2026, 11, 26, 22, 30, tzinfo=UTC)  # already the 27th in Moscow
    monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)
    response = staff_client.get(URL)
    assert response["Content-Disposition"] == 'attachment; filename="products-2026-11-27.csv"'


def test_both_spellings_of_the_path_download(staff_client, products):
    assert staff_client.get(URL).status_code == 200
    assert staff_client.get(URL + "/").status_code == 200


def test_filters_of_the_list_apply_and_rows_stay_in_id_order(staff_client, products):
    phones = Category.objects.get(name="Смартфоны")
    rows = body(staff_client.get(URL, {"category": phones.pk, "sort": "-price"})).splitlines()
    ids = [int(line.split(",")[0]) for line in rows[1:] if line[:1].isdigit()]
    assert ids == sorted([products[0].pk, products[2].pk])

    in_stock = body(staff_client.get(URL, {"in_stock": "1", "q": "galaxy"}))
    assert in_stock.count("\r\n") == 2  # header and one row
    assert "Galaxy" in in_stock


def test_an_empty_export_has_the_header_only(staff_client, db):
    assert body(staff_client.get(URL)) == BOM + HEADER


def test_visitor_logs_in_first_and_shopper_is_refused(client, shopper, products, htmx):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/users/user/login/?next={URL}"
    assert client.get(URL, headers=htmx)["HX-Redirect"] == f"/users/user/login/?next={URL}"
    client.force_login(shopper)
    assert client.get(URL).status_code == 403


def export_peak_memory(client, count):
    category = make_category(f"Категория {count}")
    Product.objects.all().delete()
    Product.objects.bulk_create(
        Product(
            name=f"Товар номер {n}",
            price=Decimal("999.99"),
            stock=n,
            category=category,
            description="Описание товара " * 10,
        )
        for n in range(count)
    )
    tracemalloc.start()
    chunks = 0
    for _ in client.get(URL).streaming_content:
        chunks += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, chunks


def test_the_export_streams_in_constant_memory(staff_client, monkeypatch):
    """Five times the rows take no more memory: rows are read from the database and written to
    the client in batches, never held all at once. (Small batches keep the test quick.)"""
    monkeypatch.setattr(export, "ROWS_PER_FETCH", 100)
    monkeypatch.setattr(csv_export, "ROWS_PER_CHUNK", 50)
    small_peak, small_chunks = export_peak_memory(staff_client, 400)
    large_peak, large_chunks = export_peak_memory(staff_client, 2000)
    assert (small_chunks, large_chunks) == (9, 41)
    assert large_peak < small_peak * 1.3
