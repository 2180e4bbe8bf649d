"""The shared cache (apps/market/cache.py): pages served from it look right to each visitor, and
any change shows on the very next request."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from apps.market.cache import CSRF_PLACEHOLDER
from apps.market.models import CartItem, Category, Product
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """Redis's stand-in: a cache in this process, which is all one process needs (the tests'
    default cache is the database's, which costs a query)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SHARED_CACHE_SECONDS = 600


@pytest.fixture
def kettle(db):
    return make_product(make_category("Кухня"), "Чайник", "1990.00", stock=5)


def page_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


class TestVisitorPages:
    def test_a_second_visit_costs_no_query(self, client, kettle, django_assert_num_queries):
        for url in ("/", "/market/products/", kettle.get_absolute_url(), "/market/category/"):
            first = client.get(url)
            with django_assert_num_queries(0):
                second = client.get(url)
            assert second.status_code == 200
            assert second.text.replace(page_token(second), "") == first.text.replace(
                page_token(first), ""
            )

    def test_each_visitor_gets_a_working_csrf_token_of_their_own(self, kettle):
        visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
        pages = [visitor.get("/market/products/") for visitor in visitors]
        for visitor, page in zip(visitors, pages, strict=True):
            assert CSRF_PLACEHOLDER not in page.text
            assert "csrftoken" in page.cookies
            token = page_token(page)
            assert f'"X-CSRFToken": "{token}"' in page.text
            switched = visitor.post(
                "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
            )
            assert switched.status_code == 302
        assert page_token(pages[0]) != page_token(pages[1])

    def test_a_staff_edit_shows_on_the_next_request(self, client, staff, kettle):
        client.get(kettle.get_absolute_url())
        editor = Client()
        editor.force_login(staff)
        data = {"name": "Самовар", "price": "5000", "stock": "2", "category": kettle.category_id}
        assert editor.put(kettle.get_absolute_url(), urlencode(data), FORM).status_code == 303
        assert "Самовар" in client.get(kettle.get_absolute_url()).text
        assert "Самовар" in client.get("/market/products/").text

    def test_category_counts_follow_the_catalogue(self, client, kettle):
        assert client.get("/market/category/").context["roots"][0].total_products == 1
        make_product(kettle.category, "Кружка")
        response = client.get("/market/category/")
        assert response.context["roots"][0].total_products == 2

    def test_pages_differ_by_language_and_by_htmx(self, client, kettle, htmx):
        russian = client.get("/market/products/")
        english = client.get("/market/products/", headers={"Accept-Language": "en"})
        fragment = client.get("/market/products/", headers=htmx)
        assert "Каталог" in russian.text
        assert "Catalogue" in english.text
        assert "<html" not in fragment.text

    def test_logged_in_users_never_get_a_visitors_page(self, client, staff, kettle):
        client.get("/market/products/")
        client.force_login(staff)
        assert f'href="/market/products/{kettle.pk}/edit/"' in client.get("/market/products/").text

    def test_a_page_with_a_message_to_show_is_not_served_from_the_cache(self, client, shopper):
        client.get("/")
        client.force_login(shopper)
        response = client.post("/users/user/logout/", follow=True)
        assert 'class="toast show' in response.text  # "You have signed out."
        assert 'class="toast show' not in client.get("/").text

    def test_error_answers_are_not_cached(self, client, kettle, django_assert_num_queries):
        assert client.get("/market/products/", {"sort": "bogus"}).status_code == 422
        assert client.get("/market/products/999999/").status_code == 404
        with django_assert_num_queries(2):  # rendered again (the tree comes from the cache)
            assert client.get("/market/products/", {"sort": "bogus"}).status_code == 422


class TestShortWay:
    """VisitorPageMiddleware: a visitor with no session gets a kept page before the rest of the
    stack (no user is ever looked up), with the headers that stack would have added."""

    def test_a_kept_page_is_served_the_short_way_with_the_usual_headers(self, client, kettle):
        client.get("/market/products/")
        client.cookies.clear()
        response = client.get("/market/products/")
        assert not hasattr(response.wsgi_request, "user")  # the short way
        assert "Чайник" in response.text
        assert response["X-Frame-Options"] == "DENY"
        assert {"Cookie", "HX-Request", "Accept-Language"} <= {
            header.strip() for header in response["Vary"].split(",")
        }
        assert response.cookies["csrftoken"].value
        assert CSRF_PLACEHOLDER not in response.text

    def test_fragments_and_languages_keep_their_own_pages(self, client, kettle, htmx):
        client.get("/market/products/", headers=htmx)
        client.get("/market/products/", headers={"Accept-Language": "en"})
        fragment = client.get("/market/products/", headers=htmx)
        english = client.get("/market/products/", headers={"Accept-Language": "en"})
        assert not hasattr(fragment.wsgi_request, "user")
        assert "<html" not in fragment.text
        assert "Catalogue" in english.text

    def test_a_visitor_with_a_session_or_a_message_goes_the_long_way(self, client, shopper, kettle):
        client.get("/market/products/")
        client.force_login(shopper)
        client.logout()
        client.cookies["sessionid"] = "stale-session"
        assert hasattr(client.get("/market/products/").wsgi_request, "user")
        client.cookies.clear()
        client.cookies["messages"] = "anything"
        assert hasattr(client.get("/market/products/").wsgi_request, "user")

    def test_a_change_reaches_the_short_way_too(self, client, kettle):
        client.get("/market/products/")
        Product.objects.filter(pk=kettle.pk).update(name="Самовар")  # no signal...
        assert "Чайник" in client.get("/market/products/").text  # ...so still the kept page
        kettle.refresh_from_db()
        kettle.save()  # a save bumps the catalogue's version
        assert "Самовар" in client.get("/market/products/").text


class TestCartPage:
    def test_a_shoppers_cart_page_is_cached_until_the_cart_changes(
        self, shopper_client, shopper, kettle, django_assert_num_queries
    ):
        url = f"/market/cart/{shopper.cart.pk}/"
        shopper_client.get(url)
        with django_assert_num_queries(2):  # the session (in the database in tests), the user
            shopper_client.get(url)
        body = urlencode({"product": kettle.pk, "quantity": 3, "mode": "add"})
        shopper_client.put(url, body, FORM)
        assert shopper_client.get(url).context["lines"][0].quantity == 3

    def test_a_change_made_elsewhere_shows_too(self, shopper_client, shopper, kettle):
        url = f"/market/cart/{shopper.cart.pk}/"
        shopper.cart.change_line(kettle, 1)
        shopper_client.get(url)
        CartItem.objects.filter(cart=shopper.cart).get().delete()  # say, in the admin
        assert "Корзина пуста." in shopper_client.get(url).text
        shopper_client.get(url)
        kettle.price = 2500
        kettle.save()
        shopper.cart.change_line(kettle, 1)
        assert "2 500,00 ₽" in shopper_client.get(url).text

    def test_staff_always_see_a_cart_afresh(self, staff_client, shopper, kettle):
        url = f"/market/cart/{shopper.cart.pk}/"
        staff_client.get(url)
        CartItem.objects.create(cart=shopper.cart, product=kettle, quantity=2)
        assert staff_client.get(url).context["lines"][0].quantity == 2

    def test_another_shoppers_cart_stays_a_404(self, client, shopper, other_shopper):
        client.force_login(other_shopper)
        for _ in range(2):
            assert client.get(f"/market/cart/{shopper.cart.pk}/").status_code == 404


class TestTreeAndUsers:
    def test_the_tree_is_built_once_per_catalogue_version(self, kettle, django_assert_num_queries):
        Category.objects.tree()
        with django_assert_num_queries(0):
            tree = Category.objects.tree()
        assert tree.get(kettle.category_id).total_products == 1
        Product.objects.get(pk=kettle.pk).delete()
        assert Category.objects.tree().get(kettle.category_id).total_products == 0

    def test_the_logged_in_user_is_read_afresh_for_every_request(
        self, client, shopper, django_assert_num_queries
    ):
        client.force_login(shopper)
        client.get("/market/category/")
        # The session (in the database in tests), the user and the cart badge; no tree.
        with django_assert_num_queries(3):
            client.get("/market/category/")

    def test_a_deactivated_user_is_logged_out_at_once(self, client, shopper):
        client.force_login(shopper)
        assert client.get("/market/cart/").status_code == 200
        shopper.is_active = False
        shopper.save()
        assert client.get("/market/cart/").status_code == 302

    def test_renamed_names_reach_the_logged_in_user(self, client, shopper):
        client.force_login(shopper)
        client.get("/")
        shopper.profile.first_name = "Мария"
        shopper.profile.save()
        assert client.get("/").wsgi_request.user.first_name == "Мария"

    def test_off_without_a_shared_cache(self, client, kettle, settings, django_assert_num_queries):
        settings.SHARED_CACHE_SECONDS = 0
        client.get("/market/category/")
        with django_assert_num_queries(2):
            client.get("/market/category/")
