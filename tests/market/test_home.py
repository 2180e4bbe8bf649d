import re

import pytest

from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def test_front_page_shows_top_categories_and_the_newest_products(client):
    home = make_category("Дом")
    make_category("Кухня", parent=home)
    for n in range(10):
        make_product(home, f"Товар {n}")
    response = client.get("/")
    assert response.status_code == 200
    assert [c.name for c in response.context["categories"]] == ["Дом"]
    assert [p.name for p in response.context["products"]] == [f"Товар {n}" for n in range(9, 1, -1)]
    assert 'href="/market/products/"' in response.text


def test_front_page_of_an_empty_shop(client, db):
    assert "Каталог пока пуст." in client.get("/").text


def test_categories_are_tiles_with_their_counts(client):
    home = make_category("Дом")
    make_product(home, "Чайник")
    make_product(make_category("Кухня", parent=home), "Кружка")
    html = client.get("/").text
    tile = re.search(r'<a class="category-tile[^"]*" href="([^"]+)">(.*?)</a>', html, re.S)
    assert tile.group(1) == home.get_absolute_url()
    assert "Дом" in tile.group(2)
    assert "2 товара" in tile.group(2)
