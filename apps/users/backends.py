from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.core.cache import cache


def user_key(user_id):
    return f"user:{user_id}"


def forget_user(user_id):
    """The cached copy of the user is out of date (called whenever a user row changes)."""
    cache.delete(user_key(user_id))


class CachedUserBackend(AuthenticationBackend):
    """django-allauth's backend, with the user behind each logged-in request read from the
    shared cache instead of the database: that query was half the cost of a cached page.

    Every save or deletion of a user forgets the copy (receivers), and so does the one update of
    users that sends no signal (Profile.save). Django still checks the session against the
    password hash of the copy, so a changed password logs other sessions out as before. Off when
    there is no shared cache (SHARED_CACHE_SECONDS).
    """

    def get_user(self, user_id):
        if not settings.SHARED_CACHE_SECONDS:
            return super().get_user(user_id)
        user = cache.get(user_key(user_id))
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(user_key(user_id), user, settings.SHARED_CACHE_SECONDS)
        return user
