"""The authentication backend: django-allauth's (login by username or email), reading the user of a
logged-in request together with its session and the navbar's cart badge.

Every page a shopper sees shows the badge, and the page cache (cache.py) needs the cart's last
change and item count for a cart page: the query that reads the request's session
(shop/sessions.py) brings the user and all of it, from the database on every request, so nothing
about either can be out of date. Who is logged in is still decided by Django's `get_user()` from
the session's data (UserWithSessionMiddleware); the user read with the session is used only when
it is that user. The queries are written in SQL: on a page served from the cache, the ORM
compiling them (joins and a subquery with a sum) cost more than all the rest of the request.
"""

from contextvars import ContextVar
from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import Cart, CartItem

# The session of the request whose user is being read (see UserWithSessionMiddleware).
_reading = ContextVar("session_being_read", default=None)


def user_with_cart_badge(user_id):
    """The user with `badge_cart_id`, `badge_count` (units in the cart) and `badge_cart_updated`
    (its last change, as the database gives it); None and 0 without a cart. None if no user."""
    alias = router.db_for_read(get_user_model())
    with connections[alias].cursor() as cursor:
        cursor.execute(user_query(), [user_id])
        row = cursor.fetchone()
    return None if row is None else user_from_row(alias, row)


def session_with_user(model, session_key):
    """The data of the session `session_key` of `model` (shop.models.Session) if it has not
    expired, and the user of its `user_id` column with the cart badge as user_with_cart_badge()
    makes them (None without one); None if no such session."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    now = model._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(session_query(model), [session_key, now])
        row = cursor.fetchone()
    if row is None:
        return None
    data, *user = row
    return data, (None if user[0] is None else user_from_row(alias, user))


def user_from_row(alias, row):
    """A user made from a row of user_query()'s columns with `Model.from_db`, each column
    through the converters the ORM would apply (SQLite's booleans and dates): a RawQuerySet's
    bookkeeping cost more than the query's round trip."""
    connection = connections[alias]
    names, converters = user_columns(alias)
    values = list(row[: len(names)])
    for position, expression, functions in converters:
        for function in functions:
            values[position] = function(values[position], expression, connection)
    user = get_user_model().from_db(alias, names, values)
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


def user_and_badge_columns():
    """What a query selects of the user `u` and the cart `c` joined to it."""
    users = get_user_model()
    columns = ", ".join(f"u.{field.column}" for field in users._meta.concrete_fields)
    return (  # noqa: S608  (names from the models, no input)
        "{columns}, c.{cart_id} AS badge_cart_id, c.{updated} AS badge_cart_updated,"
        " COALESCE((SELECT SUM(i.{quantity}) FROM {items} i WHERE i.{item_cart} = c.{cart_id}), 0)"
        " AS badge_count"
    ).format(
        columns=columns,
        cart_id=Cart._meta.pk.column,
        updated=Cart._meta.get_field("updated").column,
        items=CartItem._meta.db_table,
        item_cart=CartItem._meta.get_field("cart").column,
        quantity=CartItem._meta.get_field("quantity").column,
    )


def cart_join():
    users = get_user_model()
    return "LEFT JOIN {carts} c ON c.{owner} = u.{user_id}".format(
        carts=Cart._meta.db_table,
        owner=Cart._meta.get_field("owner").column,
        user_id=users._meta.pk.column,
    )


@cache
def user_query():
    users = get_user_model()
    table, key = users._meta.db_table, users._meta.pk.column
    select = f"SELECT {user_and_badge_columns()} FROM {table} u {cart_join()}"  # noqa: S608  (names from the models)
    return f"{select} WHERE u.{key} = %s"


@cache
def session_query(model):
    users, sessions = get_user_model(), model._meta
    return (  # noqa: S608  (names from the models, no input)
        "SELECT s.{data}, {selected} FROM {sessions} s"
        " LEFT JOIN {users} u ON u.{user_id} = s.{session_user} {cart_join}"
        " WHERE s.{key} = %s AND s.{expires} > %s"
    ).format(
        data=sessions.get_field("session_data").column,
        selected=user_and_badge_columns(),
        sessions=sessions.db_table,
        users=users._meta.db_table,
        user_id=users._meta.pk.column,
        session_user=sessions.get_field("user_id").column,
        cart_join=cart_join(),
        key=sessions.pk.column,
        expires=sessions.get_field("expire_date").column,
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
        """The user, from the row the request's session was read with when it is theirs (the
        session's data named them), else from a query of its own."""
        user = getattr(_reading.get(), "user", None)
        if user is None or user.pk != user_id:
            user = user_with_cart_badge(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class UserWithSessionMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, whose `request.user` is read by Django's own
    `get_user()` (the session's data names the user, whose password must still match), with
    the session's row in reach of the backend above: the user read with the session in one
    query is used, not read again."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: user_of(request))


def user_of(request):
    token = _reading.set(request.session)
    try:
        return auth.get_user(request)
    finally:
        _reading.reset(token)
