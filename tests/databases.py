"""Which database the suite runs on, for tests that only one of them can run."""

import pytest
from django.db import connection

ON_POSTGRESQL = connection.vendor == "postgresql"  # the shop's backend, or Django's


def postgresql_only(why):
    """Skip on SQLite, saying why and where the test does run."""
    return pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason=f"{why}: runs in the PostgreSQL suite (DATABASE_URL=postgres://... make test)",
    )
