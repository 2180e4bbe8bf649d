"""Seed the benchmark database and log in its users; prints what the load generator needs as JSON.

Run by bench/run.py with the benchmark's environment: `python -m bench.prepare <products>`.
"""

import json
import sys

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from bench.seed import seed, seed_orders  # noqa: E402


def session_cookies(user, path):
    """A logged-in session for `user`, and a CSRF cookie from visiting `path`, as a Cookie header
    value plus the token for the X-CSRFToken header."""
    client = Client()
    client.force_login(user)
    client.get(path, headers={"host": "127.0.0.1"})
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return header, cookies.get("csrftoken", "")


def main():
    cache.clear()  # pages of an earlier run's catalogue must not be served for this one
    shopper, staff, product, category = seed(products=int(sys.argv[1]))
    cart = shopper.cart
    shopper_cookie, shopper_csrf = session_cookies(shopper, cart.get_absolute_url())
    staff_cookie, _ = session_cookies(staff, "/")
    buyers, endless = seed_orders(shopper)
    checkout = [
        {"cart": buyer.cart.pk, "cookie": cookie, "csrf": csrf}
        for buyer in buyers
        for cookie, csrf in [session_cookies(buyer, buyer.cart.get_absolute_url())]
    ]
    print(
        json.dumps(
            {
                "product": product.pk,
                "category": category.pk,
                "cart": cart.pk,
                "shopper_cookie": shopper_cookie,
                "shopper_csrf": shopper_csrf,
                "staff_cookie": staff_cookie,
                "checkout": {"product": endless.pk, "buyers": checkout},
            }
        )
    )


if __name__ == "__main__":
    main()
