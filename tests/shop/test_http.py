"""The request plumbing of shop.http and shop.htmx (SPEC §3): verbs from HTML forms, bodies of
PUT and DELETE, optional trailing slashes, CSRF for every verb, login redirects, htmx messages."""

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

pytestmark = pytest.mark.urls("tests.shop.urls")

FORM = "application/x-www-form-urlencoded"


def test_post_with_method_put_becomes_put(client):
    response = client.post("/echo/", {"_method": "PUT", "name": "Чай"})
    assert response.json()["method"] == "PUT"
    assert response.json()["post"]["name"] == ["Чай"]


def test_post_with_method_delete_becomes_delete(client):
    response = client.post("/echo/", {"_method": "delete", "password": "secret"})
    assert response.json()["method"] == "DELETE"
    assert response.json()["post"]["password"] == ["secret"]


@pytest.mark.parametrize("override", ["GET", "PATCH", "TRACE", ""])
def test_post_with_other_method_stays_post(client, override):
    response = client.post("/echo/", {"_method": override})
    assert response.json()["method"] == "POST"


@pytest.mark.parametrize("method", ["put", "delete"])
def test_urlencoded_body_of_put_and_delete_reads_as_post(client, method):
    response = getattr(client, method)("/echo/", "quantity=3&mode=add&q=%D1%87%D0%B0%D0%B9", FORM)
    data = response.json()
    assert data["method"] == method.upper()
    assert data["post"] == {"quantity": ["3"], "mode": ["add"], "q": ["чай"]}


def test_multipart_body_of_put_reads_as_post(client):
    boundary = "BoUnDaRy"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="name"\r\n\r\n'
        "Lamp\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="photo"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
        "hello\r\n"
        f"--{boundary}--\r\n"
    )
    response = client.put("/echo/", body, f"multipart/form-data; boundary={boundary}")
    assert response.json()["post"] == {"name": ["Lamp"]}
    assert response.json()["files"] == ["photo"]


def test_broken_multipart_body_is_a_bad_request_not_an_error(client):
    response = client.put("/echo/", "garbage", "multipart/form-data; boundary=")
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_changes_are_served_without_trailing_slash(client, method):
    response = getattr(client, method)("/echo", "a=1", FORM)
    assert response.status_code == 200
    assert response.json()["path"] == "/echo/"
    assert response.json()["post"] == {"a": ["1"]}


def test_get_without_trailing_slash_redirects_to_slash_form(client):
    response = client.get("/echo?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/echo/?x=1"


def test_unknown_path_without_slash_is_still_404(client):
    assert client.post("/nowhere", {}).status_code == 404


class TestCsrf:
    """Every state change needs a valid token, in the form or in the X-CSRFToken header."""

    @pytest.fixture
    def csrf_client(self):
        client = Client(enforce_csrf_checks=True)
        request = RequestFactory().get("/")
        token = get_token(request)
        client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
        return client, token

    @pytest.mark.parametrize("method", ["post", "put", "delete"])
    def test_change_without_token_is_refused(self, csrf_client, method):
        client, _ = csrf_client
        assert getattr(client, method)("/echo/", "a=1", FORM).status_code == 403

    @pytest.mark.parametrize("method", ["post", "put", "delete"])
    def test_token_in_header_is_accepted(self, csrf_client, method):
        client, token = csrf_client
        response = getattr(client, method)("/echo/", "a=1", FORM, headers={"X-CSRFToken": token})
        assert response.status_code == 200

    @pytest.mark.parametrize("method", ["post", "put", "delete"])
    def test_token_in_form_body_is_accepted(self, csrf_client, method):
        client, token = csrf_client
        response = getattr(client, method)("/echo/", f"a=1&csrfmiddlewaretoken={token}", FORM)
        assert response.status_code == 200

    @pytest.mark.parametrize("verb", ["PUT", "DELETE"])
    def test_overridden_post_needs_the_token_too(self, csrf_client, verb):
        client, token = csrf_client
        assert client.post("/echo/", {"_method": verb}).status_code == 403
        response = client.post("/echo/", {"_method": verb, "csrfmiddlewaretoken": token})
        assert response.json()["method"] == verb

    def test_wrong_token_in_body_is_refused(self, csrf_client):
        client, _ = csrf_client
        response = client.put("/echo/", "csrfmiddlewaretoken=" + "x" * 64, FORM)
        assert response.status_code == 403


class TestLoginRedirect:
    def test_visitor_is_redirected_to_login_with_next(self, client):
        response = client.get("/private/")
        assert response.status_code == 302
        assert response["Location"] == "/users/user/login/?next=/private/"

    @pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
    def test_htmx_visitor_gets_hx_redirect_to_the_same_login_url(self, client, htmx, method):
        response = getattr(client, method)("/private/", headers=htmx)
        assert response.status_code == 200
        assert response["HX-Redirect"] == "/users/user/login/?next=/private/"

    def test_logged_in_user_passes(self, shopper_client, htmx):
        assert shopper_client.get("/private/", headers=htmx).status_code == 200


class TestHtmxResponses:
    def test_fragment_carries_pending_messages_as_escaped_oob_toasts(self, client, htmx):
        response = client.get("/fragment/", headers=htmx)
        content = response.content.decode()
        assert content.startswith("<p>fragment</p>")
        # It takes the place of the toast shown before: at most one at a time.
        assert 'id="toasts" hx-swap-oob="innerHTML"' in content
        assert "Saved &lt;everything&gt;" in content

    def test_messages_are_delivered_once(self, client, htmx):
        client.get("/fragment/", headers=htmx)
        response = client.get("/echo/", headers=htmx)
        assert "toast" not in response.content.decode()

    def test_leaving_page_keeps_messages_for_the_next_page(self, client, htmx):
        response = client.get("/leave/", headers=htmx)
        assert response.status_code == 200
        assert response["HX-Redirect"] == "/elsewhere/"
        assert "toast" not in response.content.decode()
        # The next full page (any page rendering the base template) shows it.
        assert [str(m) for m in response.wsgi_request._messages] == ["Moved on"]

    def test_leaving_page_without_htmx_is_303(self, client):
        response = client.post("/leave/")
        assert response.status_code == 303
        assert response["Location"] == "/elsewhere/"

    def test_responses_vary_on_hx_request(self, client):
        assert "HX-Request" in client.get("/echo/")["Vary"]


# --- Form bodies in another charset -------------------------------------------------------------


def every_route():
    from tests.shop.route_table import ROUTES
    from tests.shop.test_permission_matrix import fill

    return sorted(fill(template) for template in ROUTES)


@pytest.mark.urls("shop.urls")
@pytest.mark.django_db
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("charset", ["utf-16", "UTF-32", "latin-1", "cp1251"])
def test_a_form_declaring_another_charset_is_a_400_on_every_route(method, charset, staff):
    """Django refuses such a body with BadRequest, but its own error pages read the body again
    and failed: a 500 on any route that reads a form, the login page and the language
    switcher included. Every route now answers 400, to a visitor checked for CSRF and to
    staff alike."""
    visitor = Client(enforce_csrf_checks=True)
    staff_client = Client()
    staff_client.force_login(staff)
    body = "csrfmiddlewaretoken=x&login=a&password=b&language=en".encode(charset)
    for client in (visitor, staff_client):
        for path in every_route():
            response = client.generic(method, path, body, f"{FORM}; charset={charset}")
            assert response.status_code == 400, f"{method} {path}"
            assert "UTF-8" in response.text


@pytest.mark.urls("shop.urls")
@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8", "utf_8"])
def test_a_form_declaring_utf8_under_any_name_is_read(client, charset):
    response = client.post("/i18n/setlang/", "language=en&next=/", f"{FORM}; charset={charset}")
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


# --- Personal pages stay private ---------------------------------------------------------------


def assert_private(response, where):
    cache_control = response.get("Cache-Control", "")
    assert "private" in cache_control, where
    assert "no-store" in cache_control, where


@pytest.mark.urls("shop.urls")
@pytest.mark.django_db
def test_every_page_for_a_logged_in_user_is_private_and_not_stored(client, shopper, staff):
    """No shared proxy may keep a shopper's cart, profile or account pages, nor staff's
    history, carts, profiles and exports (they were sent with no Cache-Control at all); nor a
    catalogue page whose navbar names them."""
    client.force_login(shopper)
    profile = shopper.profile.pk
    pages = [
        "/market/cart/",
        f"/market/cart/{shopper.cart.pk}/",
        f"/users/profile/{profile}/",
        f"/users/profile/{profile}/edit/",
        f"/users/user/delete/{shopper.pk}/",
        "/users/user/email/",
        "/users/user/password/change/",
        "/users/user/logout/",
        "/market/products/",
        "/",
    ]
    for path in pages:
        response = client.get(path, headers={"HX-Request": "true"} if "edit" in path else {})
        assert response.status_code == 200, path
        assert_private(response, path)
    response = client.put(f"/users/profile/{profile}/", "first_name=A&last_name=B", FORM)
    assert_private(response, "PUT profile")
    client.force_login(staff)
    for path in ("/history/", "/market/cart/", "/users/profile/", "/market/export/product"):
        assert_private(client.get(path), path)


@pytest.mark.urls("shop.urls")
@pytest.mark.django_db
def test_account_pages_are_private_for_visitors_too(client):
    for path in ("/users/user/login/", "/users/user/register/", "/users/user/password/reset/"):
        assert_private(client.get(path), path)
    key_page = client.get("/users/user/password/reset/key/1-not-a-real-key/")
    assert_private(key_page, "reset key")


@pytest.mark.urls("shop.urls")
@pytest.mark.django_db
def test_visitors_catalogue_pages_are_not_marked_private(client):
    for path in ("/", "/market/products/", "/market/category/"):
        assert "private" not in client.get(path).get("Cache-Control", ""), path
