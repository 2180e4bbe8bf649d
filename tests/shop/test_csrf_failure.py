"""shop.views.csrf_failure: a change without a valid CSRF token changes nothing; a visitor who
sent it to a page that needs a login is sent to log in (SPEC §2), anyone else gets 403."""

import pytest
from django.test import Client

from apps.market.models import CartItem
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def kettle(db):
    return make_product(make_category("Кухня"), "Чайник", stock=5)


def test_a_visitors_change_to_a_login_only_page_leads_to_the_login(strict_client, shopper, kettle):
    url = f"/market/cart/{shopper.cart.pk}/"
    response = strict_client.put(url, f"product={kettle.pk}&quantity=1", FORM)
    assert response.status_code == 302
    assert response["Location"] == f"/users/user/login/?next={url}"
    response = strict_client.put(url, "", FORM, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"/users/user/login/?next={url}"
    assert not CartItem.objects.exists()


def test_a_visitors_change_to_a_staff_page_leads_to_the_login_too(strict_client, kettle):
    response = strict_client.post(f"/market/products/{kettle.pk}/", {"_method": "DELETE"})
    assert response.status_code == 302
    assert response["Location"].startswith("/users/user/login/")
    kettle.refresh_from_db()


def test_a_visitors_change_to_an_open_page_is_refused(strict_client):
    assert strict_client.post("/i18n/setlang/", {"language": "en"}).status_code == 403
    assert strict_client.post("/users/user/login/", {"login": "x"}).status_code == 403


def test_a_logged_in_users_change_without_a_token_is_refused(strict_client, shopper, kettle):
    strict_client.force_login(shopper)
    url = f"/market/cart/{shopper.cart.pk}/"
    response = strict_client.put(url, f"product={kettle.pk}&quantity=1", FORM)
    assert response.status_code == 403
    assert "Форма устарела" in response.text  # the shop's page, not Django's bare one
    assert not CartItem.objects.exists()
