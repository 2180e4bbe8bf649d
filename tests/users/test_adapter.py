"""apps/users/adapter.py: allauth's flows with the shop's own address in every email, and one
budget of failed logins per account, whatever the host and whichever name is typed."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/users/user/login/"
RESET = "/users/user/password/reset/"
REGISTER = "/users/user/register/"
EN = {"Accept-Language": "en"}
SITE = "https://shop.example.com"
REFUSED = "Too many failed login attempts. Try again later."


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def links(message):
    return re.findall(r"https?://[^\s\"<>]+", message.body)


class TestOneBudgetPerAccount:
    def test_the_limit_counts_per_account_whatever_the_host_and_port(self, client, shopper):
        """allauth keyed it by the request's Host, port included: each new port gave an
        attacker five more guesses at the same account."""
        for port in range(1, 6):
            client.post(
                LOGIN, {"login": "shopper", "password": "wrong"}, HTTP_HOST=f"127.0.0.1:{port}"
            )
        response = client.post(
            LOGIN, {"login": "shopper", "password": PASSWORD}, headers=EN, HTTP_HOST="localhost:9"
        )
        assert REFUSED in response.text
        assert logged_in_user_id(client) is None

    @pytest.mark.parametrize("right", ["shopper", "shopper@example.com", "SHOPPER"])
    def test_username_and_email_spend_one_budget(self, client, shopper, right):
        for login in (
            "shopper",
            "Shopper@Example.com",
            "shopper",
            "SHOPPER",
            "shopper@example.com",
        ):
            client.post(LOGIN, {"login": login, "password": "wrong"})
        response = client.post(LOGIN, {"login": right, "password": PASSWORD}, headers=EN)
        assert REFUSED in response.text
        assert logged_in_user_id(client) is None

    def test_an_added_email_address_is_the_same_account(self, client, shopper):
        shopper.emailaddress_set.create(email="second@example.com", verified=True)
        for _ in range(5):
            client.post(LOGIN, {"login": "second@example.com", "password": "wrong"})
        response = client.post(LOGIN, {"login": "shopper", "password": PASSWORD}, headers=EN)
        assert REFUSED in response.text

    def test_other_accounts_keep_their_budget(self, client, shopper, make_user):
        make_user("anna")
        for _ in range(5):
            client.post(LOGIN, {"login": "shopper", "password": "wrong"})
        client.post(LOGIN, {"login": "anna@example.com", "password": PASSWORD})
        assert logged_in_user_id(client) is not None

    def test_the_count_outlives_many_other_clients_in_the_cache(self, client, shopper):
        """The cache without Redis is the database's; with Django's default of 300 entries it
        culled a third of them (the account's count among them) as soon as a few hundred
        other clients' counts came in, and the right password got in again."""
        for _ in range(5):
            client.post(LOGIN, {"login": "shopper", "password": "wrong"})
        cache.set_many({f"zz-other-client-{n}": [1.0] for n in range(400)}, 300)
        cache.set("zz-one-more", [1.0], 300)  # the write that would cull
        response = client.post(LOGIN, {"login": "shopper", "password": PASSWORD}, headers=EN)
        assert REFUSED in response.text

    def test_a_successful_login_gives_the_budget_back(self, client, shopper):
        for _ in range(4):
            client.post(LOGIN, {"login": "shopper", "password": "wrong"})
        client.post(LOGIN, {"login": "shopper", "password": PASSWORD})
        client.post("/users/user/logout/")
        for _ in range(4):
            client.post(LOGIN, {"login": "shopper@example.com", "password": "wrong"})
        client.post(LOGIN, {"login": "shopper", "password": PASSWORD})
        assert logged_in_user_id(client) == str(shopper.pk)

    def test_a_password_reset_opens_the_budget_again(self, client, shopper):
        for _ in range(5):
            client.post(LOGIN, {"login": "shopper", "password": "wrong"})
        client.post(RESET, {"email": "shopper@example.com"})
        [link] = [url for url in links(mail.outbox[-1]) if "/password/reset/key/" in url]
        path = link.split("://", 1)[1].split("/", 1)[1]
        form_page = client.get("/" + path, follow=True)
        new = "a-brand-new-long-password"
        client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
        client.post(LOGIN, {"login": "shopper", "password": new})
        assert logged_in_user_id(client) == str(shopper.pk)


class TestEmailsUseTheShopsAddress:
    """The links (and the site named) in allauth's emails come from DJANGO_SITE_URL, never from
    the Host header, which a client chooses among the allowed hosts, with any port."""

    @pytest.fixture(autouse=True)
    def _shops_address(self, settings):
        settings.SITE_URL = SITE

    HOST = {"HTTP_HOST": "127.0.0.1:6666"}

    def assert_only_the_shops_address(self, message):
        assert links(message), message.body
        for url in links(message):
            assert url.startswith(SITE + "/users/user/"), url
        assert "6666" not in message.body
        assert "6666" not in message.subject
        assert "shop.example.com" in message.subject

    def test_password_reset(self, client, shopper):
        client.post(RESET, {"email": "shopper@example.com"}, **self.HOST)
        [message] = mail.outbox
        self.assert_only_the_shops_address(message)
        assert any("/password/reset/key/" in url for url in links(message))

    def test_password_reset_for_an_unknown_address(self, client, db):
        client.post(RESET, {"email": "nobody@example.com"}, **self.HOST)
        [message] = mail.outbox
        self.assert_only_the_shops_address(message)

    def test_address_confirmation_after_sign_up(self, client, db):
        data = {"username": "newbie", "email": "newbie@example.com"}
        data.update(password1="a-long-and-unusual-pass", password2="a-long-and-unusual-pass")
        client.post(REGISTER, data, **self.HOST)
        [message] = mail.outbox
        self.assert_only_the_shops_address(message)
        assert any("/confirm-email/" in url for url in links(message))
