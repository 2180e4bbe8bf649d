"""The base layout every page extends: local assets, the navbar for each role, htmx settings."""

import re

import pytest

from apps.market.models import CartItem
from tests.factories import PASSWORD, make_category, make_product

pytestmark = pytest.mark.django_db


def page(client, path="/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_assets_are_served_locally_never_from_a_cdn(client):
    html = page(client, "/market/products/")
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "/static/bootstrap/js/bootstrap.min.js" in html
    assert re.search(r'src="/static/django_htmx/htmx-2[.\w]*\.js"', html)
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_scripts_are_deferred_and_bootstrap_s_only_where_a_part_needs_it(client):
    """Scripts block nothing; the off-canvas filters are the only part that needs Bootstrap's."""
    category = make_category("Kitchen")
    for path in ("/market/products/", f"/market/category/{category.pk}/"):
        assert "bootstrap.min.js" in page(client, path)
    for path in ("/", "/market/category/", "/users/user/login/"):
        html = page(client, path)
        assert "bootstrap" not in re.sub(r'<link rel="stylesheet"[^>]*>', "", html)
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts
        assert all(" defer" in script for script in scripts)


def navbar(html):
    return re.search(r"<nav class=\"navbar.*?</nav>", html, re.S).group(0)


def test_the_menu_opens_without_javascript_and_search_and_cart_stay_outside_it(client, shopper):
    """The menu is a <details> (it opens with or without JavaScript); search and the cart badge
    are not in it, so they show at every width."""
    client.force_login(shopper)
    nav = navbar(page(client))
    menu = re.search(r"<details class=\"navbar-menu\".*</details>", nav, re.S).group(0)
    assert re.search(r"<summary[^>]*>.*?Меню.*?</summary>", menu, re.S)
    for part in ("Каталог", "Выйти", 'action="/i18n/setlang/"'):
        assert part in menu
    for part in ('role="search"', 'id="cart-badge"'):
        assert part in nav
        assert part not in menu
    assert "data-bs-toggle" not in nav  # nothing in it waits for Bootstrap's script


def test_htmx_is_configured_once_for_csrf_422_and_delete_bodies(client):
    html = page(client)
    assert html.count('hx-headers=\'{"X-CSRFToken": "') == 1
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1)
    assert '"methodsThatUseUrlParams": ["get"]' in config
    assert '{"code": "422", "swap": true}' in config
    # Back restores from the server: a cached snapshot loses the filter form's values.
    assert '"historyCacheSize": 0' in config
    assert '"historyRestoreAsHxRequest": false' in config


def test_the_page_fits_a_phone(client):
    html = page(client)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "navbar-toggler" in html


def test_visitor_sees_login_and_register(client):
    html = page(client)
    assert "/users/user/login/?next=/" in html
    assert "/users/user/register/?next=/" in html
    assert 'id="cart-badge"' not in html


def test_shopper_sees_their_name_cart_badge_and_logout(client, shopper):
    CartItem.objects.create(cart=shopper.cart, product=make_product(), quantity=3)
    client.force_login(shopper)
    html = page(client)
    assert "shopper" in html
    badge = re.search(r'id="cart-badge".*?</a>', html, re.S).group(0)
    assert re.search(r"rounded-pill[^>]*>3<", badge)
    assert 'action="/users/user/logout/"' in html
    assert "/admin/" not in html


def test_staff_see_the_staff_menu(client, staff):
    """A <details> too, in the menu: it opens without JavaScript."""
    client.force_login(staff)
    staff_menu = re.search(r'<details class="nav-dropdown".*?</details>', page(client), re.S)
    assert re.search(r"<summary[^>]*>Управление</summary>", staff_menu.group(0))
    assert 'href="/admin/"' in staff_menu.group(0)


def test_language_switcher_posts_to_set_language(client):
    html = page(client)
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html


def test_messages_show_as_toasts_on_a_full_page(client, shopper):
    response = client.post(
        "/users/user/login/", {"login": "shopper", "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    toast = re.search(r'<div class="toast show.*?</div>\s*</div>', html, re.S).group(0)
    assert "shopper" in toast


def test_the_messages_region_is_on_every_page_and_holds_one_toast(rf, shopper):
    """#toasts, an aria-live region, is there without messages too (htmx fills it, screen
    readers follow it); the messages of one answer make one toast."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    empty = render_to_string("includes/toasts.html", {"messages": []})
    assert re.search(r'<div id="toasts" class="toast-container" aria-live="polite"></div>', empty)
    request = rf.get("/")
    request.session, request.user = {}, shopper
    storage = FallbackStorage(request)
    storage.add(25, "Saved.")
    storage.add(25, "Sent.")
    html = render_to_string("includes/toasts.html", {"messages": storage}, request)
    assert html.count('class="toast ') == 1
    assert "Saved.<br>Sent." in html


def test_404_page_uses_the_shop_layout(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "navbar" in html
    assert 'href="/"' in html
