"""Carts (SPEC §3, issue 5): routes for each role, the cart form's rules, htmx and plain answers."""

import re
from decimal import Decimal
from urllib.parse import quote, urlencode

import pytest

from apps.market.forms import CartLineForm
from apps.market.models import Cart, CartItem, OutOfStock, Product
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def put(client, cart, headers=None, **data):
    return client.put(f"/market/cart/{cart.pk}/", urlencode(data), FORM, headers=headers or {})


def lines(cart):
    return dict(cart.items.values_list("product__name", "quantity"))


@pytest.fixture
def kettle(db):
    return make_product(make_category("Кухня"), "Чайник", "1990.00", stock=5)


@pytest.fixture
def mug(kettle):
    return make_product(kettle.category, "Кружка", "350.50", stock=10)


class TestAccess:
    def test_visitor_is_sent_to_log_in(self, client, shopper, kettle, htmx):
        cart = shopper.cart
        for response in (
            client.get("/market/cart/"),
            client.get(f"/market/cart/{cart.pk}/"),
            put(client, cart, product=kettle.pk, quantity=1),
        ):
            assert response.status_code == 302
            assert response["Location"].startswith("/users/user/login/?next=/market/cart/")
        response = put(client, cart, headers=htmx, product=kettle.pk, quantity=1)
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"/users/user/login/?next=/market/cart/{cart.pk}/"
        assert not cart.items.exists()

    def test_shopper_sees_their_own_cart_at_both_addresses(self, shopper_client, shopper):
        for url in ("/market/cart/", f"/market/cart/{shopper.cart.pk}/"):
            response = shopper_client.get(url)
            assert response.status_code == 200
            assert response.context["cart"] == shopper.cart

    def test_another_shoppers_cart_does_not_exist_for_them(
        self, shopper_client, other_shopper, kettle
    ):
        cart = other_shopper.cart
        assert shopper_client.get(f"/market/cart/{cart.pk}/").status_code == 404
        assert put(shopper_client, cart, product=kettle.pk, quantity=1).status_code == 404
        assert not cart.items.exists()

    def test_staff_see_and_change_any_cart(self, staff_client, shopper, kettle):
        cart = shopper.cart
        assert staff_client.get(f"/market/cart/{cart.pk}/").status_code == 200
        assert put(staff_client, cart, product=kettle.pk, quantity=2).status_code == 303
        assert lines(cart) == {"Чайник": 2}

    def test_unknown_cart(self, shopper_client, staff_client):
        assert shopper_client.get("/market/cart/999999/").status_code == 404

    def test_only_get_and_put(self, shopper_client, shopper):
        assert shopper_client.delete(f"/market/cart/{shopper.cart.pk}/").status_code == 405
        assert shopper_client.post("/market/cart/", {}).status_code == 405


class TestStaffList:
    def test_all_carts_with_owner_items_total_newest_first(
        self, staff_client, shopper, other_shopper, kettle, mug
    ):
        shopper.cart.change_line(kettle, 2)
        shopper.cart.change_line(mug, 1)
        other_shopper.cart.change_line(mug, 3)
        response = staff_client.get("/market/cart/")
        assert response.status_code == 200
        carts = list(response.context["carts"])
        assert [c.owner.username for c in carts[:2]] == ["other", "shopper"]
        assert (carts[1].item_count, carts[1].total) == (3, Decimal("4330.50"))
        assert (carts[0].item_count, carts[0].total) == (3, Decimal("1051.50"))
        assert "4 330,50 ₽" in response.text
        assert f'href="/market/cart/{shopper.cart.pk}/"' in response.text

    def test_paginated(self, staff_client, make_user):
        for n in range(30):
            make_user(f"user{n}")
        first = staff_client.get("/market/cart/")
        assert len(first.context["carts"]) == 25
        assert len(staff_client.get("/market/cart/", {"page": 2}).context["carts"]) == 6


class TestChangeLine:
    def test_add_grows_the_line_and_set_replaces_it(self, shopper_client, shopper, kettle):
        cart = shopper.cart
        put(shopper_client, cart, product=kettle.pk, quantity=2, mode="add")
        put(shopper_client, cart, product=kettle.pk, quantity=1, mode="add")
        assert lines(cart) == {"Чайник": 3}
        put(shopper_client, cart, product=kettle.pk, quantity=1, mode="set")
        assert lines(cart) == {"Чайник": 1}

    def test_set_is_the_default_mode(self, shopper_client, shopper, kettle):
        put(shopper_client, shopper.cart, product=kettle.pk, quantity=4)
        put(shopper_client, shopper.cart, product=kettle.pk, quantity=2)
        assert lines(shopper.cart) == {"Чайник": 2}

    def test_set_to_zero_removes_the_line(self, shopper_client, shopper, kettle, mug):
        shopper.cart.change_line(kettle, 2)
        shopper.cart.change_line(mug, 1)
        response = put(shopper_client, shopper.cart, product=kettle.pk, quantity=0)
        assert response.status_code == 303
        assert lines(shopper.cart) == {"Кружка": 1}

    def test_a_change_updates_the_carts_last_change(self, shopper_client, shopper, kettle):
        before = Cart.objects.get(pk=shopper.cart.pk).updated
        put(shopper_client, shopper.cart, product=kettle.pk, quantity=1)
        assert Cart.objects.get(pk=shopper.cart.pk).updated > before

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"quantity": "-1"}, "quantity"),
            ({"quantity": "abc"}, "quantity"),
            ({"quantity": ""}, "quantity"),
            ({"quantity": "1.5"}, "quantity"),
            ({"quantity": "9" * 5000}, "quantity"),
            ({"product": "999999"}, "product"),
            ({"product": "abc"}, "product"),
            ({"product": ""}, "product"),
            ({"mode": "multiply"}, "mode"),
        ],
    )
    def test_bad_input_is_422_with_a_field_error_and_changes_nothing(
        self, shopper_client, shopper, kettle, htmx, data, field
    ):
        shopper.cart.change_line(kettle, 2)
        full = {"product": kettle.pk, "quantity": 1, "mode": "set", **data}
        response = put(shopper_client, shopper.cart, **full)
        assert response.status_code == 422
        assert list(response.context["form"].errors) == [field]
        assert "<html" in response.text
        fragment = put(shopper_client, shopper.cart, headers=htmx, **full)
        assert fragment.status_code == 422
        assert fragment.text.lstrip().startswith('<div id="cart"')
        assert lines(shopper.cart) == {"Чайник": 2}

    @pytest.mark.parametrize("mode", ["set", "add"])
    def test_a_product_deleted_while_the_change_is_checked_answers_422(
        self, shopper_client, shopper, kettle, mug, monkeypatch, mode
    ):
        """Staff delete the product after the form found it and before the cart changes: the
        shopper is told it is no longer for sale (a 500 before), and nothing changes."""
        shopper.cart.change_line(mug, 1)
        checked = CartLineForm.clean

        def clean_then_delete(form):
            data = checked(form)
            Product.objects.filter(pk=kettle.pk).delete()
            return data

        monkeypatch.setattr(CartLineForm, "clean", clean_then_delete)
        response = put(shopper_client, shopper.cart, product=kettle.pk, quantity=1, mode=mode)
        assert response.status_code == 422
        assert list(response.context["form"].errors) == ["product"]
        assert response.context["form"].errors["product"] == ["Этот товар больше не продаётся."]
        assert lines(shopper.cart) == {"Кружка": 1}

    @pytest.mark.parametrize(("mode", "quantity"), [("set", 6), ("add", 4), ("add", 10**30)])
    def test_a_line_never_exceeds_the_stock(self, shopper_client, shopper, kettle, mode, quantity):
        shopper.cart.change_line(kettle, 2)
        response = put(
            shopper_client, shopper.cart, product=kettle.pk, quantity=quantity, mode=mode
        )
        assert response.status_code == 422
        assert "Осталось только 5" in response.text
        assert lines(shopper.cart) == {"Чайник": 2}

    def test_up_to_the_stock_is_fine(self, shopper_client, shopper, kettle):
        put(shopper_client, shopper.cart, product=kettle.pk, quantity=3, mode="add")
        put(shopper_client, shopper.cart, product=kettle.pk, quantity=2, mode="add")
        assert lines(shopper.cart) == {"Чайник": 5}

    def test_an_out_of_stock_product_cannot_be_added(self, shopper_client, shopper, kettle):
        kettle.stock = 0
        kettle.save()
        response = put(shopper_client, shopper.cart, product=kettle.pk, quantity=1, mode="add")
        assert response.status_code == 422
        assert "закончился" in response.text
        assert not shopper.cart.items.exists()

    def test_a_line_above_a_lowered_stock_can_still_be_lowered(
        self, shopper_client, shopper, kettle
    ):
        shopper.cart.change_line(kettle, 5)
        kettle.stock = 2
        kettle.save()
        page = shopper_client.get(f"/market/cart/{shopper.cart.pk}/")
        assert "Осталось только 2" in page.text
        assert put(shopper_client, shopper.cart, product=kettle.pk, quantity=4).status_code == 422
        assert put(shopper_client, shopper.cart, product=kettle.pk, quantity=2).status_code == 303
        assert lines(shopper.cart) == {"Чайник": 2}

    def test_post_with_method_put_and_no_trailing_slash(self, shopper_client, shopper, kettle):
        data = {"_method": "PUT", "product": kettle.pk, "quantity": 1, "mode": "add"}
        response = shopper_client.post(f"/market/cart/{shopper.cart.pk}", data)
        assert response.status_code == 303
        assert lines(shopper.cart) == {"Чайник": 1}


class TestAnswers:
    def test_plain_form_goes_back_to_the_cart(self, shopper_client, shopper, kettle):
        response = put(shopper_client, shopper.cart, product=kettle.pk, quantity=1)
        assert response.status_code == 303
        assert response["Location"] == f"/market/cart/{shopper.cart.pk}/"

    def test_plain_form_goes_to_next_when_it_is_a_path_of_this_site(
        self, shopper_client, shopper, kettle
    ):
        next_url = f"/market/products/{kettle.pk}/?x=1"
        response = put(shopper_client, shopper.cart, product=kettle.pk, quantity=1, next=next_url)
        assert response["Location"] == next_url
        for unsafe in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
            response = put(shopper_client, shopper.cart, product=kettle.pk, quantity=1, next=unsafe)
            assert response["Location"] == f"/market/cart/{shopper.cart.pk}/"

    def test_htmx_gets_the_cart_and_the_badge_out_of_band(
        self, shopper_client, shopper, kettle, mug, htmx
    ):
        shopper.cart.change_line(mug, 2)
        response = put(
            shopper_client, shopper.cart, headers=htmx, product=kettle.pk, quantity=3, mode="add"
        )
        assert response.status_code == 200
        html = response.text
        assert "<html" not in html
        assert html.lstrip().startswith('<div id="cart"')
        badge = re.search(r'<a id="cart-badge"[^>]*hx-swap-oob="true".*?</a>', html, re.S).group(0)
        assert re.search(r"rounded-pill[^>]*>5<", badge)
        assert "6 671,00 ₽" in html  # 3 × 1990 + 2 × 350.50
        assert "добавлен в корзину" in html  # the toast

    def test_the_cart_shows_current_prices_and_totals(self, shopper_client, shopper, kettle, mug):
        shopper.cart.change_line(kettle, 2)
        shopper.cart.change_line(mug, 1)
        kettle.price = Decimal("2100.00")
        kettle.save()
        response = shopper_client.get(f"/market/cart/{shopper.cart.pk}/")
        assert response.context["total"] == Decimal("4550.50")
        assert "4 200,00 ₽" in response.text
        assert "4 550,50 ₽" in response.text

    def test_empty_cart_offers_the_way_back(self, shopper_client, shopper):
        response = shopper_client.get(f"/market/cart/{shopper.cart.pk}/")
        assert "Корзина пуста." in response.text
        assert 'href="/market/products/"' in response.text

    def test_a_visitors_add_to_cart_logs_in_and_comes_back_to_the_same_list(self, client, kettle):
        response = client.get("/market/products/", {"q": "Чайник", "sort": "price", "page": "1"})
        path = response.wsgi_request.get_full_path()
        assert "&" in path
        assert f'"/users/user/login/?next={quote(path)}">В корзину</a>' in response.text

    def test_add_to_cart_controls(self, client, shopper, kettle):
        page = client.get(f"/market/products/{kettle.pk}/").text
        assert f'href="/users/user/login/?next=/market/products/{kettle.pk}/"' in page
        client.force_login(shopper)
        page = client.get(f"/market/products/{kettle.pk}/").text
        assert f'hx-put="/market/cart/{shopper.cart.pk}/"' in page
        assert 'name="mode" value="add"' in page
        listing = client.get("/market/products/").text
        assert listing.count(f'hx-put="/market/cart/{shopper.cart.pk}/"') == 1


class TestCartPage:
    """The cart page on a phone and a desktop (issue 13): one quantity control a line, a summary
    with the total and Checkout, changes and refusals shown where they happen, not as toasts."""

    ON_THE_PAGE = {"HX-Request": "true", "HX-Target": "cart"}

    def toast(self, html):
        found = re.search(r'<div class="toast [^"]*"', html)
        return found.group(0) if found else None

    def test_one_quantity_control_a_line_with_ok_only_without_javascript(
        self, shopper_client, shopper, kettle, mug
    ):
        shopper.cart.change_line(kettle, 2)
        shopper.cart.change_line(mug, 1)
        html = shopper_client.get(f"/market/cart/{shopper.cart.pk}/").text
        assert html.count('type="number" name="quantity"') == 2
        assert html.count('name="mode" value="add"') == 0  # no "one more" / "one less" forms
        ok = r'<button type="submit" class="btn btn-outline-secondary">ОК</button>'
        assert len(re.findall(rf"<noscript>{ok}</noscript>", html)) == 2
        assert not re.search(ok, re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S))
        # The field keeps its id, so htmx gives it the focus back after the swap.
        assert f'id="quantity-{kettle.pk}"' in html
        # A change is sent on "change" alone: Enter makes one request, not a change and a submit.
        form = re.search(rf'<form [^>]*>(?:(?!</form>).)*id="quantity-{kettle.pk}"', html, re.S)
        assert 'hx-trigger="change"' in form.group(0)

    def test_the_summary_holds_the_count_total_and_checkout(self, shopper_client, shopper, kettle):
        shopper.cart.change_line(kettle, 2)
        html = shopper_client.get(f"/market/cart/{shopper.cart.pk}/").text
        summary = re.search(r'<section class="[^"]*cart-summary.*?</section>', html, re.S).group(0)
        assert "Итого, 2 товара" in summary
        assert '<span class="fs-4 fw-semibold price" id="cart-total">3 980,00 ₽</span>' in summary
        assert 'href="/orders/checkout/"' in summary

    def test_a_change_on_the_page_shows_in_the_summary_and_is_only_read_out(
        self, shopper_client, shopper, kettle
    ):
        shopper.cart.change_line(kettle, 1)
        response = put(
            shopper_client, shopper.cart, headers=self.ON_THE_PAGE, product=kettle.pk, quantity=3
        )
        summary = re.search(r"cart-summary.*?</section>", response.text, re.S).group(0)
        assert "Товар «Чайник»: в корзине 3 шт." in summary
        assert "visually-hidden" in self.toast(response.text)  # for screen readers only

    def test_a_refusal_on_the_page_shows_at_its_line_not_as_a_toast(
        self, shopper_client, shopper, kettle
    ):
        shopper.cart.change_line(kettle, 1)
        for headers in (self.ON_THE_PAGE, {}):
            response = put(
                shopper_client, shopper.cart, headers=headers, product=kettle.pk, quantity=9
            )
            assert response.status_code == 422
            line = re.search(rf'id="cart-line-{kettle.pk}".*?</li>', response.text, re.S).group(0)
            assert 'aria-invalid="true"' in line
            assert "Осталось только 5" in line
            assert self.toast(response.text) is None
            assert response.text.count("Осталось только 5") == 1

    def test_a_refused_add_elsewhere_is_a_toast(self, shopper_client, shopper, kettle, htmx):
        """The add-to-cart of a product card swaps nothing: only a message can say no."""
        response = put(
            shopper_client, shopper.cart, headers=htmx, product=kettle.pk, quantity=9, mode="add"
        )
        assert response.status_code == 422
        assert "text-bg-danger" in self.toast(response.text)
        assert "Осталось только 5" in response.text.split('id="toasts"')[1]


class TestModel:
    def test_change_line_refuses_above_stock_changing_nothing(self, shopper, kettle):
        shopper.cart.change_line(kettle, 4)
        with pytest.raises(OutOfStock):
            shopper.cart.change_line(kettle, 2, Cart.ADD)
        assert lines(shopper.cart) == {"Чайник": 4}

    def test_change_line_reads_the_stock_as_it_is_now(self, shopper, kettle):
        stale = kettle
        type(kettle).objects.filter(pk=kettle.pk).update(stock=1)
        with pytest.raises(OutOfStock):
            shopper.cart.change_line(stale, 2)

    def test_lines_carry_their_totals(self, shopper, kettle):
        shopper.cart.change_line(kettle, 3)
        (line,) = shopper.cart.lines()
        assert line.line_total == Decimal("5970.00")
        assert CartItem.objects.get().one_less == 2
