"""PostgreSQL whose connection health check asks the server only when it may be needed.

With `conn_health_checks` (settings), Django checks a kept connection before a request first uses
it, so that a database restarted since the last request costs no failed request. Its check is a
`SELECT 1`: a round trip on every request that touches the database, a fifth of a logged-in
shopper's page served from the page cache. Here a connection that was sent a query within the
last TRUSTED_SECONDS is checked without one: a server that ends a connection (a restart, a
terminated backend, `idle_session_timeout`) says so and closes the socket first, so a connection
with nothing to read is one the server still holds. One with something to read, and any idle for
longer (a database host that vanished or failed over without a word is only found by asking),
is checked Django's way. What remains: a host lost silently within that second fails the next
request of each connection that was busy then, as it fails the requests it was serving.
"""

import select
import time

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    TRUSTED_SECONDS = 1.0
    used_at = float("-inf")  # when a query was last sent on the connection

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
