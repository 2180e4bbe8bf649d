"""A user's rights end the moment they are taken away (issue 14, the review's most serious
finding): after any change to a user, through the admin, a form or `queryset.update()`, the very
next request of that user's old session sees it. The shared cache is on in these tests, as in
production, so that no cached copy of the user can stand in for the database.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.test import Client

from tests.factories import PASSWORD

User = get_user_model()


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """Everything the shop caches in production is cached here too."""
    settings.SHARED_CACHE_SECONDS = 600


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestChangesWithoutSignals:
    """`queryset.update()` sends no signal: nothing may depend on one to see the change."""

    def test_staff_demoted_lose_staff_pages_at_once(self, staff):
        client = logged_in(staff)
        assert client.get("/history/").status_code == 200
        User.objects.filter(pk=staff.pk).update(is_staff=False)
        assert client.get("/history/").status_code == 403

    def test_a_deactivated_account_is_logged_out_at_once(self, shopper):
        client = logged_in(shopper)
        assert client.get("/market/cart/").status_code == 200
        User.objects.filter(pk=shopper.pk).update(is_active=False)
        response = client.get("/market/cart/")
        assert response.status_code == 302
        assert response["Location"].startswith("/users/user/login/")

    def test_a_password_set_elsewhere_ends_the_old_sessions(self, shopper):
        client = logged_in(shopper)
        assert client.get("/market/cart/").status_code == 200
        User.objects.filter(pk=shopper.pk).update(password=make_password("a-new-secret-42"))
        assert client.get("/market/cart/").status_code == 302

    def test_a_users_own_password_change_does_not_write_back_old_rights(self, staff):
        client = logged_in(staff)
        assert client.get("/history/").status_code == 200
        User.objects.filter(pk=staff.pk).update(is_staff=False)
        response = client.post(
            "/users/user/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "a-new-secret-42",
                "password2": "a-new-secret-42",
            },
        )
        assert response.status_code == 302
        staff.refresh_from_db()
        assert staff.check_password("a-new-secret-42")
        assert not staff.is_staff


def while_committing(change, request):
    """Run `change()` in a transaction that stays open until `request()` has run on another
    connection, after the change's own signals have been sent: the moment when a receiver
    that forgets a cached user has already run but the database still shows the old row."""
    change_sent, request_done = threading.Event(), threading.Event()
    outcome = {}

    def hold(sender, **kwargs):
        change_sent.set()
        request_done.wait(timeout=60)

    def make_request():
        change_sent.wait(timeout=60)
        try:
            outcome["during"] = request()
        finally:
            connection.close()
            request_done.set()

    other = threading.Thread(target=make_request)
    other.start()
    post_save.connect(hold, sender=User, dispatch_uid="test_hold_save")
    post_delete.connect(hold, sender=User, dispatch_uid="test_hold_delete")
    try:
        with transaction.atomic():
            change()
    finally:
        post_save.disconnect(dispatch_uid="test_hold_save", sender=User)
        post_delete.disconnect(dispatch_uid="test_hold_delete", sender=User)
        request_done.set()
        other.join()
    return outcome.get("during")


@pytest.mark.django_db(transaction=True)
class TestChangesRacingARequest:
    """A request of the user's own session arrives while the admin's change is being committed.
    Whatever it saw then, the request after the commit sees the change."""

    def test_demoted_staff(self, staff):
        client = logged_in(staff)

        def demote():
            staff.is_staff = False
            staff.save()

        while_committing(demote, lambda: client.get("/history/").status_code)
        assert client.get("/history/").status_code == 403

    def test_deactivated_account(self, shopper):
        client = logged_in(shopper)

        def deactivate():
            shopper.is_active = False
            shopper.save()

        while_committing(deactivate, lambda: client.get("/market/cart/").status_code)
        assert client.get("/market/cart/").status_code == 302

    def test_deleted_account_is_a_visitor_not_a_500(self, shopper):
        client = logged_in(shopper)
        while_committing(shopper.delete, lambda: client.get("/").status_code)
        response = client.get("/market/cart/")
        assert response.status_code == 302
        assert response["Location"].startswith("/users/user/login/")
        assert not User.objects.filter(username="shopper").exists()
