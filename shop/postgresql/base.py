"""PostgreSQL with prepared statements, and a connection health check that asks the server only
when it may be needed.

Prepared statements. Django binds a query's parameters on the client and turns psycopg's prepared
statements off (for connection poolers in transaction mode, which the shop does not use): each
query is parsed and planned anew. The query that reads a logged-in shopper's session, user and
cart badge (apps/market/backends.py), on every request, took PostgreSQL 0.3–0.4 ms of CPU that
way and 0.07 ms prepared. The settings turn both on (OPTIONS `server_side_binding`, and
`prepare_threshold`: psycopg prepares a query once it has run that many times on a connection,
keeping at most 100). A prepared statement whose result a migration changed (a column's new
type) is refused by PostgreSQL ("cached plan must not change result type") until it is prepared
again: outside a transaction the statement is run again at once, with the connection's prepared
statements forgotten (DEALLOCATE ALL, on which psycopg forgets them too); inside one the
transaction fails, once a connection, and its rollback forgets them. PostgreSQL may also plan a
prepared statement once for all values (a generic plan) after five runs, when it estimates that
plan no worse than planning for each.

Health check. With `conn_health_checks` (settings), Django checks a kept connection before a
request first uses it, so that a database restarted since the last request costs no failed request.
Its check is a `SELECT 1`: a round trip on every request that touches the database, a fifth of a
logged-in shopper's page served from the page cache. Here a connection that was sent a query within
the last TRUSTED_SECONDS is checked without one: a server that ends a connection (a restart, a
terminated backend, `idle_session_timeout`) says so and closes the socket first, so a connection
with nothing to read is one the server still holds. One with something to read, and any idle for
longer (a database host that vanished or failed over without a word is only found by asking), is
checked Django's way. What remains: a host lost silently within that second fails the next request
of each connection that was busy then, as it fails the requests it was serving.
"""

import select
import time

from django.db.backends.postgresql import base
from psycopg import errors
from psycopg.pq import TransactionStatus

# The function of PostgreSQL's that refuses a prepared statement whose result changed ("cached
# plan must not change result type"), named the same whatever language its messages are in.
STALE_PLAN = "RevalidateCachedQuery"


class Cursor(base.ServerBindingCursor):
    """Django's cursor for parameters bound on the server, which runs a statement again, once, when
    PostgreSQL refused it for a result a migration changed (see above)."""

    def execute(self, query, params=None, **kwargs):
        try:
            return super().execute(query, params, **kwargs)
        except errors.FeatureNotSupported as error:
            if (
                error.diag.source_function != STALE_PLAN
                or self.connection.info.transaction_status != TransactionStatus.IDLE
            ):
                raise  # another refusal, or inside a transaction, which has failed
            self.connection.execute("DEALLOCATE ALL")
        return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    TRUSTED_SECONDS = 1.0
    used_at = float("-inf")  # when a query was last sent on the connection

    def get_connection_params(self):
        params = super().get_connection_params()
        if self.features.uses_server_side_binding:
            params["cursor_factory"] = Cursor
        return params

    def close_if_health_check_failed(self):
        # Django calls it before every cursor it makes: after the check, a query is on its way.
        super().close_if_health_check_failed()
        self.used_at = time.monotonic()

    def close_if_unusable_or_obsolete(self):
        if self.errors_occurred:
            self.used_at = float("-inf")  # after an error, only a query can tell
        super().close_if_unusable_or_obsolete()

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if (
            time.monotonic() - self.used_at > self.TRUSTED_SECONDS
            or connection.info.transaction_status != TransactionStatus.IDLE
        ):
            return super().is_usable()  # idle for a while, or left inside a transaction
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        if poller.poll(0):  # the server said something unasked: most likely goodbye
            return super().is_usable()
        return True
