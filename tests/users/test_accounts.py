"""django-allauth's pages at the seed's paths, in the shop's layout (SPEC §3 users, issue 4):
sign-up, login by username or email with its rate limit, logout that needs a POST."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings

from apps.users.models import Profile
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
LOGIN = "/users/user/login/"
LOGOUT = "/users/user/logout/"
REGISTER = "/users/user/register/"


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


class TestLayout:
    @pytest.mark.parametrize(
        "path", [LOGIN, REGISTER, "/users/user/password/reset/", "/users/user/signup/"]
    )
    def test_visitor_pages_use_the_shop_layout_and_bootstrap_forms(self, client, path):
        response = client.get(path)
        assert response.status_code == 200
        html = response.text
        assert 'class="navbar' in html
        assert "<footer" in html
        assert 'class="card shadow-sm"' in html
        assert re.search(r'<input[^>]+class="[^"]*form-control', html)
        assert 'class="btn btn-primary' in html

    @pytest.mark.parametrize("path", [LOGOUT, "/users/user/password/change/", "/users/user/email/"])
    def test_account_pages_use_the_shop_layout_with_the_account_menu(self, shopper_client, path):
        response = shopper_client.get(path)
        assert response.status_code == 200
        assert 'class="navbar' in response.text
        assert 'class="list-group-item list-group-item-action' in response.text
        assert 'href="/users/profile/me/"' in response.text

    def test_pages_are_russian_by_default(self, client):
        assert "Войти" in client.get(LOGIN).text

    def test_paths_answer_without_their_trailing_slash(self, client, shopper):
        assert client.get("/users/user/login")["Location"] == LOGIN
        response = client.post("/users/user/login", {"login": "shopper", "password": PASSWORD})
        assert response.status_code == 302
        assert logged_in_user_id(client) == str(shopper.pk)


class TestLogin:
    def test_by_username(self, client, shopper):
        response = client.post(LOGIN, {"login": "shopper", "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert logged_in_user_id(client) == str(shopper.pk)

    def test_by_email_in_any_case(self, client, shopper):
        response = client.post(LOGIN, {"login": "Shopper@Example.com", "password": PASSWORD})
        assert response.status_code == 302
        assert logged_in_user_id(client) == str(shopper.pk)

    def test_goes_back_to_next(self, client, shopper):
        response = client.post(
            LOGIN, {"login": "shopper", "password": PASSWORD, "next": "/users/profile/"}
        )
        assert response["Location"] == "/users/profile/"

    def test_refuses_a_next_on_another_site(self, client, shopper):
        response = client.post(
            LOGIN, {"login": "shopper", "password": PASSWORD, "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"

    def test_wrong_password_shows_the_form_again_with_an_error(self, client, shopper):
        response = client.post(LOGIN, {"login": "shopper", "password": "wrong"}, headers=EN)
        assert response.status_code == 200  # allauth's own code for a form with errors
        assert "alert-danger" in response.text
        assert "username and/or password you specified are not correct" in response.text
        assert logged_in_user_id(client) is None

    def test_remember_me_decides_whether_the_session_outlives_the_browser(self, client, shopper):
        client.post(LOGIN, {"login": "shopper", "password": PASSWORD})
        assert client.session.get_expire_at_browser_close()
        client.post(LOGOUT)
        client.post(LOGIN, {"login": "shopper", "password": PASSWORD, "remember": "on"})
        assert not client.session.get_expire_at_browser_close()

    def test_failed_logins_are_rate_limited_with_a_clear_message(self, client, shopper, make_user):
        for _ in range(5):
            client.post(LOGIN, {"login": "shopper", "password": "wrong"})
        # The sixth attempt within five minutes is refused, even with the right password.
        response = client.post(LOGIN, {"login": "shopper", "password": PASSWORD}, headers=EN)
        assert response.status_code == 200
        assert "Too many failed login attempts. Try again later." in response.text
        assert logged_in_user_id(client) is None
        # The limit is per login name: somebody else still gets in.
        make_user("anna")
        client.post(LOGIN, {"login": "anna", "password": PASSWORD})
        assert logged_in_user_id(client) is not None

    @pytest.mark.parametrize(
        ("proxies", "forwarded_for"), [(2, "203.0.113.7"), (1, "not-an-address"), (1, " , ")]
    )
    def test_a_forwarded_for_that_cannot_hold_the_address_is_no_error(
        self, client, settings, shopper, proxies, forwarded_for
    ):
        """Fewer X-Forwarded-For entries than trusted proxies (allauth: ImproperlyConfigured,
        a 500) or no address where the proxy's should be (allauth: a 403): the request did not
        come through the proxies, and is known by its own address."""
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
        answer = client.post(
            LOGIN,
            {"login": "shopper", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
        assert answer.status_code == 302
        assert logged_in_user_id(client) == str(shopper.pk)

    @override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
    def test_behind_a_trusted_proxy_each_client_has_its_own_address_limit(self, client, shopper):
        """Behind the README's proxy (DJANGO_TRUSTED_PROXY_COUNT=1) every request comes from the
        proxy; the limit of 10 failed logins a minute per address counts the address the proxy
        saw, the last one of X-Forwarded-For, so one client's failures lock out nobody else,
        and what a client writes in front of it changes nothing."""
        proxy = {"REMOTE_ADDR": "10.0.0.2"}

        def from_client(address, forged=""):
            return {**proxy, "HTTP_X_FORWARDED_FOR": f"{forged}{address}"}

        for n in range(10):  # ten different names: the limit per account stays out of it
            client.post(
                LOGIN, {"login": f"nobody{n}", "password": "x"}, **from_client("203.0.113.7")
            )
        refused = client.post(
            LOGIN,
            {"login": "shopper", "password": PASSWORD},
            headers=EN,
            **from_client("203.0.113.7", forged="198.51.100.1, "),
        )
        assert "Too many failed login attempts" in refused.text
        assert logged_in_user_id(client) is None
        client.post(LOGIN, {"login": "shopper", "password": PASSWORD}, **from_client("203.0.113.8"))
        assert logged_in_user_id(client) == str(shopper.pk)

    def test_the_rate_limit_message_is_russian_too(self, client, shopper):
        for _ in range(5):
            client.post(LOGIN, {"login": "shopper", "password": "wrong"})
        response = client.post(LOGIN, {"login": "shopper", "password": PASSWORD})
        assert "Слишком много неудачных попыток входа" in response.text


class TestLogout:
    def test_get_asks_with_one_button_and_keeps_the_user_logged_in(self, shopper_client, shopper):
        response = shopper_client.get(LOGOUT)
        assert response.status_code == 200
        form = re.search(
            r'<form method="post" action="/users/user/logout/">.*?</form>', response.text, re.S
        )
        assert form
        assert form.group(0).count("<button") == 1
        assert logged_in_user_id(shopper_client) == str(shopper.pk)

    def test_post_logs_out(self, shopper_client):
        response = shopper_client.post(LOGOUT)
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert logged_in_user_id(shopper_client) is None

    def test_visitor_is_sent_away(self, client):
        assert client.get(LOGOUT).status_code == 302


class TestSignup:
    DATA = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password1": "a-long-and-unusual-pass",
        "password2": "a-long-and-unusual-pass",
    }

    def test_form_has_the_seeds_fields(self, client):
        html = client.get(REGISTER).text
        for name in ("username", "email", "password1", "password2"):
            assert f'name="{name}"' in html
        assert 'action="/users/user/register/"' in html

    def test_signs_up_logs_in_and_goes_back_to_next(self, client):
        response = client.post(REGISTER, {**self.DATA, "next": "/market/"})
        assert response.status_code == 302
        assert response["Location"] == "/market/"
        user = get_user_model().objects.get(username="newbie")
        assert logged_in_user_id(client) == str(user.pk)
        assert user.cart is not None
        assert Profile.objects.filter(user=user).exists()

    def test_sends_a_confirmation_email(self, client):
        client.post(REGISTER, self.DATA)
        assert [message.to for message in mail.outbox] == [["newbie@example.com"]]

    def test_an_address_already_registered_is_not_revealed(self, client, shopper):
        """Sign-up answers alike whether the address is somebody's or nobody's (it said "already
        registered" before, while the password reset page says nothing): the new account is
        made and logged in, and the address's owner gets an email about it instead."""
        shopper.emailaddress_set.create(email=shopper.email, verified=True, primary=True)
        fresh = Client().post(REGISTER, {**self.DATA, "username": "fresh", "email": "f@x.ru"})
        taken = client.post(REGISTER, {**self.DATA, "email": "Shopper@Example.com"}, headers=EN)
        assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
        assert (taken.status_code, taken["Location"]) == (302, "/")
        newbie = get_user_model().objects.get(username="newbie")
        assert logged_in_user_id(client) == str(newbie.pk)
        assert ["shopper@example.com"] in [message.to for message in mail.outbox]
        # The owner's account is untouched and still theirs, by username or by address.
        client.post(LOGOUT)
        client.post(LOGIN, {"login": "shopper@example.com", "password": PASSWORD})
        assert logged_in_user_id(client) == str(shopper.pk)
        assert not EmailAddress.objects.filter(user=newbie, verified=True).exists()

    def test_invalid_data_shows_errors_on_the_fields(self, client, shopper):
        data = {**self.DATA, "username": "shopper", "password2": "something-else"}
        response = client.post(REGISTER, data, headers=EN)
        assert response.status_code == 200
        assert "is-invalid" in response.text
        assert "A user with that username already exists." in response.text
        assert not get_user_model().objects.filter(email="newbie@example.com").exists()


class TestEmailLength:
    """An address longer than the 254 characters its column holds is refused at the field.
    allauth's forms set no limit: sign-up cut such an address short and saved a different one
    (…@x.ru became …@x.r), and adding one on the email page failed on PostgreSQL (a 500)."""

    LONG = "x" * 250 + "@x.ru"  # 255 characters, valid in every other way
    LONGEST = "x" * 249 + "@x.ru"

    def sign_up(self, client, email):
        data = {**TestSignup.DATA, "email": email}
        return client.post(REGISTER, data, headers=EN)

    def test_sign_up_refuses_it(self, client):
        response = self.sign_up(client, self.LONG)
        assert response.status_code == 200
        assert "Ensure this value has at most 254 characters (it has 255)." in response.text
        assert not get_user_model().objects.filter(username="newbie").exists()

    def test_sign_up_takes_the_longest_whole(self, client):
        assert self.sign_up(client, self.LONGEST).status_code == 302
        assert get_user_model().objects.get(username="newbie").email == self.LONGEST

    def test_the_email_page_refuses_it(self, shopper_client, shopper):
        response = shopper_client.post(
            "/users/user/email/", {"email": self.LONG, "action_add": ""}, headers=EN
        )
        assert response.status_code == 200
        assert "Ensure this value has at most 254 characters (it has 255)." in response.text
        assert not EmailAddress.objects.filter(email__startswith="xxx").exists()

    def test_the_email_page_takes_the_longest(self, shopper_client, shopper):
        shopper_client.post("/users/user/email/", {"email": self.LONGEST, "action_add": ""})
        assert EmailAddress.objects.filter(user=shopper, email=self.LONGEST).exists()

    def test_the_fields_say_so_to_the_browser(self, shopper_client):
        assert 'maxlength="254"' in shopper_client.get("/users/user/email/").text
        shopper_client.logout()
        assert 'maxlength="254"' in shopper_client.get(REGISTER).text
