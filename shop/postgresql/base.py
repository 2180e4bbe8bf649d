"""PostgreSQL whose connection health check asks the server only when something is wrong.

With `conn_health_checks` (settings), Django checks a kept connection before a request first uses
it, so that a database restarted since the last request costs no failed request. Its check is a
`SELECT 1`: a round trip on every request that touches the database, a fifth of a logged-in
shopper's page served from the page cache. A server that ends a connection (a restart, a
terminated backend, `idle_session_timeout`) tells the client and closes the socket first, so an
idle connection with nothing to read is one the server still holds; only one with something to
read is checked Django's way, with a query.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # left inside a transaction: only a query can tell
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        if poller.poll(0):  # the server said something unasked: most likely goodbye
            return super().is_usable()
        return True
