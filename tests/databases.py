"""Which database the suite runs on, for tests that only one of them can run."""

import pytest
from django.conf import settings

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def postgresql_only(why):
    """Skip on SQLite, saying why and where the test does run."""
    return pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason=f"{why}: runs in the PostgreSQL suite (DATABASE_URL=postgres://... make test)",
    )
