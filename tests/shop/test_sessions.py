"""Sessions in the database, read with one plain query (shop/sessions.py): what Django's own
database sessions do, the same way on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from shop.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data):
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_session_is_read_with_one_query(django_assert_num_queries):
    key = saved(colour="синий", count=3)
    with django_assert_num_queries(1):
        store = SessionStore(key)
        assert (store["colour"], store["count"]) == ("синий", 3)
    assert store.session_key == key


def test_it_reads_what_djangos_store_wrote_and_the_other_way_round():
    theirs = DjangoStore()
    theirs["a"] = "б"
    theirs.save()
    assert SessionStore(theirs.session_key)["a"] == "б"
    assert DjangoStore(saved(c="д"))["c"] == "д"


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


def test_a_logged_in_shopper_stays_logged_in_and_logs_out(shopper_client, shopper):
    page = shopper_client.get("/market/products/")
    assert shopper.username in page.content.decode()
    shopper_client.post("/users/user/logout/")
    assert not Session.objects.exists()
    assert shopper.username not in shopper_client.get("/market/products/").content.decode()
