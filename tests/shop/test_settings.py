"""Settings come from the environment (SPEC §1). Each case imports the settings in a fresh process,
since Django reads them once per process."""

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.servers import collect_static, gunicorn, redis_server

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "shop.example.com,www.shop.example.com",
}
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "NAME": str(settings.DATABASES["default"]["NAME"]),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "TIME_ZONE": settings.TIME_ZONE,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_HOST": settings.EMAIL_HOST,
    "EMAIL_PORT": settings.EMAIL_PORT,
    "EMAIL_USE_TLS": settings.EMAIL_USE_TLS,
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "TRUSTED_PROXY_COUNT": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
}))
"""


def run_python(code, env, *args):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "shop.settings"
    return subprocess.run(
        [sys.executable, *args, "-c", code] if code else [sys.executable, *args],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_for(env):
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_empty_database_url_is_the_default_sqlite_file():
    values = settings_for({**PRODUCTION, "DATABASE_URL": ""})
    assert (values["ENGINE"], values["NAME"]) == ("shop.sqlite3", str(ROOT / "db.sqlite3"))


def test_production_defaults_debug_off_https_on_sqlite_moscow():
    values = settings_for(PRODUCTION)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["shop.example.com", "www.shop.example.com"]
    assert values["ENGINE"] == "shop.sqlite3"
    assert values["NAME"] == str(ROOT / "db.sqlite3")
    assert values["CACHE"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["SESSION_ENGINE"] == "shop.sessions"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["TIME_ZONE"] == "Europe/Moscow"
    assert values["LANGUAGE_CODE"] == "ru"
    assert values["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_secret_key_is_required_with_debug_off():
    result = run_python(PROBE, {"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_runs_without_secret_and_https_can_be_switched_off():
    values = settings_for({"DJANGO_DEBUG": "1"})
    assert values["DEBUG"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    plain = settings_for({**PRODUCTION, "DJANGO_HTTPS": "0", "DJANGO_TIME_ZONE": "Asia/Tokyo"})
    assert plain["SECURE_SSL_REDIRECT"] is False
    assert plain["SESSION_COOKIE_SECURE"] is False
    assert plain["TIME_ZONE"] == "Asia/Tokyo"


def test_trusted_proxies_come_from_the_environment_and_none_by_default():
    assert settings_for(PRODUCTION)["TRUSTED_PROXY_COUNT"] == 0
    behind_one = settings_for({**PRODUCTION, "DJANGO_TRUSTED_PROXY_COUNT": "1"})
    assert behind_one["TRUSTED_PROXY_COUNT"] == 1
    for wrong in ("-1", "one"):
        result = run_python(PROBE, {**PRODUCTION, "DJANGO_TRUSTED_PROXY_COUNT": wrong})
        assert result.returncode != 0
        assert "DJANGO_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr


def test_malformed_switch_is_refused():
    result = run_python(PROBE, {**PRODUCTION, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 1 or 0" in result.stderr


def test_database_redis_and_email_come_from_the_environment():
    values = settings_for(
        {
            **PRODUCTION,
            "DATABASE_URL": "postgres://shop:pw@db.internal:5432/shopdb",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "EMAIL_HOST": "smtp.example.com",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "1",
        }
    )
    assert values["ENGINE"] == "shop.postgresql"
    assert values["NAME"] == "shopdb"
    assert values["CACHE"] == "shop.cache.RedisCache"
    # In the database alone, with Redis too: sessions outlive a Redis outage.
    assert values["SESSION_ENGINE"] == "shop.sessions"
    assert values["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == (
        "smtp.example.com",
        587,
        True,
    )


def test_redis_cache_really_works_with_a_real_server(tmp_path):
    """Against a Redis server of the test's own: the machine's shared one is not ours to use."""
    code = """
import django, uuid
django.setup()
from django.core.cache import cache
key = uuid.uuid4().hex
cache.set(key, "привет", 30)
print(cache.get(key))
cache.delete(key)
"""
    with redis_server(tmp_path) as redis_url:
        result = run_python(code, {**PRODUCTION, "REDIS_URL": redis_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "привет"


@pytest.mark.parametrize("https", ["1", "0"])
def test_deployment_checks_pass_with_production_values(https):
    env = {**PRODUCTION, "DJANGO_DEBUG": "0"}
    if https == "1":
        env["DJANGO_HTTPS"] = "1"
        result = run_python(None, env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout
    else:
        # Plain HTTP is for a local proxy or a test: the checks say what it gives up.
        env["DJANGO_HTTPS"] = "0"
        result = run_python(None, env, "manage.py", "check", "--deploy")
        assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


SEED_SHOPPER = """
import django
django.setup()
from django.contrib.auth import get_user_model
get_user_model().objects.create_user("buyer", "buyer@example.com", "right-password-1")
"""


@pytest.mark.processes
def test_without_redis_the_failed_login_limit_is_one_for_all_workers(tmp_path):
    """The default setup (no REDIS_URL) under gunicorn with three workers: the limit of five
    failed logins counts once for the whole shop. With a per-process cache each worker
    counted its own: twelve failures and the right password still got in."""
    env = {
        **PRODUCTION,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
    }
    assert run_python(None, env, "manage.py", "migrate", "-v0").returncode == 0
    assert run_python(SEED_SHOPPER, env).returncode == 0
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    collect_static({**clean, **env})
    log = tmp_path / "gunicorn.log"
    server_env = {**clean, **env, "DJANGO_SETTINGS_MODULE": "shop.settings"}
    with gunicorn(["shop.wsgi", "-w", "3"], server_env, log) as base:
        login = f"{base}/users/user/login/"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

        def attempt(password):
            with opener.open(login, timeout=30) as page:
                html = page.read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            form = {"login": "buyer", "password": password, "csrfmiddlewaretoken": token}
            request = urllib.request.Request(login, urlencode(form).encode())
            request.add_header("Accept-Language", "en")
            with opener.open(request, timeout=30) as answer:
                return answer.geturl(), answer.read().decode()

        try:
            for _ in range(12):
                attempt("wrong")
            url, page = attempt("right-password-1")
        except OSError as error:  # the server's log, for whoever reads the failure
            error.add_note(f"gunicorn's log:\n{log.read_text()}")
            raise
        assert url == login  # still on the login page, not logged in
        assert "Too many failed login attempts" in page
