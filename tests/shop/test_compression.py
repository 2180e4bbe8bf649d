"""HTML (and every text answer) compressed with gzip for browsers that accept it, with Django's
BREACH mitigations kept: a CSRF token masked anew in every answer, random padding in every
compressed one (issue 13)."""

import csv
import gzip
import io
import re

import pytest

from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def padding(body):
    """The length of the gzip header's file name field, where Django puts its random bytes."""
    assert body[:2] == b"\x1f\x8b"
    assert body[3] & 0x08, "no file name field: the random padding is missing"
    return body.index(b"\x00", 10) - 10


@pytest.fixture
def kettle():
    return make_product(make_category("Кухня"), "Чайник", "1990.00", stock=5)


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip(client, kettle):
    response = client.get("/market/products/", headers=GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert {"accept-encoding", "hx-request"} <= vary(response)
    html = gzip.decompress(response.content).decode()
    assert "<html" in html
    assert "Чайник" in html
    assert int(response["Content-Length"]) == len(response.content) < len(html.encode())


def test_a_client_that_does_not_accept_gzip_gets_plain_html(client, kettle):
    response = client.get("/market/products/")
    assert "Content-Encoding" not in response
    assert "accept-encoding" in vary(response)  # a shared cache keeps the two apart
    assert "Чайник" in response.text


def test_every_answer_has_its_own_token_and_padding(client, kettle):
    """BREACH needs answers that differ only where the guess meets the secret: here the
    masked CSRF token differs in each, and so does the length of the random padding."""
    bodies = [client.get("/market/products/", headers=GZIP).content for _ in range(20)]
    tokens = {token(gzip.decompress(body).decode()) for body in bodies}
    assert len(tokens) == 20
    assert len({padding(body) for body in bodies}) > 1


def test_a_page_from_the_page_cache_is_compressed_with_the_visitors_token(
    client, kettle, settings, django_assert_num_queries
):
    settings.SHARED_CACHE_SECONDS = 600
    settings.PAGE_CACHE_VERSION_SECONDS = 600
    client.get("/market/products/", headers=GZIP)  # a note: kept from the second ask
    first = client.get("/market/products/", headers=GZIP)
    with django_assert_num_queries(0):  # served from the page cache
        second = client.get("/market/products/", headers=GZIP)
    assert second["Content-Encoding"] == "gzip"
    first_html, second_html = (gzip.decompress(r.content).decode() for r in (first, second))
    assert token(first_html) != token(second_html)
    assert "csrftokenplaceholder" not in second_html
    assert second_html.replace(token(second_html), "") == first_html.replace(token(first_html), "")


def test_an_htmx_fragment_is_compressed_with_its_toasts(client, shopper, kettle, htmx):
    client.force_login(shopper)
    response = client.put(
        f"/market/cart/{shopper.cart.pk}/",
        f"product={kettle.pk}&quantity=1&mode=add",
        "application/x-www-form-urlencoded",
        headers={**htmx, **GZIP},
    )
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert 'id="cart"' in html
    assert 'hx-swap-oob="innerHTML"' in html  # the toast, appended before compression
    assert "добавлен в корзину" in html


def test_the_csv_export_still_streams_compressed(client, staff, kettle):
    client.force_login(staff)
    response = client.get("/market/export/product", headers=GZIP)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Encoding"] == "gzip"
    assert "Content-Length" not in response
    data = gzip.decompress(b"".join(response.streaming_content))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["id", "name"]
    assert rows[1][1] == "Чайник"


@pytest.mark.urls("tests.shop.urls")
def test_a_picture_is_not_compressed_again(client):
    response = client.get("/picture/", headers=GZIP)
    assert "Content-Encoding" not in response
    assert response.content.startswith(b"\x89PNG")


def test_small_answers_are_left_alone(client):
    response = client.get("/healthz", headers=GZIP)
    assert response.content == b"ok"
    assert "Content-Encoding" not in response
