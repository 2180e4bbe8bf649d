"""The shared cache's backend: django-redis with Redis errors ignored (IGNORE_EXCEPTIONS), so that a
Redis outage is a cache miss, never a 500.

One operation answers differently: `add()` reports success while Redis is away. django-allauth
counts failed logins under a lock it takes with `add()`; with the error ignored, `add()` would
report the lock as taken by someone else, and allauth would wait a second and refuse every login
with 429 for as long as Redis is away. With this, failed logins go uncounted during an outage
instead (sessions are in the database and pages are served uncached meanwhile).
"""

from django_redis.cache import RedisCache as DjangoRedisCache


class RedisCache(DjangoRedisCache):
    def add(self, *args, **kwargs):
        added = super().add(*args, **kwargs)
        return True if added is None else added  # None: the error was ignored
