"""Every event of SPEC §4 is recorded exactly once, with the right actor and time, through the
flows that cause it (issue 6): sign-up, login, logout, failed login, profile changes, deletion."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from apps.history.models import HistoryUserApp
from apps.users.models import Profile
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

Status = HistoryUserApp.Status
FORM = "application/x-www-form-urlencoded"
LOGIN = "/users/user/login/"


def records(status):
    return list(HistoryUserApp.objects.filter(status=status))


@pytest.fixture
def since():
    """The moment the test began: every record it causes is stamped after it."""
    return timezone.now()


def the_one(status, since):
    [record] = records(status)
    assert since <= record.created <= timezone.now()
    return record


class TestRegistered:
    def test_sign_up_records_registered_and_logged_in_once_each(self, client, since):
        client.post(
            "/users/user/register/",
            {
                "username": "newbie",
                "email": "newbie@example.com",
                "password1": "a-long-and-unusual-pass",
                "password2": "a-long-and-unusual-pass",
            },
        )
        user = get_user_model().objects.get(username="newbie")
        registered = the_one(Status.REGISTERED, since)
        assert (registered.user, registered.username, registered.actor) == (user, "newbie", user)
        logged_in = the_one(Status.LOGGED_IN, since)
        assert (logged_in.user, logged_in.actor) == (user, user)
        assert HistoryUserApp.objects.count() == 2

    def test_a_user_created_otherwise_is_not_registered(self, make_user):
        make_user("made-by-a-command")
        assert not records(Status.REGISTERED)


class TestLoggedInAndOut:
    def test_login_records_logged_in_by_the_user(self, client, shopper, since):
        client.post(LOGIN, {"login": "shopper", "password": PASSWORD})
        record = the_one(Status.LOGGED_IN, since)
        assert (record.user, record.username, record.actor) == (shopper, "shopper", shopper)

    def test_logout_post_records_logged_out_by_the_user(self, shopper_client, shopper, since):
        shopper_client.post("/users/user/logout/")
        record = the_one(Status.LOGGED_OUT, since)
        assert (record.user, record.actor) == (shopper, shopper)

    def test_logout_get_records_nothing(self, shopper_client):
        shopper_client.get("/users/user/logout/")
        assert not records(Status.LOGGED_OUT)

    def test_a_visitor_logging_out_records_nothing(self, client):
        client.post("/users/user/logout/")
        assert not records(Status.LOGGED_OUT)


class TestLoginFailed:
    def test_records_the_name_tried_never_the_password(self, client, shopper, since):
        client.post(LOGIN, {"login": "shopper", "password": "my-secret-guess"})
        record = the_one(Status.LOGIN_FAILED, since)
        assert (record.user, record.username, record.actor) == (shopper, "shopper", None)
        assert record.details == {"login": "shopper"}
        stored = json.dumps(list(HistoryUserApp.objects.values()), default=str)
        assert "my-secret-guess" not in stored

    def test_an_email_in_another_case_is_the_accounts_record(self, client, shopper, since):
        client.post(LOGIN, {"login": "SHOPPER@example.com", "password": "wrong"})
        record = the_one(Status.LOGIN_FAILED, since)
        assert (record.user, record.username) == (shopper, "shopper")
        assert record.details == {"login": "SHOPPER@example.com"}

    def test_an_unknown_name_is_kept_as_typed(self, client, since):
        client.post(LOGIN, {"login": "Nobody", "password": "wrong"})
        record = the_one(Status.LOGIN_FAILED, since)
        assert (record.user, record.username, record.details) == (
            None,
            "Nobody",
            {"login": "Nobody"},
        )

    def test_a_very_long_name_is_cut_to_fit(self, client):
        client.post(LOGIN, {"login": "я" * 500, "password": "wrong"})
        [record] = records(Status.LOGIN_FAILED)
        assert record.username == "я" * 150

    def test_a_failed_admin_login_counts_too(self, client, staff):
        client.post("/admin/login/", {"username": "staff", "password": "wrong"})
        [record] = records(Status.LOGIN_FAILED)
        assert record.user == staff

    def test_attempts_refused_by_the_limit_are_recorded_marked_as_refused(
        self, client, shopper, since
    ):
        for _ in range(5):
            client.post(LOGIN, {"login": "shopper", "password": "wrong"})
        # The sixth and seventh are refused before any password is checked, the right one too.
        client.post(LOGIN, {"login": "Shopper@Example.com", "password": "wrong"})
        client.post(LOGIN, {"login": "shopper", "password": PASSWORD})
        failed = HistoryUserApp.objects.filter(status=Status.LOGIN_FAILED).order_by("created", "pk")
        assert [(r.user, r.details.get("refused", False)) for r in failed] == [
            (shopper, False)
        ] * 5 + [(shopper, True)] * 2
        assert failed.last().details == {"login": "shopper", "refused": True}
        assert "отказано" in failed.last().summary
        assert not records(Status.LOGGED_IN)

    def test_a_wrong_password_on_account_deletion_is_not_a_login(self, shopper_client, shopper):
        shopper_client.delete(f"/users/user/delete/{shopper.pk}/", "password=wrong", FORM)
        assert not records(Status.LOGIN_FAILED)


class TestProfileUpdated:
    def test_owner_change_names_the_fields_that_changed(self, shopper_client, shopper, since):
        url = f"/users/profile/{shopper.profile.pk}/"
        shopper_client.put(url, "first_name=Анна&last_name=Петрова", FORM)
        record = the_one(Status.PROFILE_UPDATED, since)
        assert (record.user, record.actor) == (shopper, shopper)
        assert record.details["fields"] == ["last_name"]

    def test_staff_change_names_staff_as_the_actor(self, staff_client, staff, shopper, since):
        url = f"/users/profile/{shopper.profile.pk}/"
        staff_client.put(url, "first_name=Мария&last_name=Ким", FORM)
        record = the_one(Status.PROFILE_UPDATED, since)
        assert (record.user, record.actor) == (shopper, staff)
        assert record.details["fields"] == ["first_name", "last_name"]

    def test_saving_the_same_names_or_invalid_ones_records_nothing(self, shopper_client, shopper):
        url = f"/users/profile/{shopper.profile.pk}/"
        shopper_client.put(url, "first_name=Анна&last_name=Иванова", FORM)
        shopper_client.put(url, f"first_name={'x' * 151}", FORM)
        assert not records(Status.PROFILE_UPDATED)

    def test_a_change_in_the_admin_is_recorded_too(self, client, superuser, shopper):
        client.force_login(superuser)
        url = f"/admin/users/profile/{shopper.profile.pk}/change/"
        client.post(url, {"user": shopper.pk, "first_name": "Ольга", "last_name": "Иванова"})
        [record] = records(Status.PROFILE_UPDATED)
        assert (record.actor, record.details["fields"]) == (superuser, ["first_name"])


class TestProfileDeleted:
    def test_owner_deleting_it(self, shopper_client, shopper, since):
        shopper_client.delete(f"/users/profile/{shopper.profile.pk}/")
        record = the_one(Status.PROFILE_DELETED, since)
        assert (record.user, record.username, record.actor) == (shopper, "shopper", shopper)

    def test_staff_deleting_it(self, staff_client, staff, shopper, since):
        staff_client.delete(f"/users/profile/{shopper.profile.pk}/")
        assert the_one(Status.PROFILE_DELETED, since).actor == staff

    def test_a_bulk_delete_records_each(self, make_user):
        make_user("anna")
        make_user("olga")
        Profile.objects.all().delete()
        assert sorted(r.username for r in records(Status.PROFILE_DELETED)) == ["anna", "olga"]


class TestDeleted:
    def test_deleting_ones_own_account_records_deleted_once_and_no_logout(
        self, shopper_client, shopper, since
    ):
        shopper_client.delete(f"/users/user/delete/{shopper.pk}/", f"password={PASSWORD}", FORM)
        record = the_one(Status.DELETED, since)
        # The actor was the user themself: the link goes with the account, the name stays.
        assert (record.user, record.username, record.actor) == (None, "shopper", None)
        assert record.details == {"actor": "shopper"}
        assert record.actor_name == "shopper"
        assert not records(Status.LOGGED_OUT)
        assert not records(Status.PROFILE_DELETED)

    def test_staff_deleting_an_account_are_its_actor(self, staff_client, staff, shopper, since):
        staff_client.delete(f"/users/user/delete/{shopper.pk}/")
        record = the_one(Status.DELETED, since)
        assert (record.user, record.username, record.actor) == (None, "shopper", staff)

    def test_a_refused_deletion_records_nothing(self, shopper_client, shopper):
        shopper_client.delete(f"/users/user/delete/{shopper.pk}/", "password=wrong", FORM)
        assert not records(Status.DELETED)

    def test_the_users_earlier_records_outlive_them_with_their_username(self, shopper, staff):
        shoppers_browser, staff_browser = Client(), Client()
        shoppers_browser.post(LOGIN, {"login": "shopper", "password": "wrong"})
        shoppers_browser.post(LOGIN, {"login": "shopper", "password": PASSWORD})
        staff_browser.force_login(staff)
        staff_browser.delete(f"/users/user/delete/{shopper.pk}/")
        assert sorted(
            HistoryUserApp.objects.filter(username="shopper").values_list("status", "user")
        ) == [(Status.DELETED, None), (Status.LOGGED_IN, None), (Status.LOGIN_FAILED, None)]
