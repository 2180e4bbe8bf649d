"""Sessions in the database, read with their user in one query (shop/sessions.py and
apps/market/backends.py): what Django's own database sessions do, the same way on SQLite and
PostgreSQL, with who is logged in decided by the session's data alone."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.utils import timezone

from shop.models import Session
from shop.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data):
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def logged_in(client, user):
    client.force_login(user)
    return Session.objects.get(pk=client.session.session_key)


def test_a_session_is_read_with_one_query(django_assert_num_queries):
    key = saved(colour="синий", count=3)
    with django_assert_num_queries(1):
        store = SessionStore(key)
        assert (store["colour"], store["count"]) == ("синий", 3)
    assert store.session_key == key
    assert store.user is None


@pytest.mark.parametrize("kind", ["missing", "expired"])
def test_a_missing_or_expired_session_is_empty_and_its_key_forgotten(kind):
    key = saved(secret="x")
    if kind == "expired":
        Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    else:
        key = key[::-1]
    store = SessionStore(key)
    assert dict(store.items()) == {}
    # A key the database doesn't hold is never written again: a new session gets a new key (no
    # session fixation with a key a visitor chose).
    assert store.session_key is None
    store["next"] = 1
    store.save()
    assert store.session_key not in (None, key)


def test_the_session_names_its_user_and_is_read_with_them(
    client, shopper, django_assert_num_queries
):
    session = logged_in(client, shopper)
    assert session.user_id == shopper.pk
    with django_assert_num_queries(1):
        store = SessionStore(session.pk)
        store.load()
    assert store.user.pk == shopper.pk
    assert store.user.badge_cart_id == shopper.cart.pk


def test_the_column_never_decides_who_is_logged_in(client, shopper, other_shopper):
    """The user is the one the session's data names (with a matching password), as Django
    decides it: a session row whose user column says otherwise is read with the wrong user,
    which is then not used."""
    session = logged_in(client, shopper)
    Session.objects.filter(pk=session.pk).update(user_id=other_shopper.pk)
    page = client.get("/market/products/").content.decode()
    assert f">{shopper.username}</a>" in page
    assert other_shopper.username not in page


@pytest.mark.parametrize("revoked", ["is_active", "is_staff", "password"])
def test_revoked_rights_end_with_the_next_request(client, staff, revoked):
    logged_in(client, staff)
    page = client.get("/market/products/")
    assert page.status_code == 200
    assert f">{staff.username}</a>" in page.content.decode()
    assert "/market/products/new/" in page.content.decode()  # staff's "New product"
    change = {"is_active": False, "is_staff": False, "password": make_password("другой-пароль")}
    type(staff).objects.filter(pk=staff.pk).update(**{revoked: change[revoked]})
    page = client.get("/market/products/")
    assert page.status_code == 200
    assert "/market/products/new/" not in page.content.decode()
    assert (f">{staff.username}</a>" in page.content.decode()) is (revoked == "is_staff")


def test_a_session_cookie_no_session_could_have_is_nobodys(client):
    """A NUL, say, which PostgreSQL's text can't hold: the visitor gets a page, not a 500."""
    for key in ["\x00abcdefghijkl", "a" * 8 + "'; --"]:
        client.cookies["sessionid"] = key
        assert client.get("/market/products/").status_code == 200
        assert SessionStore(key).session_key is None


def test_a_logged_in_shopper_stays_logged_in_and_logs_out(shopper_client, shopper):
    page = shopper_client.get("/market/products/")
    assert shopper.username in page.content.decode()
    shopper_client.post("/users/user/logout/")
    assert not Session.objects.filter(user_id=shopper.pk).exists()
    assert shopper.username not in shopper_client.get("/market/products/").content.decode()


def test_djangos_own_sessions_end_when_these_take_over(shopper):
    """Left in Django's table, a session would come back to life if the release were rolled
    back after its owner had logged out of this one."""
    theirs = DjangoStore()
    theirs.update({"_auth_user_id": str(shopper.pk)})
    theirs.save()
    migration = importlib.import_module("shop.migrations.0002_end_djangos_sessions")
    migration.end_djangos_sessions(
        apps, SimpleNamespace(connection=SimpleNamespace(alias="default"))
    )
    assert not DjangoSession.objects.exists()


@pytest.mark.parametrize("saving", ["save", "asave"])
def test_a_session_saved_either_way_names_its_user(shopper, saving):
    store = SessionStore()
    store["_auth_user_id"] = str(shopper.pk)
    if saving == "save":
        store.save()
    else:
        async_to_sync(store.asave)()
    assert Session.objects.get(pk=store.session_key).user_id == shopper.pk
