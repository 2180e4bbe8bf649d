"""Account deletion at /users/user/delete/<id> and the seed's /users/user/deleto/<id> (SPEC §3,
issue 4): the user with their password, staff without one but never a superuser's account."""

import pytest
from django.contrib.auth import get_user_model
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from apps.market.models import CartItem
from apps.users.models import Profile
from tests.factories import PASSWORD, make_product

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
FORM = "application/x-www-form-urlencoded"
SPELLINGS = ["delete", "deleto"]


def url(user, spelling="delete", slash=True):
    return f"/users/user/{spelling}/{user.pk}" + ("/" if slash else "")


def exists(user):
    return get_user_model().objects.filter(pk=user.pk).exists()


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


class TestConfirmationPage:
    @pytest.mark.parametrize("spelling", SPELLINGS)
    def test_shows_what_will_be_lost_and_asks_for_the_password(
        self, shopper_client, shopper, spelling
    ):
        CartItem.objects.create(cart=shopper.cart, product=make_product(), quantity=2)
        response = shopper_client.get(url(shopper, spelling), headers=EN)
        assert response.status_code == 200
        html = response.text
        assert "the profile (Анна Иванова)" in html
        assert "the cart with 1 product" in html
        assert "shopper@example.com" in html
        assert 'name="password"' in html
        assert 'type="password"' in html

    def test_the_form_deletes_with_htmx_after_asking_or_posts_method_delete(
        self, shopper_client, shopper
    ):
        html = shopper_client.get(url(shopper)).text
        assert f'hx-delete="{url(shopper)}"' in html
        assert "hx-confirm=" in html
        assert 'name="_method" value="DELETE"' in html

    @pytest.mark.parametrize("spelling", SPELLINGS)
    def test_get_without_trailing_slash_redirects(self, shopper_client, shopper, spelling):
        response = shopper_client.get(url(shopper, spelling, slash=False))
        assert response.status_code == 301
        assert response["Location"] == url(shopper, spelling)

    def test_staff_deleting_another_account_are_not_asked_for_a_password(
        self, staff_client, shopper
    ):
        response = staff_client.get(url(shopper))
        assert response.status_code == 200
        assert 'name="password"' not in response.text

    def test_staff_deleting_their_own_account_are(self, staff_client, staff):
        assert 'name="password"' in staff_client.get(url(staff)).text


class TestOwnAccount:
    @pytest.mark.parametrize("spelling", SPELLINGS)
    @pytest.mark.parametrize("slash", [True, False])
    def test_post_with_method_delete_deletes_logs_out_and_goes_home(
        self, shopper_client, shopper, spelling, slash
    ):
        response = shopper_client.post(
            url(shopper, spelling, slash), {"_method": "DELETE", "password": PASSWORD}
        )
        assert response.status_code == 303
        assert response["Location"] == "/"
        assert not exists(shopper)
        assert logged_in_user_id(shopper_client) is None

    @pytest.mark.parametrize("spelling", SPELLINGS)
    def test_htmx_delete_gets_hx_redirect_home(self, shopper_client, shopper, htmx, spelling):
        body = f"password={PASSWORD}"
        response = shopper_client.delete(url(shopper, spelling), body, FORM, headers=htmx)
        assert response.status_code == 200
        assert response["HX-Redirect"] == "/"
        assert not exists(shopper)

    def test_the_front_page_says_goodbye(self, shopper_client, shopper):
        response = shopper_client.post(
            url(shopper), {"_method": "DELETE", "password": PASSWORD}, follow=True, headers=EN
        )
        assert response.request["PATH_INFO"] == "/"
        assert "Your account has been deleted." in response.text
        assert "Log in" in response.text

    def test_the_profile_cart_and_lines_go_with_it(self, shopper_client, shopper):
        CartItem.objects.create(cart=shopper.cart, product=make_product(), quantity=2)
        shopper_client.post(url(shopper), {"_method": "DELETE", "password": PASSWORD})
        assert not Profile.objects.exists()
        assert not CartItem.objects.exists()

    @pytest.mark.parametrize("password", ["wrong", "", PASSWORD.upper(), "x" * 5000, "a\x00b"])
    def test_a_wrong_password_is_refused_and_nothing_is_lost(
        self, shopper_client, shopper, password
    ):
        response = shopper_client.post(
            url(shopper), {"_method": "DELETE", "password": password}, headers=EN
        )
        assert response.status_code == 422
        assert "is-invalid" in response.text
        assert exists(shopper)
        assert Profile.objects.filter(user=shopper).exists()
        assert logged_in_user_id(shopper_client) == str(shopper.pk)

    def test_htmx_gets_the_form_back_with_the_error(self, shopper_client, shopper, htmx):
        response = shopper_client.delete(
            url(shopper), "password=wrong", FORM, headers={**EN, **htmx}
        )
        assert response.status_code == 422
        assert "<html" not in response.text
        assert response.text.lstrip().startswith('<form id="account-delete-form"')
        assert "The password is not correct." in response.text
        assert exists(shopper)

    def test_guessing_the_password_is_rate_limited(self, shopper_client, shopper):
        for _ in range(10):
            shopper_client.delete(url(shopper), "password=wrong", FORM)
        response = shopper_client.delete(url(shopper), f"password={PASSWORD}", FORM, headers=EN)
        assert response.status_code == 422
        assert "Too many attempts" in response.text
        assert exists(shopper)

    def test_staff_deleting_their_own_account_need_the_password(self, staff_client, staff):
        response = staff_client.delete(url(staff), "", FORM)
        assert response.status_code == 422
        assert exists(staff)
        staff_client.delete(url(staff), f"password={PASSWORD}", FORM)
        assert not exists(staff)

    def test_a_post_without_method_override_is_not_allowed(self, shopper_client, shopper):
        response = shopper_client.post(url(shopper), {"password": PASSWORD})
        assert response.status_code == 405
        assert exists(shopper)

    def test_a_delete_needs_the_csrf_token(self, shopper):
        client = Client(enforce_csrf_checks=True)
        client.force_login(shopper)
        request = RequestFactory().get("/")
        token = get_token(request)
        client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
        assert client.delete(url(shopper), f"password={PASSWORD}", FORM).status_code == 403
        assert exists(shopper)
        response = client.delete(
            url(shopper), f"password={PASSWORD}", FORM, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 303
        assert not exists(shopper)


class TestSomeoneElsesAccount:
    @pytest.mark.parametrize("spelling", SPELLINGS)
    def test_another_shopper_gets_404_and_nothing_is_lost(
        self, client, shopper, other_shopper, spelling
    ):
        client.force_login(other_shopper)
        assert client.get(url(shopper, spelling)).status_code == 404
        response = client.delete(url(shopper, spelling), f"password={PASSWORD}", FORM)
        assert response.status_code == 404
        assert exists(shopper)

    @pytest.mark.parametrize("pk", ["999999", "9" * 30])
    def test_an_unknown_account_is_404(self, staff_client, pk):
        assert staff_client.get(f"/users/user/delete/{pk}/").status_code == 404
        assert staff_client.delete(f"/users/user/delete/{pk}/").status_code == 404

    @pytest.mark.parametrize("spelling", SPELLINGS)
    def test_staff_delete_it_without_a_password(self, staff_client, shopper, spelling):
        response = staff_client.delete(url(shopper, spelling))
        assert response.status_code == 303
        assert response["Location"] == "/users/profile/"
        assert not exists(shopper)
        assert logged_in_user_id(staff_client) is not None

    def test_staff_deleting_with_htmx_get_hx_redirect_to_the_profiles(
        self, staff_client, shopper, htmx
    ):
        response = staff_client.delete(url(shopper), headers=htmx)
        assert response["HX-Redirect"] == "/users/profile/"
        assert not exists(shopper)

    def test_staff_may_delete_other_staff(self, staff_client, make_user):
        colleague = make_user("colleague", is_staff=True)
        staff_client.delete(url(colleague))
        assert not exists(colleague)

    @pytest.mark.parametrize("spelling", SPELLINGS)
    def test_staff_can_never_delete_a_superuser(self, staff_client, superuser, spelling):
        assert staff_client.get(url(superuser, spelling)).status_code == 403
        response = staff_client.delete(url(superuser, spelling), f"password={PASSWORD}", FORM)
        assert response.status_code == 403
        assert exists(superuser)

    def test_nor_can_another_superuser(self, client, superuser, make_user):
        client.force_login(make_user("root2", is_staff=True, is_superuser=True))
        assert client.delete(url(superuser)).status_code == 403
        assert exists(superuser)

    def test_a_superuser_may_delete_their_own_account_with_the_password(self, client, superuser):
        client.force_login(superuser)
        client.delete(url(superuser), f"password={PASSWORD}", FORM)
        assert not exists(superuser)

    def test_the_profile_page_links_no_superuser_deletion_for_staff(self, staff_client, superuser):
        html = staff_client.get(f"/users/profile/{superuser.profile.pk}/").text
        assert url(superuser) not in html


class TestVisitor:
    @pytest.mark.parametrize("spelling", SPELLINGS)
    def test_is_sent_to_log_in(self, client, shopper, spelling):
        response = client.get(url(shopper, spelling))
        assert response.status_code == 302
        assert response["Location"] == f"/users/user/login/?next={url(shopper, spelling)}"

    def test_htmx_delete_is_sent_to_log_in_and_deletes_nothing(self, client, shopper, htmx):
        response = client.delete(url(shopper), f"password={PASSWORD}", FORM, headers=htmx)
        assert response["HX-Redirect"].startswith("/users/user/login/?next=")
        assert exists(shopper)
