"""The authentication backend reads the user of a logged-in request with the navbar's cart badge
in one query (apps/market/backends.py), written in SQL: what it makes must be the user the ORM
would make, field for field, on SQLite and PostgreSQL alike."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.market.backends import CartBadgeBackend, user_with_cart_badge
from tests.factories import PASSWORD, make_product

User = get_user_model()

pytestmark = pytest.mark.django_db


def test_the_user_read_with_the_badge_is_the_orms(superuser):
    User.objects.filter(pk=superuser.pk).update(last_login=timezone.now() - timedelta(days=3))
    read = user_with_cart_badge(superuser.pk)
    expected = User.objects.get(pk=superuser.pk)
    for field in User._meta.concrete_fields:
        value, wanted = getattr(read, field.attname), getattr(expected, field.attname)
        assert value == wanted, field.name
        assert type(value) is type(wanted), field.name
    assert read.is_staff is True
    assert read.is_active is True
    assert timezone.is_aware(read.last_login)
    assert timezone.is_aware(read.date_joined)


def test_the_badge_counts_the_units_in_the_users_cart(shopper, other_shopper):
    shopper.cart.items.create(product=make_product(name="Чайник"), quantity=2)
    shopper.cart.items.create(product=make_product(name="Утюг"), quantity=3)
    other_shopper.cart.items.create(product=make_product(name="Лампа"), quantity=7)
    read = user_with_cart_badge(shopper.pk)
    assert (read.badge_cart_id, read.badge_count) == (shopper.cart.pk, 5)
    assert user_with_cart_badge(other_shopper.pk).badge_count == 7


def test_without_a_cart_the_badge_is_empty(shopper):
    shopper.cart.delete()
    read = user_with_cart_badge(shopper.pk)
    assert (read.badge_cart_id, read.badge_count, read.badge_cart_updated) == (None, 0, None)


def test_no_such_user_or_an_inactive_one_is_nobody(shopper, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert CartBadgeBackend().get_user(shopper.pk + 1000) is None
    User.objects.filter(pk=shopper.pk).update(is_active=False)
    assert CartBadgeBackend().get_user(shopper.pk) is None


def test_a_wrong_password_is_checked_once(client, shopper, monkeypatch):
    """The second backend in settings is allauth's own again (for older sessions): a refused
    login stops at the first, instead of hashing the guess twice."""
    checks = []
    check_password = User.check_password

    def counted(user, raw_password):
        checks.append(user.pk)
        return check_password(user, raw_password)

    monkeypatch.setattr(User, "check_password", counted)
    answer = client.post("/users/user/login/", {"login": "shopper", "password": "wrong"})
    assert answer.status_code == 200  # the form again, with its error
    assert checks == [shopper.pk]
    client.post("/users/user/login/", {"login": "shopper", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(shopper.pk)
