"""Products: the list with its filters, the product page, and the staff forms (SPEC §3)."""

import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from apps.market.models import CartItem, Product
from tests.factories import make_category, make_product

EN = {"Accept-Language": "en"}

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def names(response):
    return [product.name for product in response.context["products"]]


@pytest.fixture
def catalogue():
    electronics = make_category("Электроника")
    phones = make_category("Смартфоны", parent=electronics)
    books = make_category("Книги")
    make_product(phones, "Смартфон Galaxy", "32990.00", 3, description="Экран AMOLED")
    make_product(phones, "Смартфон Redmi", "19990.00", 0, description="Камера 200 Мп")
    make_product(electronics, "Зарядное устройство", "2490.00", 40, description="Для смартфона")
    make_product(books, "Мастер и Маргарита", "690.00", 12, description="Роман Булгакова")
    return {"electronics": electronics, "phones": phones, "books": books}


class TestProductList:
    def test_everyone_sees_the_catalogue_sorted_by_name(self, client, catalogue):
        response = client.get("/market/products/")
        assert response.status_code == 200
        assert names(response) == [
            "Зарядное устройство",
            "Мастер и Маргарита",
            "Смартфон Galaxy",
            "Смартфон Redmi",
        ]
        assert "<html" in response.text

    def test_search_looks_in_name_and_description_ignoring_case(self, client, catalogue):
        assert names(client.get("/market/products/", {"q": "СМАРТФОН"})) == [
            "Зарядное устройство",
            "Смартфон Galaxy",
            "Смартфон Redmi",
        ]
        assert names(client.get("/market/products/", {"q": "булгакова"})) == ["Мастер и Маргарита"]
        assert names(client.get("/market/products/", {"q": "смартфон камера"})) == [
            "Смартфон Redmi"
        ]

    def test_category_filter_includes_subcategories(self, client, catalogue):
        response = client.get("/market/products/", {"category": catalogue["electronics"].pk})
        assert names(response) == ["Зарядное устройство", "Смартфон Galaxy", "Смартфон Redmi"]
        response = client.get("/market/products/", {"category": catalogue["phones"].pk})
        assert names(response) == ["Смартфон Galaxy", "Смартфон Redmi"]

    def test_in_stock_filter(self, client, catalogue):
        assert "Смартфон Redmi" not in names(client.get("/market/products/", {"in_stock": "1"}))
        assert len(names(client.get("/market/products/", {"in_stock": "0"}))) == 4

    @pytest.mark.parametrize(
        ("sort", "first"),
        [
            ("price", "Мастер и Маргарита"),
            ("-price", "Смартфон Galaxy"),
            ("name", "Зарядное устройство"),
            ("-created", "Мастер и Маргарита"),
        ],
    )
    def test_sort(self, client, catalogue, sort, first):
        assert names(client.get("/market/products/", {"sort": sort}))[0] == first

    def test_filters_combine(self, client, catalogue):
        response = client.get(
            "/market/products/",
            {
                "q": "смартфон",
                "category": catalogue["phones"].pk,
                "in_stock": "1",
                "sort": "-price",
            },
        )
        assert names(response) == ["Смартфон Galaxy"]

    def test_24_a_page_with_page_links_that_keep_the_filters(self, client):
        category = make_category("Посуда")
        Product.objects.bulk_create(
            Product(name=f"Чашка {n:02}", price=Decimal(100), stock=1, category=category)
            for n in range(30)
        )
        first = client.get("/market/products/", {"q": "чашка"})
        assert len(names(first)) == 24
        assert 'href="?q=%D1%87%D0%B0%D1%88%D0%BA%D0%B0&amp;page=2"' in first.text
        second = client.get("/market/products/", {"q": "чашка", "page": 2})
        assert names(second) == [f"Чашка {n}" for n in range(24, 30)]
        # A page number out of range or not a number shows a real page, not an error.
        assert client.get("/market/products/", {"page": 99}).status_code == 200

    def test_page_links_far_down_a_long_list(self, client):
        """Previous and next, the pages on each side and at the ends, gaps between: each a link
        that keeps the filters, but the page shown and the gaps."""
        category = make_category("Посуда")
        Product.objects.bulk_create(
            Product(name=f"Чашка {n:03}", price=Decimal(100), stock=1, category=category)
            for n in range(24 * 12)
        )
        html = client.get("/market/products/", {"sort": "price", "page": 6}).text
        nav = re.search(r'<ul class="pagination.*?</ul>', html, re.S).group()
        items = re.findall(r'<li class="page-item[^"]*"[^>]*>(.*?)</li>', nav, re.S)
        link = (
            '<a class="page-link" href="?sort=price&amp;page={0}" hx-get="?sort=price&amp;page={0}"'
        )
        assert items[0].startswith(link.format(5) + ' rel="prev">')
        assert items[-1].startswith(link.format(7) + ' rel="next">')
        shown = [re.sub(r"<[^>]+>", "", item).strip() for item in items[1:-1]]
        assert shown == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
        for number in ["1", "4", "5", "7", "8", "12"]:
            assert link.format(number) + ">" in nav
        assert '<li class="page-item active" aria-current="page"><span class="page-link">6<' in nav
        assert client.get("/market/products/", {"page": "x"}).status_code == 200

    def test_htmx_gets_only_the_results_with_links_that_push_the_url(self, client, catalogue, htmx):
        response = client.get("/market/products/", {"q": "смартфон"}, headers=htmx)
        assert response.status_code == 200
        assert "<html" not in response.text
        assert response.text.lstrip().startswith('<div id="product-results"')
        full = client.get("/market/products/")
        assert 'hx-push-url="true"' in full.text
        assert 'hx-target="#product-results"' in full.text

    def test_no_match_repeats_the_search_and_leads_back(self, client, catalogue):
        response = client.get("/market/products/", {"q": "самолёт"})
        assert names(response) == []
        assert "По запросу «самолёт» ничего не нашлось." in response.text
        assert '<a class="btn btn-primary" href="/market/products/">Показать все товары</a>' in (
            response.text
        )

    def test_no_match_names_the_filters_too(self, client, catalogue, htmx):
        query = {"category": catalogue["books"].pk, "in_stock": "1", "q": "«Атлас»"}
        response = client.get("/market/products/", query, headers={**htmx, **EN})
        assert names(response) == []
        assert "Nothing found for “‘Атлас’”." in response.text  # quotes in quotes, not doubled
        assert "Category: Книги · In stock only" in response.text
        assert 'href="/market/products/">Show all products</a>' in response.text

    @pytest.mark.parametrize(
        "query",
        [
            {"category": "abc"},
            {"category": "999999"},
            {"sort": "stock"},
            {"q": "x" * 201},
            {"q": "\x00"},
        ],
    )
    def test_bad_filters_are_reported_and_ignored(self, client, catalogue, query):
        response = client.get("/market/products/", query)
        assert response.status_code == 422
        assert response.context["filters"].errors
        assert len(names(response)) == 4
        assert "invalid-feedback" in response.text

    def test_the_category_filter_offers_the_tree_with_the_chosen_one_selected(
        self, client, catalogue
    ):
        phones = catalogue["phones"]
        for _ in range(2):  # the options are made once per tree
            html = client.get("/market/products/", {"category": phones.pk}).text
            select = re.search(r'<select[^>]*name="category".*?</select>', html, re.S).group(0)
            options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)
            assert [(value, name) for value, _, name in options] == [
                ("", "Все категории"),
                (str(catalogue["books"].pk), "Книги"),
                (str(catalogue["electronics"].pk), "Электроника"),
                (str(phones.pk), "\u2003Смартфоны"),
            ]
            assert [value for value, selected, _ in options if selected] == [str(phones.pk)]
        assert "selected" not in client.get("/market/products/", {"category": '1"x'}).text

    def test_staff_see_new_product_and_export_carrying_the_filters(self, staff_client, catalogue):
        response = staff_client.get("/market/products/", {"q": "смартфон", "page": 1})
        assert 'href="/market/products/new/"' in response.text
        assert (
            'href="/market/export/product?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BE%D0%BD"'
            in response.text
        )

    def test_shoppers_and_visitors_see_no_staff_controls(self, client, shopper, catalogue):
        for _ in range(2):
            response = client.get("/market/products/")
            for control in (
                "/market/products/new/",
                "/market/export/product",
                "/edit/",
                "/delete/",
            ):
                assert control not in response.text
            client.force_login(shopper)


class TestProductPage:
    def test_shows_name_price_description_availability_and_category_path(self, client, catalogue):
        product = Product.objects.get(name="Смартфон Galaxy")
        response = client.get(f"/market/products/{product.pk}/")
        assert response.status_code == 200
        text = response.text
        assert "Смартфон Galaxy" in text
        assert "32 990,00 ₽" in text
        assert "Экран AMOLED" in text
        assert "В наличии: 3" in text
        assert text.index(">Электроника<") < text.index(">Смартфоны<")

    def test_out_of_stock(self, client, catalogue):
        product = Product.objects.get(name="Смартфон Redmi")
        assert "Нет в наличии" in client.get(f"/market/products/{product.pk}/").text

    def test_english_price(self, client, catalogue):
        product = Product.objects.get(name="Смартфон Galaxy")
        response = client.get(f"/market/products/{product.pk}/", headers={"Accept-Language": "en"})
        assert "₽32,990.00" in response.text
        assert "In stock: 3" in response.text

    def test_unknown_product_is_404_in_the_shop_layout(self, client):
        response = client.get("/market/products/999999/")
        assert response.status_code == 404
        assert "navbar" in response.text

    def test_without_trailing_slash_redirects(self, client, catalogue):
        product = Product.objects.first()
        response = client.get(f"/market/products/{product.pk}")
        assert response.status_code == 301
        assert response["Location"] == f"/market/products/{product.pk}/"


def product_data(category, /, **changes):
    data = {
        "name": "Термос",
        "price": "1690.00",
        "description": "Держит тепло 24 часа",
        "stock": "26",
        "category": str(category.pk),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class TestCreateProduct:
    def test_staff_create_through_the_form_and_land_on_the_product(self, staff_client, catalogue):
        assert staff_client.get("/market/products/new/").status_code == 200
        response = staff_client.post("/market/products/", product_data(catalogue["books"]))
        product = Product.objects.get(name="Термос")
        assert response.status_code == 303
        assert response["Location"] == f"/market/products/{product.pk}/"
        assert (product.price, product.stock, product.category) == (
            Decimal("1690.00"),
            26,
            catalogue["books"],
        )

    def test_without_trailing_slash_too(self, staff_client, catalogue):
        response = staff_client.post("/market/products", product_data(catalogue["books"]))
        assert response.status_code == 303
        assert Product.objects.filter(name="Термос").exists()

    def test_htmx_create_answers_hx_redirect(self, staff_client, catalogue, htmx):
        response = staff_client.post(
            "/market/products/", product_data(catalogue["books"]), headers=htmx
        )
        assert response.status_code == 200
        assert response["HX-Redirect"] == Product.objects.get(name="Термос").get_absolute_url()

    def test_new_form_preselects_the_category(self, staff_client, catalogue):
        response = staff_client.get("/market/products/new/", {"category": catalogue["books"].pk})
        assert f'<option value="{catalogue["books"].pk}" selected>' in response.text

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("name", ""),
            ("name", "   "),
            ("name", "я" * 201),
            ("name", None),
            ("price", "-1"),
            ("price", "abc"),
            ("price", "1.999"),
            ("price", "100000000.00"),
            ("price", "NaN"),
            ("price", ""),
            ("stock", "-1"),
            ("stock", "1.5"),
            ("stock", "много"),
            ("category", "999999"),
            ("category", "abc"),
            ("category", ""),
        ],
    )
    def test_bad_input_is_422_with_the_error_on_the_field_and_nothing_saved(
        self, staff_client, catalogue, htmx, field, value
    ):
        count = Product.objects.count()
        data = product_data(catalogue["books"], **{field: value})
        response = staff_client.post("/market/products/", data)
        assert response.status_code == 422
        assert list(response.context["form"].errors) == [field]
        assert Product.objects.count() == count
        # What was typed stays in the form.
        assert "Держит тепло 24 часа</textarea>" in response.text

        fragment = staff_client.post("/market/products/", data, headers=htmx)
        assert fragment.status_code == 422
        assert fragment.text.lstrip().startswith('<form id="product-form"')
        assert "invalid-feedback" in fragment.text

    def test_price_bounds_are_accepted(self, staff_client, catalogue):
        for price in ("0", "0.00", "99999999.99"):
            data = product_data(catalogue["books"], price=price, name=f"Товар {price}")
            assert staff_client.post("/market/products/", data).status_code == 303

    def test_shopper_gets_403_and_visitor_is_sent_to_log_in(self, client, shopper, catalogue):
        data = product_data(catalogue["books"])
        response = client.post("/market/products/", data)
        assert response.status_code == 302
        assert response["Location"].startswith("/users/user/login/?next=/market/products/")
        assert client.get("/market/products/new/").status_code == 302
        client.force_login(shopper)
        assert client.post("/market/products/", data).status_code == 403
        assert client.get("/market/products/new/").status_code == 403
        assert not Product.objects.filter(name="Термос").exists()


class TestEditProduct:
    @pytest.fixture
    def product(self, catalogue):
        return Product.objects.get(name="Мастер и Маргарита")

    def test_edit_form_shows_the_product(self, staff_client, product):
        response = staff_client.get(f"/market/products/{product.pk}/edit/")
        assert response.status_code == 200
        assert 'value="Мастер и Маргарита"' in response.text
        assert 'name="_method" value="PUT"' in response.text
        assert f'hx-put="/market/products/{product.pk}/"' in response.text

    def test_put_updates_the_whole_product(self, staff_client, product, catalogue):
        data = product_data(catalogue["phones"], name="Белая гвардия", price="750.50", stock="0")
        response = staff_client.put(f"/market/products/{product.pk}/", urlencode(data), FORM)
        assert response.status_code == 303
        product.refresh_from_db()
        assert (product.name, product.price, product.stock, product.category) == (
            "Белая гвардия",
            Decimal("750.50"),
            0,
            catalogue["phones"],
        )
        assert product.description == "Держит тепло 24 часа"

    def test_post_with_method_put_works_without_javascript(self, staff_client, product, catalogue):
        data = {**product_data(catalogue["books"], name="Собачье сердце"), "_method": "PUT"}
        assert staff_client.post(f"/market/products/{product.pk}", data).status_code == 303
        product.refresh_from_db()
        assert product.name == "Собачье сердце"

    def test_bad_put_changes_nothing(self, staff_client, product, catalogue, htmx):
        data = product_data(catalogue["books"], price="-5")
        response = staff_client.put(
            f"/market/products/{product.pk}/", urlencode(data), FORM, headers=htmx
        )
        assert response.status_code == 422
        product.refresh_from_db()
        assert (product.name, product.price) == ("Мастер и Маргарита", Decimal("690.00"))

    def test_unknown_product(self, staff_client, catalogue):
        data = product_data(catalogue["books"])
        assert (
            staff_client.put("/market/products/999999/", urlencode(data), FORM).status_code == 404
        )
        assert staff_client.get("/market/products/999999/edit/").status_code == 404

    def test_shopper_and_visitor_cannot_edit(self, client, shopper, product, catalogue):
        data = product_data(catalogue["books"], name="Взлом")
        assert (
            client.put(f"/market/products/{product.pk}/", urlencode(data), FORM).status_code == 302
        )
        assert client.get(f"/market/products/{product.pk}/edit/").status_code == 302
        client.force_login(shopper)
        assert (
            client.put(f"/market/products/{product.pk}/", urlencode(data), FORM).status_code == 403
        )
        assert client.get(f"/market/products/{product.pk}/edit/").status_code == 403
        product.refresh_from_db()
        assert product.name == "Мастер и Маргарита"


class TestDeleteProduct:
    @pytest.fixture
    def product(self, catalogue, shopper):
        product = Product.objects.get(name="Мастер и Маргарита")
        CartItem.objects.create(cart=shopper.cart, product=product, quantity=2)
        return product

    def test_confirmation_page_says_what_goes(self, staff_client, product):
        response = staff_client.get(f"/market/products/{product.pk}/delete/")
        assert response.status_code == 200
        assert 'name="_method" value="DELETE"' in response.text
        assert "1 корзине" in response.text

    def test_post_with_method_delete_deletes_the_product_and_its_cart_lines(
        self, staff_client, product
    ):
        response = staff_client.post(f"/market/products/{product.pk}/", {"_method": "DELETE"})
        assert response.status_code == 303
        assert response["Location"] == "/market/products/"
        assert not Product.objects.filter(pk=product.pk).exists()
        assert not CartItem.objects.exists()

    def test_htmx_delete_answers_hx_redirect(self, staff_client, product, htmx):
        response = staff_client.delete(f"/market/products/{product.pk}", headers=htmx)
        assert response["HX-Redirect"] == "/market/products/"
        assert not Product.objects.filter(pk=product.pk).exists()

    def test_product_page_asks_before_an_htmx_delete(self, staff_client, product):
        response = staff_client.get(f"/market/products/{product.pk}/")
        assert f'hx-delete="/market/products/{product.pk}/"' in response.text
        assert "hx-confirm=" in response.text

    def test_shopper_and_visitor_cannot_delete(self, client, shopper, product):
        assert client.delete(f"/market/products/{product.pk}/").status_code == 302
        assert client.get(f"/market/products/{product.pk}/delete/").status_code == 302
        client.force_login(shopper)
        assert client.delete(f"/market/products/{product.pk}/").status_code == 403
        assert client.get(f"/market/products/{product.pk}/delete/").status_code == 403
        assert Product.objects.filter(pk=product.pk).exists()

    def test_unknown_product(self, staff_client):
        assert staff_client.delete("/market/products/999999/").status_code == 404

    def test_unsupported_verb_is_405(self, staff_client, product):
        assert staff_client.patch(f"/market/products/{product.pk}/").status_code == 405
        assert staff_client.put("/market/products/", {}, FORM).status_code == 405
