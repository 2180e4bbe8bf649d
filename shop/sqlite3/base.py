"""SQLite with Unicode case folding, so that the default setup behaves like PostgreSQL.

SQLite's own LOWER(), UPPER() and LIKE fold ASCII letters only: a search for "платье" would miss
"Платье", and "Обувь" and "обувь" would pass as different category names. PostgreSQL folds all of
Unicode, so this backend replaces those three functions with Python's on every connection.

The replacement lives only in this process: the sqlite3 shell sees the built-in functions, so edit
the shop's data through the shop (or its admin), not through the shell.
"""

import functools
import re

from django.db.backends.sqlite3 import base


def _lower(value):
    return None if value is None else str(value).lower()


def _upper(value):
    return None if value is None else str(value).upper()


@functools.lru_cache(maxsize=512)
def _like_regex(pattern, escape):
    parts = []
    chars = iter(pattern)
    for char in chars:
        if char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def _like(pattern, value, escape=None):
    """`value LIKE pattern [ESCAPE escape]`, case-insensitive for every alphabet."""
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape).fullmatch(str(value)) is not None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.create_function("LOWER", 1, _lower, deterministic=True)
        connection.create_function("UPPER", 1, _upper, deterministic=True)
        connection.create_function("LIKE", 2, _like, deterministic=True)
        connection.create_function("LIKE", 3, _like, deterministic=True)
        return connection
