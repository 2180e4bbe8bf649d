"""tests/servers.py: the servers tests start for themselves."""

import shutil

import pytest
import redis

from tests import servers


def test_a_redis_of_the_tests_own_answers_and_is_not_the_shared_one(tmp_path):
    with servers.redis_server(tmp_path) as url:
        assert not url.startswith("redis://127.0.0.1:6379")
        client = redis.Redis.from_url(url)
        assert client.ping()
        client.close()


def test_without_redis_server_the_test_skips_saying_how_and_fails_in_ci(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install redis-server"):
        servers.redis_server(tmp_path).__enter__()
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI must run it"):
        servers.redis_server(tmp_path).__enter__()
