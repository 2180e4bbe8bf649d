"""Django's Redis cache backend, keeping its redis-py client instead of making one per call.

Django's RedisCacheClient builds a new redis.Redis for every cache operation, and redis-py fills a
table of some 300 response callbacks each time: about 0.2 ms per call, more than the round trip
to Redis itself. A client is safe to share between threads (its connection pool is), so one per
pool is kept. Used as the cache BACKEND when REDIS_URL is set (shop.settings).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return self._clients[index]


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
