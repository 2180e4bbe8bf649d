"""The authentication backend: django-allauth's (login by username or email), reading the user of a
logged-in request together with the navbar's cart badge.

Every page a shopper sees shows the badge, and the page cache (cache.py) needs the cart's last
change and item count for a cart page: one query by primary key brings the user and all of it,
from the database on every request like the user alone was, so nothing about either can be out of
date. The query is written in SQL: on a page served from the cache, the ORM compiling it (a join
and a subquery with a sum) cost more than all the rest of the request.
"""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connections, router

from .models import Cart, CartItem


def user_with_cart_badge(user_id):
    """The user with `badge_cart_id`, `badge_count` (units in the cart) and `badge_cart_updated`
    (its last change, as the database gives it); None and 0 without a cart. None if no user.

    Read with a plain cursor and made with `Model.from_db`, each column through the converters
    the ORM would apply (SQLite's booleans and dates): a RawQuerySet's bookkeeping cost more
    than the query's round trip."""
    users = get_user_model()
    alias = router.db_for_read(users)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(user_query(), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    names, converters = user_columns(alias)
    values = list(row[: len(names)])
    for position, expression, functions in converters:
        for function in functions:
            values[position] = function(values[position], expression, connection)
    user = users.from_db(alias, names, values)
    user.badge_cart_id, user.badge_cart_updated, user.badge_count = row[len(names) :]
    return user


@cache
def user_columns(alias):
    """The user's field names in the query's order, and the converters of those that have any."""
    connection = connections[alias]
    fields = get_user_model()._meta.concrete_fields
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((position, column, functions))
    return [field.attname for field in fields], converters


@cache
def user_query():
    users = get_user_model()
    columns = ", ".join(f"u.{field.column}" for field in users._meta.concrete_fields)
    return (  # noqa: S608  (names from the models, no input)
        "SELECT {columns}, c.{cart_id} AS badge_cart_id, c.{updated} AS badge_cart_updated,"
        " COALESCE((SELECT SUM(i.{quantity}) FROM {items} i WHERE i.{item_cart} = c.{cart_id}), 0)"
        " AS badge_count"
        " FROM {users} u LEFT JOIN {carts} c ON c.{owner} = u.{user_id} WHERE u.{user_id} = %s"
    ).format(
        columns=columns,
        users=users._meta.db_table,
        user_id=users._meta.pk.column,
        carts=Cart._meta.db_table,
        cart_id=Cart._meta.pk.column,
        owner=Cart._meta.get_field("owner").column,
        updated=Cart._meta.get_field("updated").column,
        items=CartItem._meta.db_table,
        item_cart=CartItem._meta.get_field("cart").column,
        quantity=CartItem._meta.get_field("quantity").column,
    )


class CartBadgeBackend(AuthenticationBackend):
    def authenticate(self, request, **credentials):
        """allauth's. Credentials it refuses end the login there: the backend after it in
        settings is allauth's own again (kept for the sessions it logged in), which would only
        check the same password a second time."""
        user = super().authenticate(request, **credentials)
        if user is None:
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        user = user_with_cart_badge(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
