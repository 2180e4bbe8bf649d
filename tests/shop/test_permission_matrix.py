"""The permission matrix (SPEC §2–3): every route of the URLconf × visitor, shopper, another
shopper and staff × every method it accepts, against the table in route_table.py.

Also for every route: a visitor sent by htmx gets HX-Redirect instead of a 302, a change without
a CSRF token is refused and changes nothing, a method the route doesn't take answers 405, and the
path works without its trailing slash. A route that the table lacks fails the first test.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse

from apps.market import pictures
from apps.market.models import CartItem, Category, Product, ProductImage
from apps.orders.models import Order, issue_token
from tests.factories import make_category, make_product
from tests.orders.factories import place_order
from tests.pictures import upload
from tests.shop.route_table import (
    COVERED_ELSEWHERE,
    LOGIN,
    METHODS,
    ROLES,
    ROUTES,
    Redirect,
)

FORM = "application/x-www-form-urlencoded"
CHANGES = ("POST", "PUT", "DELETE")


@dataclass
class World:
    """What the paths name: the shopper owns the cart, account and profile; `other` owns nothing
    here; `newcomer` has no profile yet (for staff to create one)."""

    shopper: object
    other: object
    staff: object
    newcomer: object
    category: object
    product: object
    order: object
    image: object

    def path(self, template):
        return fill(
            template,
            product=self.product.pk,
            category=self.category.pk,
            cart=self.shopper.cart.pk,
            user=self.shopper.pk,
            profile=self.shopper.profile.pk if "{profile}" in template else 0,
            order=self.order.pk,
            image=self.image.pk,
        )

    def user(self, role):
        return {"visitor": None, "shopper": self.shopper, "other": self.other}.get(role, self.staff)

    def checkout_token(self, role):
        return issue_token(self.user(role) or self.shopper)


def fill(template, **ids):
    values = {"product": 1, "category": 1, "cart": 1, "user": 1, "profile": 1, "order": 1}
    values["image"] = 1
    values.update(ids)
    return template.format(key="not-a-real-key", uidb36="1", **values)


@pytest.fixture
def world(shopper, other_shopper, staff, make_user):
    root = make_category("Кухня")
    child = make_category("Чайники", parent=root)
    product = make_product(child, "Чайник", "1990.00", stock=5)
    order = place_order(shopper, {make_product(child, "Кружка", "350.00", stock=5): 1})
    for user in (shopper, other_shopper, staff):  # each can check out
        CartItem.objects.create(cart=user.cart, product=product, quantity=1)
    newcomer = make_user("profileless")
    newcomer.profile.delete()
    image = ProductImage.objects.add(product, [pictures.read(upload())])[0]
    return World(shopper, other_shopper, staff, newcomer, root, product, order, image)


def client_as(world, role, **options):
    client = Client(**options)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client


def send(client, method, path, data=None, headers=None):
    data, headers = data or {}, headers or {}
    for value in data.values():  # files (pictures) are read anew by each request that sends them
        for file in value if isinstance(value, list) else [value]:
            if hasattr(file, "seek"):
                file.seek(0)
    if method == "GET":
        return client.get(path, headers=headers)
    if method == "POST":
        return client.post(path, data, headers=headers)
    return client.generic(method, path, urlencode(data), FORM, headers=headers)


def login_url(path):
    return f"{reverse('account_login')}?next={quote(path, safe='/')}"


def assert_answer(response, expected, path, world=None):
    where = f"{response.request['REQUEST_METHOD']} {path}"
    if expected == LOGIN:
        assert response.status_code == 302, where
        assert response["Location"] == login_url(path), where
    elif isinstance(expected, Redirect):
        assert response.status_code == 302, where
        to = world.path(expected.to) if world else expected.to
        assert urlsplit(response["Location"]).path == to, where
    else:
        assert response.status_code == expected, where


def cases(*, methods=METHODS):
    return [
        pytest.param(template, method, role, id=f"{method} {template} as {role}")
        for template, route in ROUTES.items()
        for method in route.cases
        if method in methods
        for role in ROLES
    ]


# --- The table covers the URLconf --------------------------------------------------------------


def url_routes(patterns=None, prefix=""):
    """Every route of the URLconf, written as Django's resolver writes `ResolverMatch.route`."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = URLResolver._join_route(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from url_routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_route_is_in_the_table():
    in_urlconf = {route for route in url_routes() if not route.startswith(COVERED_ELSEWHERE)}
    in_table = {resolve(fill(template)).route for template in ROUTES}
    missing = sorted(in_urlconf - in_table)
    assert not missing, f"routes with no line in tests/shop/route_table.py: {missing}"


@pytest.mark.parametrize("template", ROUTES)
def test_every_line_of_the_table_is_a_route(template):
    route = resolve(fill(template)).route
    assert not route.startswith(COVERED_ELSEWHERE)
    assert set(ROUTES[template].cases) <= set(METHODS)


# --- Each role, each method --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "method", "role"), cases())
def test_each_role_gets_the_answer_the_spec_gives(world, template, method, role):
    case = ROUTES[template].cases[method]
    path = world.path(template)
    response = send(client_as(world, role), method, path, case.data(world, role))
    assert_answer(response, case.answers[role], path, world)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "method"),
    [
        pytest.param(template, method, id=f"{method} {template}")
        for template, route in ROUTES.items()
        for method in route.cases
        if route.cases[method].answers["visitor"] == LOGIN
    ],
)
def test_a_visitor_sent_by_htmx_is_redirected_to_log_in_with_hx_redirect(
    world, template, method, htmx
):
    path = world.path(template)
    case = ROUTES[template].cases[method]
    response = send(client_as(world, "visitor"), method, path, case.data(world, "visitor"), htmx)
    assert response.status_code == 200
    assert response["HX-Redirect"] == login_url(path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "method"),
    [
        pytest.param(template, method, id=f"{method} {template}")
        for template, route in ROUTES.items()
        if route.others_refused
        for method in METHODS
        if method not in route.cases
    ],
)
def test_a_method_the_route_does_not_take_answers_405(world, template, method):
    response = send(client_as(world, "staff"), method, world.path(template))
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) >= set(ROUTES[template].cases)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template", [template for template in ROUTES if template.endswith("/") and template != "/"]
)
def test_every_path_answers_without_its_trailing_slash(world, template):
    path = world.path(template)
    client = client_as(world, "staff")
    response = client.get(path.rstrip("/"))
    assert response.status_code == 301
    assert response["Location"] == path
    for method, case in ROUTES[template].cases.items():
        if method in CHANGES:  # served directly: a redirect would lose the body
            response = send(client, method, path.rstrip("/"), case.data(world, "staff"))
            assert_answer(response, case.answers["staff"], path)


# --- CSRF --------------------------------------------------------------------------------------


def snapshot(client):
    """Everything a change on these routes could touch."""
    return (
        list(Product.objects.order_by("pk").values_list()),
        list(Category.objects.order_by("pk").values_list()),
        list(CartItem.objects.order_by("pk").values_list()),
        list(ProductImage.objects.order_by("pk").values_list()),
        list(Order.objects.order_by("pk").values_list()),
        list(get_user_model().objects.order_by("pk").values_list("pk", "username")),
        client.session.get("_auth_user_id"),
        client.cookies.get("django_language"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "method", "role"), cases(methods=CHANGES))
def test_a_change_without_a_csrf_token_is_refused(world, template, method, role):
    case = ROUTES[template].cases[method]
    path, data = world.path(template), case.data(world, role)
    client = client_as(world, role, enforce_csrf_checks=True)
    before = snapshot(client)

    # Refused; a visitor asking a page that needs a login is sent to log in, as for a GET.
    refusal = LOGIN if case.answers[role] == LOGIN else 403
    response = send(client, method, path, data)
    assert_answer(response, refusal, path)
    if method != "POST":  # the form's way to say PUT or DELETE
        response = send(client, "POST", path, {**data, "_method": method})
        assert_answer(response, refusal, path)
    assert snapshot(client) == before

    # With the token, the same request gets the answer of the table: the token was all it lacked.
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = send(client, method, path, data, headers={"X-CSRFToken": token})
    assert_answer(response, case.answers[role], path)


# --- The admin ---------------------------------------------------------------------------------


def admin_pages():
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        pages += [reverse("admin:{}_{}_changelist".format(*info))]
        pages += [reverse("admin:{}_{}_add".format(*info))]
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["visitor", "shopper", "other"])
def test_only_staff_enter_the_admin(world, role):
    client = client_as(world, role)
    for page in admin_pages():
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("admin:login")), page
    staff = client_as(world, "staff")
    assert staff.get(reverse("admin:index")).status_code == 200
