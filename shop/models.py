from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    """A session in the database, as Django's, with the id of the user logged in to it in a column
    of its own: a request reads its session, its user and the cart badge in one query
    (shop/sessions.py). The column only joins: who is logged in is what the session's data says,
    checked as Django checks it."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
