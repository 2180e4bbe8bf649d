"""The PostgreSQL backend (shop/postgresql). Its health check: a connection that has just served a
request is used without a round trip while the server holds it; one idle for longer, or with
something from the server waiting, is asked; after a restart the next request gets a new
connection. Its prepared statements: a query run often is prepared, and one whose result a
migration changed still runs. On a PostgreSQL cluster the test starts and restarts itself."""

import os
import signal
import threading

import dj_database_url
import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.postgresql import base
from django.db.utils import ConnectionHandler, NotSupportedError, ProgrammingError
from django.test.utils import CaptureQueriesContext

from tests.databases import postgresql_only
from tests.servers import PostgresCluster

pytestmark = pytest.mark.processes

PREPARE_THRESHOLD = 5  # as the settings have it


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
    settings["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": PREPARE_THRESHOLD}
    database = ConnectionHandler({"default": settings})["default"]
    with django_db_blocker.unblock():
        yield database
        database.close()


@pytest.fixture
def queried(monkeypatch):
    """How many times Django's own check (a query) ran."""
    calls = []
    django_check = base.DatabaseWrapper.is_usable

    def counted(self):
        calls.append(self)
        return django_check(self)

    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", counted)
    return calls


def request(database):
    """A request as Django runs one: the kept connection checked before its first use, a query,
    and the end of the request. The server process's id."""
    database.close_if_unusable_or_obsolete()
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    database.close_if_unusable_or_obsolete()
    return backend


def test_a_connection_the_server_holds_is_used_without_asking_it(database, queried):
    database.TRUSTED_SECONDS = 3600  # however long this test waits between its requests
    backend = request(database)
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
    assert queried == []
    assert request(database) == backend  # the same connection, kept


def test_a_connection_idle_for_longer_is_asked(database, queried):
    database.TRUSTED_SECONDS = 0
    backend = request(database)
    assert request(database) == backend
    assert len(queried) == 1  # the second request's check (the first had a new connection)


def test_a_connection_last_used_long_ago_is_asked_however_recently_its_request_ended(
    database, queried
):
    database.TRUSTED_SECONDS = 3600
    request(database)
    database.used_at -= 7200  # as if its request had sent its last query two hours ago
    request(database)
    assert len(queried) == 1


def test_after_an_error_the_connection_is_asked(database, queried):
    database.TRUSTED_SECONDS = 3600
    request(database)
    database.close_if_unusable_or_obsolete()
    with pytest.raises(ProgrammingError), database.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    database.close_if_unusable_or_obsolete()  # the end of the request that failed
    assert len(queried) == 1


def test_after_a_restart_the_next_request_gets_a_new_connection(database, cluster):
    database.TRUSTED_SECONDS = 3600
    backend = request(database)
    cluster.stop()
    cluster.start()
    assert database.is_usable() is False
    assert request(database) != backend  # no error: the check replaced the connection


def prepared(database):
    with database.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.fixture
def names(database, cluster):
    """A table, and a query of it run until the connection has prepared it."""
    with database.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS names")
        cursor.execute("CREATE TABLE names (name varchar(10))")
        cursor.execute("INSERT INTO names VALUES ('Anna')")
    for _ in range(PREPARE_THRESHOLD + 1):
        assert read(database) == [("Anna",)]
    assert prepared(database) == [QUERY.replace("%s", "$1")]
    yield
    with psycopg.connect(cluster.url, autocommit=True) as other:
        other.execute("DROP TABLE names")


QUERY = "SELECT name FROM names WHERE name = %s"


def read(database):
    with database.cursor() as cursor:
        cursor.execute(QUERY, ["Anna"])
        return cursor.fetchall()


def change_the_column(cluster):
    """A migration on another connection, as a deploy runs it: the result's type changes."""
    with psycopg.connect(cluster.url, autocommit=True) as other:
        other.execute("ALTER TABLE names ALTER COLUMN name TYPE varchar(20)")


def test_a_query_run_often_is_prepared_and_runs_after_a_migration_changed_its_result(
    database, cluster, names
):
    change_the_column(cluster)
    assert read(database) == [("Anna",)]  # PostgreSQL refused the old statement; run again
    assert read(database) == [("Anna",)]


def test_inside_a_transaction_the_changed_statement_fails_once_and_then_runs(
    database, cluster, names
):
    change_the_column(cluster)
    database.set_autocommit(False)  # as transaction.atomic() does (for this connection)
    with pytest.raises(NotSupportedError):
        read(database)
    database.rollback()
    database.set_autocommit(True)
    assert prepared(database) == []  # the rollback forgot them
    assert read(database) == [("Anna",)]


def test_another_error_of_the_kind_is_not_run_again_and_forgets_nothing(database, cluster, names):
    # Refused with the same code as a changed result ("feature not supported"), for another
    # reason: its statement is not run again, and what is prepared stays.
    with pytest.raises(NotSupportedError), database.cursor() as cursor:
        cursor.execute("SELECT * FROM elsewhere.public.names WHERE name = %s", ["Anna"])
    assert prepared(database) == [QUERY.replace("%s", "$1")]
    change_the_column(cluster)  # and a changed result after it is still prepared again
    assert read(database) == [("Anna",)]
    assert read(database) == [("Anna",)]


@postgresql_only("the shop's own settings for PostgreSQL")
def test_the_shops_connection_prepares_what_it_runs_often_and_logs_its_values(db):
    users = get_user_model().objects.filter(username="anna")
    for _ in range(PREPARE_THRESHOLD + 1):
        users.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [sql for (sql,) in cursor.fetchall()]
    assert any('FROM "auth_user" WHERE "auth_user"."username" = $' in sql for sql in statements)
    with CaptureQueriesContext(connection) as queries:
        users.exists()
    assert "= 'anna'" in queries[0]["sql"]  # bound by the server, logged with its values
