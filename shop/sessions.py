"""Sessions in the database (shop.models.Session), read with their user in one query.

Django's database sessions but for two things: a session keeps the id of the user logged in to it
in a column of its own, and it is read with one plain query that also brings that user and the
cart badge (apps/market/backends.py): a logged-in shopper's page served from the page cache cost
two queries and the ORM building one of them before. Written, ended and cleared as Django does
(`clearsessions` included); a session that is missing or expired is handed to Django's own
reading, which forgets its key. Django's own table was emptied when this one took over
(migrations/0002): everyone logged in once more.
"""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError

from apps.market.backends import session_with_user


class SessionStore(db.SessionStore):
    user = None  # the user of the session's user_id column, read with it (see backends.py)

    def __init__(self, session_key=None):
        # A key as the shop makes them, or none: a cookie's NUL would fail PostgreSQL's query.
        valid = isinstance(session_key, str) and session_key.isascii() and session_key.isalnum()
        super().__init__(session_key if valid else None)

    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = user_id(data)
        return session

    async def acreate_model_instance(self, data):
        session = await super().acreate_model_instance(data)
        session.user_id = user_id(data)
        return session

    def load(self):
        if self.session_key is not None:
            found = session_with_user(self.get_model_class(), self.session_key)
            if found is not None:
                data, self.user = found
                return self.decode(data)
        return super().load()  # Django's: no such session, so its key is forgotten


def user_id(data):
    """The id of the user logged in to a session with this data, or None."""
    try:
        return get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
    except ValidationError:
        return None
