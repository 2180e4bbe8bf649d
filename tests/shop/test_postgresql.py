"""The PostgreSQL backend's health check (shop/postgresql): a kept connection is used without a
round trip while the server holds it, and replaced before a request uses it once the server has
ended it (a restart), on a PostgreSQL cluster the test starts and restarts itself."""

import os
import signal
import threading

import dj_database_url
import pytest
from django.db.utils import ConnectionHandler

from tests.servers import PostgresCluster

pytestmark = pytest.mark.processes


@pytest.fixture(scope="module")
def cluster():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()
    cluster.remove()


@pytest.fixture
def database(cluster, django_db_blocker):
    """A connection to the cluster as the shop's settings make one (not the test database's, so
    pytest-django's guard is lifted for it)."""
    settings = dj_database_url.parse(cluster.url, conn_max_age=60, conn_health_checks=True)
    settings["ENGINE"] = "shop.postgresql"
    database = ConnectionHandler({"default": settings})["default"]
    with django_db_blocker.unblock():
        yield database
        database.close()


def new_request(database):
    """What Django does to a kept connection when a request starts and first uses it."""
    database.close_if_unusable_or_obsolete()
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_the_server_holds_is_used_without_asking_it(database):
    backend = new_request(database)
    # The server process of this connection stops answering: a check that asks it (SELECT 1)
    # would wait for as long as it is stopped; this one must not.
    os.kill(backend, signal.SIGSTOP)
    try:
        checked = threading.Event()
        answers = []

        def check():
            answers.append(database.is_usable())
            checked.set()

        threading.Thread(target=check, daemon=True).start()
        assert checked.wait(60), "the health check waited for the server"
    finally:
        os.kill(backend, signal.SIGCONT)
    assert answers == [True]
    assert new_request(database) == backend  # the same connection, kept


def test_after_a_restart_the_next_request_gets_a_new_connection(database, cluster):
    backend = new_request(database)
    cluster.stop()
    cluster.start()
    assert database.is_usable() is False
    assert new_request(database) != backend  # no error: the check replaced the connection
