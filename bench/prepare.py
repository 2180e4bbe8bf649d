"""Seed the benchmark database; prints what the load generator needs as JSON.

Run by bench/run.py with the benchmark's environment: `python -m bench.prepare <products>`.
Nobody is logged in here: run.py logs the shopper, the staff member and the buyers in through the
login form of the running shop, as a browser would.
"""

import json
import sys

import django
from django.db import connection

django.setup()

from apps.market import cache  # noqa: E402
from apps.market.models import Category, Product  # noqa: E402
from bench.seed import PASSWORD, seed, seed_orders  # noqa: E402


def main():
    cache.clear()  # pages of an earlier run's catalogue must not be served for this one
    shopper, staff, product, category = seed(products=int(sys.argv[1]))
    edited = Product.objects.order_by("-pk").first()  # by staff during the run
    buyers, endless = seed_orders(shopper)
    if connection.vendor == "postgresql":
        # What autovacuum does to a shop's tables in time: the planner's statistics of the new
        # rows (without them it sorts a whole table where an index has the order) and the
        # visibility map that lets it read a page's ids from an index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        json.dumps(
            {
                "product": product.pk,
                "edited": {
                    "url": edited.get_absolute_url(),
                    "name": edited.name,
                    "price": str(edited.price),
                    "description": edited.description,
                    "category": edited.category_id,
                },
                "category": category.pk,
                "categories": list(Category.objects.order_by("pk").values_list("pk", flat=True)),
                "cart": shopper.cart.pk,
                "badge": sum(line.quantity for line in shopper.cart.items.all()),
                "shopper": shopper.get_username(),
                "staff": staff.get_username(),
                "password": PASSWORD,
                "checkout": {
                    "product": endless.pk,
                    "buyers": [
                        {"username": buyer.get_username(), "cart": buyer.cart.pk}
                        for buyer in buyers
                    ],
                },
            }
        )
    )


if __name__ == "__main__":
    main()
