import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from apps.market import cache as page_cache
from shop.tasks import in_process
from tests.factories import PASSWORD

# Fuzzing (tests/*/test_fuzz_*.py): enough examples to find the odd input, few enough that the
# suite stays fast. HYPOTHESIS_PROFILE=thorough digs deeper, e.g. before a release. No deadline:
# a request's time depends on the machine and the database, not on the example.
hypothesis_settings.register_profile("default", max_examples=40, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


DB_FIXTURES = ("transactional_db", "db")  # pytest-django's, the first that a test uses


def pytest_configure(config):
    # Fast hashing; plain static storage (the hashed manifest exists only after collectstatic).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # No collected static files: WhiteNoise would walk a staticfiles/ folder left by an earlier
    # collectstatic (the scale-out test makes one) for every test client, tripling the suite's
    # time. The files are served from their apps' folders instead, as with debug on.
    settings.STATIC_ROOT = None
    # Pictures go to a folder of this run's own, never to the repository's media/.
    media = Path(tempfile.mkdtemp(prefix="shop-media-"))
    settings.MEDIA_ROOT = media
    config.add_cleanup(lambda: shutil.rmtree(media, ignore_errors=True))
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "shop.sqlite3":
        # A test database in a file, as the shop runs (WAL, writers queue for the lock), rather
        # than Django's in-memory default: the live server of the browser tests would share that
        # one connection among its request threads, and two requests at once (htmx sends them)
        # would fail with "database table is locked", which no real setup does. A folder of its
        # own per run, so that runs in parallel never meet.
        folder = Path(tempfile.mkdtemp(prefix="shop-tests-"))
        database["TEST"] = {**database.get("TEST", {}), "NAME": str(folder / "test.sqlite3")}
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Rate limits and cached pages must not leak from one test into the next.

    The cache is the test database's (the database cache, as without REDIS_URL), so it is
    cleared for the tests that use the database, once theirs is ready; the others can't reach
    it. (A flush between transactional tests empties the models' tables only.)
    """
    marker = request.node.get_closest_marker("django_db")
    database = next((name for name in DB_FIXTURES if name in request.fixturenames), None)
    if database is None and marker is not None:
        transaction = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
        database = "transactional_db" if transaction else "db"
    if database is None:
        page_cache.clear()  # kept in this process: no database needed
        yield
        page_cache.clear()
        return
    request.getfixturevalue(database)
    cache.clear()
    page_cache.clear()
    yield
    cache.clear()
    page_cache.clear()


@pytest.fixture(autouse=True)
def _finish_tasks():
    """Tasks a test queued in this process (emails after a commit, shop/tasks.py) finish in
    it, not while the next test's database is being set up."""
    yield
    assert in_process.wait(timeout=120), "in-process tasks still running after the test"


@pytest.fixture
def make_user(db):
    """Create a user (with their cart and profile, by the signals) who can log in with PASSWORD."""

    def make(username="shopper", **fields):
        fields.setdefault("email", f"{username}@example.com")
        return get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)

    return make


@pytest.fixture
def shopper(make_user):
    return make_user("shopper", first_name="Анна", last_name="Иванова")


@pytest.fixture
def other_shopper(make_user):
    return make_user("other")


@pytest.fixture
def staff(make_user):
    return make_user("staff", is_staff=True)


@pytest.fixture
def superuser(make_user):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def shopper_client(client, shopper):
    client.force_login(shopper)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def htmx():
    """Headers of a request htmx sends: pass as `client.get(url, headers=htmx)`."""
    return {"HX-Request": "true"}
