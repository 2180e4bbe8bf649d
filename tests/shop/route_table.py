"""Who may do what on every route (SPEC §2–3): the table that test_permission_matrix.py walks.

Each entry is a path as the SPEC writes it, its placeholders filled from the test's `World`
({product}, {category}, {cart}, {user}, {profile} and {order}, all the shopper's, and
{image}, a picture of the product), with,
for each method the route accepts, the answer each role gets:

    visitor  not logged in
    shopper  logged in, owns the cart, account and profile the path names
    other    logged in, owns nothing the path names ("another's cart answers 404")
    staff    is_staff

An answer is a status code, LOGIN (302 to the login page with `next` = the path) or
Redirect("/where/"). Bodies of changes are valid, so that an allowed role shows the success
code and a refused one can't be told apart from a bad request. A body that holds something
bound to the user sending it (a checkout token) takes the role too: `def body(world, role)`.

Adding a route:
1. add a line such as `"/users/profile/{profile}/": Route({"GET": owner_or_staff(200), "PUT":
   owner_or_staff(303, body=profile_form)})` to SHOP_ROUTES (or THIRD_PARTY_ROUTES for a
   package's own view);
2. the matrix then checks every role and method, that a visitor sent with htmx gets HX-Redirect,
   that a change without a CSRF token is refused, that unlisted methods answer 405, and that the
   path works without its trailing slash.
A route in the URLconf that no entry reaches fails test_every_route_is_in_the_table.
"""

import inspect
from dataclasses import dataclass

from tests.factories import PASSWORD
from tests.pictures import upload

ROLES = ("visitor", "shopper", "other", "staff")
METHODS = ("GET", "POST", "PUT", "DELETE")
LOGIN = "login"  # 302 to the login page with next=<the path>


@dataclass(frozen=True)
class Redirect:
    to: str


@dataclass(frozen=True)
class Case:
    """The answer of one method of one route, for each role; `body(world)` is what a change
    sends."""

    answers: dict
    body: object = None

    def data(self, world, role):
        if not self.body:
            return {}
        if len(inspect.signature(self.body).parameters) == 2:
            return self.body(world, role)
        return self.body(world)


def answers(visitor, shopper, other, staff, body=None):
    return Case({"visitor": visitor, "shopper": shopper, "other": other, "staff": staff}, body)


def everyone(answer, body=None):
    return answers(answer, answer, answer, answer, body)


def logged_in(answer, body=None):
    return answers(LOGIN, answer, answer, answer, body)


def staff_only(answer, body=None):
    return answers(LOGIN, 403, 403, answer, body)


def owner_or_staff(answer, body=None):
    return answers(LOGIN, answer, 404, answer, body)


@dataclass(frozen=True)
class Route:
    cases: dict  # method -> Case
    # The shop's own views answer 405 to any other method; a package's view may accept more
    # (Django's FormView treats PUT as POST), which is its business, so it isn't checked.
    others_refused: bool = True


# --- Bodies of valid changes -------------------------------------------------------------------


def product_form(world):
    return {
        "name": "Matrix kettle",
        "price": "10.00",
        "description": "",
        "stock": "3",
        "category": world.category.pk,
    }


def pictures_form(world):
    return {"images": [upload(name="matrix.jpg")]}  # a new file each time: a request reads it


def category_form(world):
    return {"name": "Matrix category", "parent": ""}


def cart_form(world):
    return {"product": world.product.pk, "quantity": "1", "mode": "add"}


def login_form(world):
    return {"login": "shopper", "password": PASSWORD}


def signup_form(world):
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": "a-long-secret-phrase-42",
        "password2": "a-long-secret-phrase-42",
    }


def language_form(world):
    return {"language": "en", "next": "/"}


def profile_create_form(world):
    return {"user": world.newcomer.pk}  # staff name whose; anyone else creates their own


def profile_form(world):
    return {"first_name": "Анна", "last_name": "Смирнова"}


def account_delete_form(world):
    return {"password": PASSWORD}  # the owner confirms; staff need none (it is ignored)


def order_form(world, role):
    """A valid checkout of the role's own cart (every user of the World has one line)."""
    return {
        "name": "Анна Иванова",
        "email": "anna@example.com",
        "phone": "+7 912 345-67-89",
        "delivery": "pickup",
        "address": "",
        "comment": "",
        "payment": "on_delivery",
        "token": world.checkout_token(role),
        "total": f"{world.product.price:.2f}",
    }


def order_status_form(world):
    return {"status": "confirmed", "paid": "1"}


HOME = Redirect("/")

# --- The shop's own routes ---------------------------------------------------------------------

SHOP_ROUTES = {
    "/": Route({"GET": everyone(200)}),
    "/healthz": Route({"GET": everyone(200)}),
    "/robots.txt": Route({"GET": everyone(200)}),
    "/market/products/": Route({"GET": everyone(200), "POST": staff_only(303, body=product_form)}),
    "/market/products/new/": Route({"GET": staff_only(200)}),
    "/market/products/{product}/": Route(
        {
            "GET": everyone(200),
            "PUT": staff_only(303, body=product_form),
            "DELETE": staff_only(303),
        }
    ),
    "/market/products/{product}/edit/": Route({"GET": staff_only(200)}),
    "/market/products/{product}/delete/": Route({"GET": staff_only(200)}),
    "/market/products/{product}/images/": Route({"POST": staff_only(303, body=pictures_form)}),
    "/market/products/{product}/images/{image}/": Route(
        {"PUT": staff_only(303), "DELETE": staff_only(303)}
    ),
    "/market/category/": Route({"GET": everyone(200), "POST": staff_only(303, body=category_form)}),
    "/market/category/new/": Route({"GET": staff_only(200)}),
    "/market/category/{category}/": Route(
        {"GET": everyone(200), "PUT": staff_only(303, body=category_form)}
    ),
    "/market/category/{category}/edit/": Route({"GET": staff_only(200)}),
    # Everyone logged in has a cart of their own here (staff: the list of all carts).
    "/market/cart/": Route({"GET": logged_in(200)}),
    "/market/cart/{cart}/": Route(
        {"GET": owner_or_staff(200), "PUT": owner_or_staff(303, body=cart_form)}
    ),
    "/market/export/product": Route({"GET": staff_only(200)}),
    # Anyone logged in is sent (302) to their own profile; staff get the list of all of them.
    "/users/profile/": Route(
        {
            "GET": answers(LOGIN, 302, 302, 200),
            "POST": logged_in(303, body=profile_create_form),
        }
    ),
    "/users/profile/me/": Route({"GET": logged_in(302)}),
    "/users/profile/{profile}/": Route(
        {
            "GET": owner_or_staff(200),
            "PUT": owner_or_staff(303, body=profile_form),
            "DELETE": owner_or_staff(303),
        }
    ),
    "/users/profile/{profile}/edit/": Route({"GET": owner_or_staff(200)}),
    "/users/user/delete/{user}/": Route(
        {"GET": owner_or_staff(200), "DELETE": owner_or_staff(303, body=account_delete_form)}
    ),
    "/users/user/deleto/{user}/": Route(
        {"GET": owner_or_staff(200), "DELETE": owner_or_staff(303, body=account_delete_form)}
    ),
    "/history/": Route({"GET": staff_only(200)}),
    # Everyone logged in checks out their own cart (staff too) and lists their orders (staff:
    # all of them).
    "/orders/": Route({"GET": logged_in(200), "POST": logged_in(303, body=order_form)}),
    "/orders/checkout/": Route({"GET": logged_in(200)}),
    "/orders/{order}/": Route(
        {"GET": owner_or_staff(200), "PUT": staff_only(303, body=order_status_form)}
    ),
    # The SPEC's paths without a trailing slash (the slash form is served too).
    "/orders/{order}/cancel": Route({"POST": owner_or_staff(303)}),
    "/orders/export": Route({"GET": staff_only(200)}),
}

# --- Packages' routes: django-allauth (its own codes, SPEC §3) and Django's set_language -------

THIRD_PARTY_ROUTES = {
    "/users/user/login/": Route(
        {
            "GET": answers(200, HOME, HOME, HOME),
            "POST": everyone(HOME, body=login_form),
        },
        others_refused=False,
    ),
    "/users/user/register/": Route(
        {
            "GET": answers(200, HOME, HOME, HOME),
            "POST": everyone(HOME, body=signup_form),
        },
        others_refused=False,
    ),
    "/users/user/signup/": Route(  # allauth's own name for the same page
        {"GET": answers(200, HOME, HOME, HOME)}, others_refused=False
    ),
    "/users/user/logout/": Route(
        {"GET": answers(HOME, 200, 200, 200), "POST": everyone(HOME)}, others_refused=False
    ),
    "/users/user/inactive/": Route({"GET": everyone(200)}, others_refused=False),
    "/users/user/reauthenticate/": Route({"GET": logged_in(200)}, others_refused=False),
    "/users/user/reauthenticate/code/": Route(  # codes are off: back to the password
        {"GET": logged_in(Redirect("/users/user/reauthenticate/"))}, others_refused=False
    ),
    "/users/user/reauthenticate/code/confirm/": Route(
        {"GET": logged_in(Redirect("/users/user/reauthenticate/code/"))}, others_refused=False
    ),
    "/users/user/login/code/confirm/": Route(  # login codes are off
        {"GET": answers(Redirect("/users/user/login/"), HOME, HOME, HOME)},
        others_refused=False,
    ),
    "/users/user/email/": Route({"GET": logged_in(200)}, others_refused=False),
    "/users/user/confirm-email/": Route({"GET": everyone(200)}, others_refused=False),
    "/users/user/confirm-email/{key}/": Route({"GET": everyone(200)}, others_refused=False),
    "/users/user/password/change/": Route({"GET": logged_in(200)}, others_refused=False),
    "/users/user/password/set/": Route(  # they have one: change it instead
        {"GET": logged_in(Redirect("/users/user/password/change/"))}, others_refused=False
    ),
    "/users/user/password/reset/": Route({"GET": everyone(200)}, others_refused=False),
    "/users/user/password/reset/done/": Route({"GET": everyone(200)}, others_refused=False),
    "/users/user/password/reset/key/{uidb36}-{key}/": Route(
        {"GET": everyone(200)}, others_refused=False
    ),
    "/users/user/password/reset/key/done/": Route({"GET": everyone(200)}, others_refused=False),
    "/i18n/setlang/": Route(
        {"GET": everyone(HOME), "POST": everyone(HOME, body=language_form)},
        others_refused=False,
    ),
}

ROUTES = {**SHOP_ROUTES, **THIRD_PARTY_ROUTES}

# The admin has its own login and permissions; test_permission_matrix checks that nobody but
# staff gets in, once for every model's pages, instead of listing its hundred routes here.
COVERED_ELSEWHERE = ("admin/", "^media/")  # media: tests/market/test_pictures.py (TestMedia)
