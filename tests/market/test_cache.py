"""The page cache (apps/market/cache.py): a kept page looks to each viewer as if it had been
rendered for them alone, is never served where it doesn't belong, and a change shows on the next
request. The cache is per process here, which is all one process needs; the Redis of production
is in test_cache_outage.py and tests/shop/test_scale_out.py."""

import re
import threading
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.market import cache
from apps.market.models import Cart, CartItem, Category, Product
from apps.market.views import catalogue
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
CATALOGUE_PAGES = ["/", "/market/products/", "/market/category/"]


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """On, with a catalogue version that stays put unless a test moves it; Redis's stand-in is
    a cache in this process (the tests' default cache is the database's, which costs queries)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.SHARED_CACHE_SECONDS = 600
    settings.PAGE_CACHE_VERSION_SECONDS = 600


@pytest.fixture
def kettle(db):
    return make_product(make_category("Кухня"), "Чайник", "1990.00", stock=5)


def kept(client, url, **kwargs):
    """Ask for `url` until the page cache keeps it (from the second ask); the last answer."""
    client.get(url, **kwargs)
    return client.get(url, **kwargs)


def logged_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def put(client, url, headers=None, **data):
    """A cart change as a shopper's browser sends it, with the CSRF token of its cookie."""
    if "csrftoken" not in client.cookies:
        client.get("/")
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value, **(headers or {})}
    return client.put(url, urlencode(data), FORM, headers=headers)


def csrf_tokens(html):
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)) | set(
        re.findall(r'"X-CSRFToken": "([^"]+)"', html)
    )


def badge(html):
    found = re.search(r'id="cart-badge" data-count="(\d+)"[^>]*href="([^"]+)"', html)
    return found and (int(found.group(1)), found.group(2))


def add_forms(html):
    """(action, token) of each add-to-cart form."""
    forms = re.findall(r'<form method="post" action="([^"]+)" hx-put=.*?</form>', html, re.S)
    tokens = re.findall(r'name="token" value="([^"]+)"', html)
    return forms, tokens


class TestKeptPages:
    def test_kept_from_the_second_ask_then_served_without_a_query(
        self, client, kettle, django_assert_num_queries
    ):
        for url in [*CATALOGUE_PAGES, kettle.get_absolute_url()]:
            first = client.get(url)
            second = client.get(url)
            with django_assert_num_queries(0):
                third = client.get(url)
            assert third.status_code == 200
            for earlier in (first, second):
                assert strip_tokens(third.text) == strip_tokens(earlier.text)

    def test_each_visitor_gets_a_working_csrf_token_of_their_own(self, kettle):
        visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
        pages = [kept(visitor, "/market/products/") for visitor in visitors]
        for visitor, page in zip(visitors, pages, strict=True):
            (token,) = csrf_tokens(page.text) or {None}
            assert token
            switched = visitor.post(
                "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
            )
            assert switched.status_code == 302
        assert len({min(csrf_tokens(page.text)) for page in pages}) == 3

    def test_off_without_a_shared_cache(self, client, kettle, settings, django_assert_num_queries):
        settings.SHARED_CACHE_SECONDS = 0
        kept(client, "/market/category/")
        with django_assert_num_queries(2):  # the tree: categories and their product counts
            client.get("/market/category/")


def strip_tokens(html):
    for token in csrf_tokens(html):
        html = html.replace(token, "")
    return html


class TestShoppers:
    """Shoppers share the pages of the catalogue; each sees their own name, badge, cart, tokens
    and messages in them."""

    def test_two_shoppers_alternating_see_only_their_own_parts(
        self, make_user, kettle, django_assert_num_queries
    ):
        anna, boris = make_user("anna"), make_user("boris")
        anna.cart.change_line(kettle, 2)
        clients = {anna: logged_in(anna), boris: logged_in(boris)}
        urls = [*CATALOGUE_PAGES, kettle.get_absolute_url(), kettle.category.get_absolute_url()]
        for _round in range(3):
            for url in urls:
                for shopper, client in clients.items():
                    other = boris if shopper == anna else anna
                    html = client.get(url).text
                    assert f">{shopper.username}</a>" in html
                    assert f">{other.username}</a>" not in html
                    count = 2 if shopper == anna else 0
                    assert badge(html) == (count, f"/market/cart/{shopper.cart.pk}/")
                    actions, tokens = add_forms(html)
                    assert set(actions) <= {f"/market/cart/{shopper.cart.pk}/"}
                    assert len(tokens) == len(set(tokens)) == len(actions)
                    (token,) = csrf_tokens(html)
                    # A token that works for this shopper (another's would be refused).
                    switched = client.post(
                        "/i18n/setlang/",
                        {"language": "ru", "next": "/"},
                        headers={"X-CSRFToken": token},
                    )
                    assert switched.status_code == 302
        with django_assert_num_queries(1):  # the session with its user (in the database here)
            clients[anna].get("/market/products/")

    def test_each_shopper_sees_their_own_messages(self, make_user, kettle):
        anna, boris = make_user("anna"), make_user("boris")
        clients = [logged_in(anna), logged_in(boris)]
        for client in clients:
            kept(client, "/market/products/")
        put(clients[0], f"/market/cart/{anna.cart.pk}/", product=kettle.pk, quantity=1, mode="add")
        assert "toast show" not in clients[1].get("/market/products/").text
        shown = clients[0].get("/market/products/").text
        assert "toast show" in shown
        assert "Чайник" in shown
        assert "toast show" not in clients[0].get("/market/products/").text  # shown once

    def test_a_visitor_with_a_session_gets_the_visitors_page_with_their_messages(
        self, client, shopper, kettle
    ):
        kept(Client(), "/")
        client.force_login(shopper)
        response = client.post("/users/user/logout/", follow=True)  # "You have signed out."
        assert response.redirect_chain[-1][0] == "/"
        assert 'class="toast show' in response.text
        assert "/users/user/login/?next=/" in response.text
        assert 'class="toast show' not in client.get("/").text

    def test_staff_get_pages_afresh_and_never_one_of_theirs_reaches_a_shopper(
        self, staff, shopper, kettle
    ):
        edit = f'href="/market/products/{kettle.pk}/edit/"'
        staff_client, shopper_client = logged_in(staff), logged_in(shopper)
        for url in ["/market/products/", kettle.get_absolute_url()]:
            for _ in range(3):
                assert edit in staff_client.get(url).text
                assert edit not in shopper_client.get(url).text
                assert edit not in Client().get(url).text

    def test_rights_and_names_taken_away_reach_the_next_kept_page(
        self, staff, other_shopper, kettle
    ):
        client = logged_in(staff)
        url = kettle.get_absolute_url()
        kept(Client(), url)
        kept(logged_in(other_shopper), url)
        type(staff).objects.filter(pk=staff.pk).update(is_staff=False, username="demoted")
        html = client.get(url).text
        assert f'href="/market/products/{kettle.pk}/edit/"' not in html
        assert ">demoted</a>" in html
        type(staff).objects.filter(pk=staff.pk).update(is_active=False)
        html = client.get(url).text
        assert ">demoted</a>" not in html
        assert f"/users/user/login/?next={url}" in html


class TestNeverMixed:
    def test_fragments_and_pages_never_swap(self, client, kettle, htmx):
        for _ in range(3):
            assert "<html" not in client.get("/market/products/", headers=htmx).text
            assert "<html" in client.get("/market/products/").text
            category = f"/market/category/{kettle.category_id}/"
            assert "<html" not in client.get(category, headers=htmx).text
            assert "<html" in client.get(category).text

    def test_languages_never_mix(self, client, kettle):
        english = {"Accept-Language": "en"}
        for _ in range(3):
            assert "Catalogue" in client.get("/market/products/", headers=english).text
            assert "Каталог" in client.get("/market/products/").text
        chosen = Client()
        chosen.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert "Catalogue" in chosen.get("/market/products/").text

    def test_only_get_and_head_ever_get_a_page(self, client, kettle):
        for url in ["/", "/market/products/", kettle.get_absolute_url()]:
            kept(client, url)
            assert client.head(url).status_code == 200
            methods = ["options", "patch"]
            if url == "/":  # the others take changes from staff
                methods += ["post", "put", "delete"]
            for method in methods:
                assert getattr(client, method)(url).status_code == 405, (method, url)

    def test_personal_parts_go_only_where_the_template_put_them(self, client, kettle):
        # The old placeholder, and a hole of another rendering: text like any other.
        other_rendering = cache.Rendering(cache.VISITOR)
        for text in ("csrftokenplaceholder0c4f9e", other_rendering.hole(cache.CSRF_TOKEN)):
            for _ in range(3):
                html = client.get("/market/products/", {"q": text}).text
                assert f'value="{text}"' in html  # the search box shows it as typed
                (token,) = csrf_tokens(html)
                assert html.count(token) == 2  # the language switcher's form, htmx's header
                assert text in html.replace(token, "")

    def test_a_hole_cut_by_a_filter_is_not_kept(self):
        rendering = cache.Rendering(cache.VISITOR)
        mark = rendering.hole(cache.CSRF_TOKEN)
        page = f"<p>{mark}</p><a title='{mark[:30]}…'>".encode()  # truncatechars:31
        segments = rendering.segments(page)
        assert segments[1] == cache.CSRF_TOKEN
        assert not rendering.intact(segments)


class TestHeaders:
    def test_a_hit_has_the_headers_of_a_page_rendered_afresh(self, settings, shopper, kettle):
        for make_client in (Client, lambda: logged_in(shopper)):
            for url in ["/market/products/", kettle.get_absolute_url()]:
                settings.SHARED_CACHE_SECONDS = 0
                fresh = make_client().get(url)
                settings.SHARED_CACHE_SECONDS = 600
                client = make_client()
                asked = [client.get(url), client.get(url), client.get(url), make_client().get(url)]
                for response in asked:
                    assert headers(response) == headers(fresh)

    def test_the_cart_page_too(self, settings, shopper, kettle):
        shopper.cart.change_line(kettle, 2)
        url = f"/market/cart/{shopper.cart.pk}/"
        settings.SHARED_CACHE_SECONDS = 0
        fresh = logged_in(shopper).get(url)
        settings.SHARED_CACHE_SECONDS = 600
        client = logged_in(shopper)
        for response in [client.get(url), client.get(url), client.get(url)]:
            assert headers(response) == headers(fresh)


def headers(response):
    """Every header, and every cookie with its attributes but not its (random) value. Dates
    are the moment of the answer, so only whether one is there is compared."""
    cookies = {
        name: {key: value for key, value in morsel.items() if value and key != "expires"}
        for name, morsel in response.cookies.items()
    }
    fields = {
        name: "<a date>" if name in ("Date", "Expires", "Last-Modified") else value
        for name, value in response.items()
    }
    return fields, cookies, response.status_code


class TestAddresses:
    def test_parameters_a_page_does_not_read_share_its_page(
        self, client, kettle, django_assert_num_queries
    ):
        kept(client, "/market/products/")
        kept(client, kettle.get_absolute_url())
        with django_assert_num_queries(0):
            for n in range(30):
                client.get("/market/products/", {"zz": n})
                client.get(kettle.get_absolute_url(), {"q": n, "page": n})

    def test_spellings_of_one_address_share_its_page(
        self, client, kettle, django_assert_num_queries
    ):
        kept(client, "/market/products/", data={"q": "чайник", "page": "1", "sort": "price"})
        spellings = [
            "q=%20%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA%20&page=01&sort=price",
            "sort=price&q=%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA&page=1&in_stock=&category=",
            "q=old&q=%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA&page=1&sort=price&utm_source=x",
        ]
        with django_assert_num_queries(0):
            for query in spellings:
                html = client.get(f"/market/products/?{query}").text
                assert 'value="чайник"' in html

    def test_a_client_has_only_so_many_pages_rendered_a_minute(
        self, client, kettle, settings, monkeypatch
    ):
        settings.PAGE_CACHE_RENDERS_PER_MINUTE = 3
        monkeypatch.setattr(cache, "this_minute", lambda: 1)
        kept(client, "/market/products/")  # two renders
        assert client.get("/market/products/", {"page": 2}).status_code == 200
        refused = client.get("/market/products/", {"page": 3})
        assert refused.status_code == 429
        assert refused["Retry-After"] == "60"
        assert client.get("/market/products/").status_code == 200  # kept: no render
        elsewhere = Client(REMOTE_ADDR="192.0.2.7")
        assert elsewhere.get("/market/products/", {"page": 3}).status_code == 200

    def test_answers_other_than_200_are_never_kept(self, client, kettle, django_assert_num_queries):
        for _ in range(3):
            assert client.get("/market/products/", {"sort": "bogus"}).status_code == 422
            assert client.get("/market/products/999999/").status_code == 404
        # rendered again: the rows with their main pictures (the tree, kept per version, counts)
        with django_assert_num_queries(1):
            assert client.get("/market/products/", {"sort": "bogus"}).status_code == 422


class TestVersions:
    def test_a_staff_edit_shows_on_the_next_request(self, client, staff, kettle):
        for url in ["/market/products/", kettle.get_absolute_url()]:
            kept(client, url)
        editor = logged_in(staff)
        data = {"name": "Самовар", "price": "5000", "stock": "2", "category": kettle.category_id}
        assert put(editor, kettle.get_absolute_url(), **data).status_code == 303
        assert "Самовар" in client.get(kettle.get_absolute_url()).text
        assert "Самовар" in client.get("/market/products/").text

    def test_category_counts_follow_the_catalogue(self, client, kettle):
        assert kept(client, "/market/category/").context["roots"][0].total_products == 1
        make_product(kettle.category, "Кружка")
        assert client.get("/market/category/").context["roots"][0].total_products == 2

    def test_an_update_without_signals_shows_once_the_catalogue_is_bumped(self, client, kettle):
        kept(client, "/market/products/")
        with transaction.atomic():
            Product.objects.filter(pk=kettle.pk).update(name="Самовар")  # no signal...
            cache.bump("catalogue")  # ...so the code that did it says so
        assert "Самовар" in client.get("/market/products/").text

    def test_a_bump_that_never_reaches_redis_shows_once_its_copy_expires(
        self, client, kettle, monkeypatch, settings
    ):
        settings.PAGE_CACHE_VERSION_SECONDS = 3600
        kept(client, "/market/products/")
        monkeypatch.setattr(cache, "forget_version", lambda: None)  # Redis refusing writes
        Product.objects.filter(pk=kettle.pk).update(name="Самовар")
        cache.bump()
        assert "Чайник" in client.get("/market/products/").text  # the copy still stands
        cache.shared_cache().delete(cache.VERSION_KEY)  # as it does after the copy's seconds
        assert "Самовар" in client.get("/market/products/").text

    def test_the_copy_lasts_only_the_configured_seconds(
        self, client, kettle, monkeypatch, settings
    ):
        settings.PAGE_CACHE_VERSION_SECONDS = 0.05
        kept(client, "/market/products/")
        monkeypatch.setattr(cache, "forget_version", lambda: None)
        Product.objects.filter(pk=kettle.pk).update(name="Самовар")
        cache.bump()
        for _ in range(1000):  # a few seconds at most; each ask renders once the copy is gone
            if "Самовар" in client.get("/market/products/").text:
                break
        else:
            pytest.fail("the change never showed")

    def test_a_bump_that_rolls_back_moves_nothing(self, client, kettle, django_assert_num_queries):
        kept(client, "/market/products/")

        def bump_and_fail():
            with transaction.atomic():
                cache.bump()
                raise RuntimeError

        with pytest.raises(RuntimeError):
            bump_and_fail()
        with django_assert_num_queries(1):  # the version, read again: the same, so no render
            client.get("/market/products/")

    def test_a_product_out_of_stock_leaves_the_count_on_the_next_request(self, client, kettle):
        url = f"/market/products/?in_stock=1&category={kettle.category_id}"
        assert kept(client, url).context["page"].paginator.count == 1
        kettle.stock = 0
        kettle.save()
        assert client.get(url).context["page"].paginator.count == 0
        assert "Чайник" not in client.get(url).text

    def test_only_the_catalogue_has_a_version(self):
        with pytest.raises(ValueError, match="orders"):
            cache.bump("orders")

    def test_the_tree_is_built_once_per_catalogue_version(self, kettle, django_assert_num_queries):
        Category.objects.tree()
        with django_assert_num_queries(0):
            tree = Category.objects.tree()
        assert tree.get(kettle.category_id).total_products == 1
        Product.objects.get(pk=kettle.pk).delete()
        assert Category.objects.tree().get(kettle.category_id).total_products == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mark_seen", [True, False], ids=["mark-seen", "all-read-before-the-mark"])
def test_while_a_page_is_rendered_again_the_others_get_its_previous_version(
    kettle, monkeypatch, settings, mark_seen
):
    """One request renders the page again; the others get the previous version, also those
    that read before the first one marked it (the mark is taken by an atomic add, not set
    after a read that a second request may make at the same moment)."""
    settings.SHARED_CACHE_SECONDS = 600
    url = kettle.get_absolute_url()
    if not mark_seen:
        redis = cache.shared_cache()
        get_many = redis.get_many

        def read_before_the_mark(keys):
            return {key: value for key, value in get_many(keys).items() if "rendering:" not in key}

        monkeypatch.setattr(redis, "get_many", read_before_the_mark)
    kept(Client(), url)
    Product.objects.filter(pk=kettle.pk).update(name="Самовар")
    cache.bump()
    started, release = threading.Event(), threading.Event()
    renders = []
    real_render = catalogue.render

    def slow_render(*args, **kwargs):
        renders.append(threading.current_thread())
        if len(renders) == 1:
            started.set()
            release.wait(timeout=60)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(catalogue, "render", slow_render)
    answers = {}

    def first():
        try:
            answers["first"] = Client().get(url).text
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert started.wait(timeout=60)
        for _ in range(3):  # meanwhile: the previous version, rendered by nobody
            assert "Чайник" in Client().get(url).text
        assert len(renders) == 1
    finally:
        release.set()
        thread.join()
    assert "Самовар" in answers["first"]
    assert "Самовар" in Client().get(url).text
    assert len(renders) == 1


class TestSharedParts:
    """A product card is rendered once per process for every page rendered for the cache that
    shows it (cache.shared_part), and looks on each as if it had been rendered for that page."""

    CARD = "market/includes/product_card.html"

    def test_a_card_is_rendered_once_for_all_the_pages_it_is_on(self, client, kettle):
        first = client.get("/market/products/?sort=price")
        assert self.CARD in [template.name for template in first.templates]
        for url in ["/market/products/?sort=name", "/", kettle.category.get_absolute_url()]:
            again = client.get(url)
            assert self.CARD not in [template.name for template in again.templates]
            assert f'href="{kettle.get_absolute_url()}">Чайник</a>' in again.text

    def test_a_card_comes_back_to_the_page_it_is_on(self, client, shopper, kettle):
        shoppers = logged_in(shopper)
        for url in ["/market/products/?sort=price", "/market/products/?sort=name", "/"]:
            assert f'name="next" value="{url.replace("&", "&amp;")}"' in shoppers.get(url).text
            login = "/users/user/login/?next=" + url.replace("?", "%3F").replace("=", "%3D")
            assert f'href="{login}"' in client.get(url).text

    def test_each_form_of_a_shared_card_has_its_own_token(self, shopper, kettle):
        make_product(kettle.category, "Самовар", "5000.00")
        shoppers = logged_in(shopper)
        shoppers.get("/market/products/?sort=price")
        html = shoppers.get("/market/products/?sort=name").text
        actions, tokens = add_forms(html)
        assert len(actions) == 2
        assert len(tokens) == len(set(tokens)) == 2
        (token,) = csrf_tokens(html)
        # The two cards' forms, logging out and the language switcher: one token for the page.
        assert html.count(f'name="csrfmiddlewaretoken" value="{token}"') == 4

    @pytest.mark.parametrize(
        ("change", "shown"),
        [
            ({"name": "Самовар"}, "Самовар</a>"),
            ({"price": 2500}, r"2\s500,00"),
            ({"stock": 0}, "Нет в наличии"),
            ({"stock": 2}, "Осталось 2"),
        ],
    )
    def test_a_change_of_what_a_card_shows_shows(self, client, kettle, change, shown):
        """The save moves the catalogue's version, and the page is rendered again: its card
        is rendered again only if its key has what changed."""
        client.get("/market/products/?sort=name")
        for field, value in change.items():
            setattr(kettle, field, value)
        kettle.save()
        assert re.search(shown, client.get("/market/products/?sort=price").text)

    def test_a_new_category_name_shows(self, client, kettle):
        client.get("/market/products/?sort=name")
        kettle.category.name = "Столовая"
        kettle.category.save()
        assert ">Столовая</p>" in client.get("/market/products/?sort=price").text

    def test_a_new_main_picture_shows(self, client, kettle):
        client.get("/market/products/?sort=name")
        first = kettle.images.create(file="products/a.webp", width=800, height=600, is_main=True)
        assert "products/a" in client.get("/market/products/?sort=price").text
        second = kettle.images.create(file="products/b.webp", width=800, height=600)
        first.is_main, second.is_main = False, True
        first.save()
        second.save()
        html = client.get("/market/products/?sort=-price").text
        assert "products/b" in html
        assert "products/a" not in html

    def test_a_card_lasts_no_longer_than_a_kept_page(self, client, kettle, monkeypatch, settings):
        """A picture's link may be signed for a while only (S3): a card is rendered again once
        it is as old as a kept page may be."""
        clock = [1000.0]
        monkeypatch.setattr(cache.SharedParts, "clock", staticmethod(lambda: clock[0]))
        client.get("/market/products/?sort=name")
        clock[0] += settings.SHARED_CACHE_SECONDS
        again = client.get("/market/products/?sort=price")
        assert self.CARD not in [template.name for template in again.templates]
        clock[0] += 1
        later = client.get("/market/products/?sort=-price")
        assert self.CARD in [template.name for template in later.templates]

    def test_a_card_whose_hole_a_filter_cut_is_rendered_for_each_page(
        self, client, kettle, settings
    ):
        """A hole cut by the card's template can't be filled: the card is rendered for each page
        (which is not kept either: it shows the cut hole)."""
        cut = "<p title='{{ csrf_token|truncatechars:20 }}'>{{ product.name }} {{ here }}</p>"
        (engine,) = settings.TEMPLATES
        loaders = [
            ("django.template.loaders.locmem.Loader", {self.CARD: cut}),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ]
        options = {**engine["OPTIONS"], "loaders": loaders}
        settings.TEMPLATES = [{**engine, "APP_DIRS": False, "OPTIONS": options}]
        for url in ["/market/products/?sort=name", *["/market/products/?sort=price"] * 2]:
            response = client.get(url)
            assert self.CARD in [template.name for template in response.templates]
            assert f"Чайник {url}</p>" in response.text

    def test_a_process_keeps_only_so_many(self):
        parts = cache.SharedParts(2)
        for key in "abc":
            parts.put(key, [key])
        assert parts.get("a", 600) is None
        assert parts.get("b", 600) == ["b"]
        parts.put("d", ["d"])  # "c" is the one used longest ago now
        assert parts.get("c", 600) is None
        assert parts.get("b", 600) == ["b"]


class TestCartPage:
    def test_kept_for_its_shopper_until_the_cart_changes(
        self, shopper, kettle, django_assert_num_queries
    ):
        client = logged_in(shopper)
        url = f"/market/cart/{shopper.cart.pk}/"
        kept(client, url)
        with django_assert_num_queries(1):  # the session with its user (in the database in tests)
            client.get(url)
        put(client, url, product=kettle.pk, quantity=3, mode="add")
        assert client.get(url).context["lines"][0].quantity == 3

    def test_a_change_made_elsewhere_shows_too(self, shopper, kettle):
        client = logged_in(shopper)
        url = f"/market/cart/{shopper.cart.pk}/"
        shopper.cart.change_line(kettle, 1)
        kept(client, url)
        CartItem.objects.filter(cart=shopper.cart).get().delete()  # say, in the admin
        assert "Корзина пуста." in client.get(url).text
        kept(client, url)
        CartItem.objects.create(cart=shopper.cart, product=kettle, quantity=1)  # an order undone
        assert client.get(url).context["lines"][0].quantity == 1
        kettle.price = 2500
        kettle.save()
        assert "2 500,00 ₽" in client.get(url).text

    def test_even_a_change_that_keeps_the_count(self, shopper, kettle):
        mug = make_product(kettle.category, "Кружка", stock=9)
        shopper.cart.change_line(kettle, 2)
        shopper.cart.change_line(mug, 1)
        client = logged_in(shopper)
        url = f"/market/cart/{shopper.cart.pk}/"
        kept(client, url)
        shopper.cart.change_line(kettle, 1)
        shopper.cart.change_line(mug, 2)
        quantities = {line.product.name: line.quantity for line in client.get(url).context["lines"]}
        assert quantities == {"Чайник": 1, "Кружка": 2}

    def test_staff_always_see_a_cart_afresh(self, staff, shopper, kettle):
        client = logged_in(staff)
        url = f"/market/cart/{shopper.cart.pk}/"
        kept(client, url)
        # bulk_create sends no signal: nothing moves the cart's version, and staff see it at once.
        CartItem.objects.bulk_create([CartItem(cart=shopper.cart, product=kettle, quantity=2)])
        assert client.get(url).context["lines"][0].quantity == 2

    def test_another_shoppers_cart_stays_a_404(self, shopper, other_shopper):
        client = logged_in(other_shopper)
        for _ in range(3):
            assert client.get(f"/market/cart/{shopper.cart.pk}/").status_code == 404

    def test_the_badge_after_a_change_counts_afresh(self, shopper, kettle, htmx):
        client = logged_in(shopper)
        url = f"/market/cart/{shopper.cart.pk}/"
        html = put(client, url, htmx, product=kettle.pk, quantity=2, mode="add").text
        assert re.search(r'id="cart-badge" data-count="2"[^>]*hx-swap-oob="true"', html)

    def test_a_line_changed_in_a_transaction_of_its_own_shows_once_it_commits(
        self, shopper, kettle, django_capture_on_commit_callbacks
    ):
        mug = make_product(kettle.category, "Кружка", stock=9)
        shopper.cart.change_line(kettle, 2)
        client = logged_in(shopper)
        url = f"/market/cart/{shopper.cart.pk}/"
        kept(client, url)
        line = CartItem.objects.get(cart=shopper.cart)
        line.product = mug  # the same count, another product: say, in the admin
        with django_capture_on_commit_callbacks(execute=True):
            line.save()
        assert [line.product.name for line in client.get(url).context["lines"]] == ["Кружка"]


class TestOneAddressOnePage:
    """However a page's address is spelled, it is kept once: junk values of the parameters a
    page reads, parameters it doesn't read, page numbers it doesn't have, ids with zeros."""

    @pytest.mark.parametrize(
        ("page", "spellings"),
        [
            ("/market/products/", [f"/market/products/?page=x{n}" for n in range(20)]),
            (
                "/market/products/?in_stock=1",
                [f"/market/products/?in_stock=yes{n}" for n in range(20)],
            ),
            (
                "/market/category/{category}/",
                [f"/market/category/{{category}}/?category=junk{n}" for n in range(20)],
            ),
        ],
        ids=["page-junk", "in_stock-junk", "category-on-its-page"],
    )
    def test_spellings_of_one_page_are_served_the_page_kept(
        self, client, kettle, django_assert_num_queries, page, spellings
    ):
        kept(client, page.format(category=kettle.category_id))
        with django_assert_num_queries(0):
            for url in spellings:
                assert client.get(url.format(category=kettle.category_id)).status_code == 200

    def test_a_search_for_digits_is_kept_as_typed(self, client, kettle):
        """Leading zeros go from numbers, never from a search: "007" is not "7"."""
        for _ in range(3):
            assert 'value="007"' in client.get("/market/products/", {"q": "007"}).text

    def test_an_id_with_zeros_is_sent_to_its_own_address(self, client, kettle):
        answer = client.get(f"/market/products/00{kettle.pk}/?q=a")
        assert answer.status_code == 301
        assert answer["Location"] == f"/market/products/{kettle.pk}/?q=a"

    def test_a_page_number_past_the_last_shows_the_last_page_and_is_not_kept(self, client, kettle):
        for _ in range(3):
            with CaptureQueriesContext(connection) as rendered:
                answer = client.get("/market/products/", {"page": 99})
            assert (answer.status_code, bool(rendered)) == (200, True)
            assert "Чайник" in answer.text


class TestPagesThatStopBeingPages:
    """A page whose new answer can't be kept (a 404, a 422) no longer serves its old version,
    neither while the first request renders it nor after."""

    def test_a_deleted_product(self, client, kettle):
        url = kettle.get_absolute_url()
        kept(client, url)
        Product.objects.get(pk=kettle.pk).delete()
        assert [client.get(url).status_code for _ in range(5)] == [404] * 5

    def test_a_filter_by_a_deleted_category(self, client, kettle):
        kitchen = make_category("Посуда")
        url = f"/market/products/?category={kitchen.pk}"
        assert kept(client, url).status_code == 200
        kitchen.delete()
        assert [client.get(url).status_code for _ in range(3)] == [422] * 3


def test_a_shopper_whose_cart_was_deleted_adds_to_a_new_one_from_a_kept_page(shopper, kettle):
    """The add-to-cart form decided on the cart's id, a hole on a kept page (always there), so
    a shopper whose cart staff had deleted got a form aimed at /market/cart/, which takes no PUT.
    The cart is made again, and the form goes to it."""
    shopper.cart.delete()
    client = logged_in(shopper)
    html = kept(client, kettle.get_absolute_url()).text
    (action,), (token,) = add_forms(html)
    cart = Cart.objects.get(owner=shopper)
    assert action == f"/market/cart/{cart.pk}/"
    answer = put(client, action, product=kettle.pk, quantity=1, mode="add", token=token)
    assert answer.status_code == 303
    assert cart.items.get().quantity == 1
