"""Settings of the shop: one module for every environment, configured by environment variables.

The variables (SPEC §1, README): DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG,
DJANGO_ALLOWED_HOSTS, DJANGO_HTTPS, DJANGO_SITE_URL, DJANGO_TRUSTED_PROXY_COUNT,
DJANGO_TIME_ZONE, TASKS_BROKER_URL, MEDIA_ROOT, the S3_* group (pictures), and the EMAIL_* group.
The defaults are safe for production (debug off, HTTPS on); `make run` turns debug on for
development.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default):
    """Read a `1`/`0` switch; anything else is a configuration mistake worth stopping for."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return number


def env_list(name, default=()):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or list(default)


DEBUG = env_flag("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (required when DJANGO_DEBUG is off).")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105  (debug only, never served)

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

# --- Applications -------------------------------------------------------------------------------

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # runserver leaves static files to WhiteNoise, as production
    "django.contrib.staticfiles",
    # Third party
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "allauth",
    "allauth.account",
    # The shop
    "shop",  # the project's own: migrate creates the cache's table (shop/apps.py)
    "apps.market",
    "apps.users",
    "apps.history",
    "apps.orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shop.http.FormCharsetMiddleware",  # before anything reads a form body (see there)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come precompressed from it and never get here), above
    # everything that writes a body: the page cache puts each visitor's CSRF token into its
    # pages, htmx answers get their toasts appended. A cached page is compressed on every hit.
    "shop.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, so that the CSRF check sees the verb a form asked for and its token.
    "shop.http.OptionalSlashMiddleware",
    "shop.http.MethodOverrideMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, with the user read in the session's query (see there).
    "apps.market.backends.UserWithSessionMiddleware",
    "shop.http.PrivatePagesMiddleware",  # no shared cache keeps a personal page (see there)
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shop.htmx.HtmxLoginRedirectMiddleware",
    "shop.htmx.HtmxResponseMiddleware",
    "apps.history.middleware.ActorMiddleware",
]

ROOT_URLCONF = "shop.urls"
CSRF_FAILURE_VIEW = "shop.views.csrf_failure"  # visitors are sent to log in first (see there)
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,  # template_partials wraps these loaders in its own (and caches them)
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.market.context_processors.cart_badge",
                "apps.market.context_processors.login_here",
                # Last: a page rendered for the cache sees nobody's data (apps/market/cache.py).
                "apps.market.cache.personal_context",
            ],
            # {% partialdef %} in every template without a {% load %}, as Django 6 ships it;
            # the `quoted` filter, which every app's templates use for names in quotes.
            "builtins": ["template_partials.templatetags.partials", "shop.text"],
        },
    },
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Data ---------------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        # Unset or empty: the SQLite file in the repo (make run).
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        # A kept connection is checked before each request uses it (see shop/postgresql).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Our SQLite backend adds Unicode case folding (Cyrillic search, case-insensitive names).
    DATABASES["default"]["ENGINE"] = "shop.sqlite3"
    DATABASES["default"]["OPTIONS"] = {
        # Writers wait for each other instead of failing with "database is locked", and a
        # transaction takes the write lock when it begins, so concurrent cart changes serialize.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that asks the server only when it has hung up (see there).
    DATABASES["default"]["ENGINE"] = "shop.postgresql"
    # Parameters bound by PostgreSQL, and a query run five times on a connection prepared
    # there (psycopg's default, which Django turns off for poolers; see shop/postgresql).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 5,
        **DATABASES["default"].get("OPTIONS", {}),  # the URL's own win
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Shared by every app server, so that a second instance sees the same sessions and cache.
    # Short timeouts: a Redis that stops answering must not hold requests up.
    REDIS_OPTIONS = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1}
    CACHES = {
        # Sessions' copies and allauth's rate limits: a Redis error is ignored (a miss, a write
        # not kept), so that an outage never turns into a 500 (shop/cache.py).
        "default": {
            "BACKEND": "shop.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shop",
            "OPTIONS": {**REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True},
        },
        # The page cache (apps/market/cache.py) sees its errors, serves pages uncached while
        # Redis is away and says so in the log.
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shop",
            "OPTIONS": REDIS_OPTIONS,
        },
    }
else:
    # The database, which every process shares: the limits of failed logins (allauth's rate
    # limits) count once for the whole shop, however many gunicorn workers serve it. `migrate`
    # creates its table (shop/apps.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shop_cache",
            # Django's default of 300 entries would make it forget a third of them, a limit's
            # count of failures included, whenever a few hundred clients try at once.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        # Pages are cached only with Redis (SHARED_CACHE_SECONDS is 0 without it); the tests of
        # the page cache turn it on over this per-process stand-in.
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }

# The page cache (apps/market/cache.py) is on only in a cache every process shares: a change must
# reach all gunicorn workers and app servers on the next request. How long a page is kept; 0
# turns the page cache off.
SHARED_CACHE_SECONDS = 600 if REDIS_URL else 0
# How long an app server may go on with the catalogue's version before asking the database again:
# the longest a change can take to show when telling Redis about it failed.
PAGE_CACHE_VERSION_SECONDS = 2
# How many pages one client (a user, or an address) may have rendered for the cache in a minute;
# beyond that it gets 429 for pages that are not kept already. 0: no limit.
PAGE_CACHE_RENDERS_PER_MINUTE = 600

# --- Accounts -----------------------------------------------------------------------------------

# Sessions in the database, read with their user in one query (see there): they outlive a Redis
# outage, and a logout ends a session everywhere at once. A copy in Redis (cached_db) saved one
# primary-key query a request, but a logout while Redis refused writes left the copy logged in.
SESSION_ENGINE = "shop.sessions"

# django-allauth's backend (login by username or email). The user behind a logged-in request is
# read from the database every time (one query by primary key, which also counts the cart's
# items for the navbar), never from a cache: a change to
# the user (rights taken away, an account deactivated or deleted, with or without a signal) must
# hold from the very next request on every app server.
AUTHENTICATION_BACKENDS = [
    # allauth's, reading the user with the navbar's cart badge in the same query (see there)
    "apps.market.backends.CartBadgeBackend",
    # allauth's own, for sessions logged in before the one above took over
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "apps.users.adapter.AccountAdapter"  # the shop's address, login budgets
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_FORMS = {  # allauth's, with our labels and address lengths (apps/users/forms.py)
    "login": "apps.users.forms.LoginForm",
    "signup": "apps.users.forms.SignupForm",
    "add_email": "apps.users.forms.AddEmailForm",
}
ACCOUNT_EMAIL_VERIFICATION = (
    "optional"  # sign-up logs in at once; the address can be confirmed later
)
# Sign-up never tells whether an address is registered. As sign-up logs in at once (SPEC §3),
# allauth's only way not to tell is to let it go through: the new account gets the address
# unconfirmed, and its owner an email asking to confirm it, which they won't. Login by that
# address, and password resets, prefer the account that confirmed it.
ACCOUNT_PREVENT_ENUMERATION = "strict"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_ON_GET = False  # GET asks with one button, only a POST logs out (SPEC §3)
# Failed logins: allauth's limit of 10 a minute per client address, and 5 in 5 minutes per
# account, whichever of its names (username, email) is typed and whatever the host (allauth's
# own per-name limit counted each name and each Host header apart: apps/users/adapter.py).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip", "login_failed_account": "5/5m/key"}
# allauth's limits per client address (failed logins, sign-ups, password resets) need the
# client's address. Behind proxies, every request comes from the nearest proxy's: say how many
# proxies of yours stand in front of the shop, each appending to X-Forwarded-For, and the
# address the outermost one saw is used. 0 (reached directly): the header, which any client
# can write, is ignored.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# --- Security -----------------------------------------------------------------------------------

HTTPS = env_flag("DJANGO_HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The shop's own address, for links that leave the request (emails: password reset, orders).
# Never built from the request's Host header, which the client chooses. By default the first of
# DJANGO_ALLOWED_HOSTS (the development server's address with debug on).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")
if not SITE_URL:
    first_host = next((h for h in ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "")
    SITE_URL = (
        "http://127.0.0.1:8000"
        if DEBUG or not first_host
        else f"{'https' if HTTPS else 'http'}://{first_host}"
    )

# --- Language and time --------------------------------------------------------------------------

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Moscow")
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Uploaded files (product pictures) ----------------------------------------------------------

# Pictures are kept through Django's storage API (apps/market/pictures.py): in MEDIA_ROOT, served
# by the shop at /media/ (shop/media.py), or, with S3_BUCKET set, in an S3-compatible bucket that
# every app server shares.
# Django's upload handlers, the one for large files naming its temporary file safely (see there).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "shop.http.TemporaryFileUploadHandler",
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    S3_OPTIONS = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        # Names are random (uuid4): no need to ask the bucket whether one is taken first.
        "file_overwrite": True,
        "default_acl": None,
        # A picture's name changes with its content, so browsers may keep it for good.
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    if os.environ.get("S3_PUBLIC_URL"):
        # Where browsers read the bucket (a CDN, or the bucket's public address): plain links.
        # Without it, links are signed for an hour (longer than a page stays in the page cache,
        # with a product card kept in a process as long again: apps/market/cache.py).
        scheme, _sep, rest = os.environ["S3_PUBLIC_URL"].rstrip("/").partition("://")
        if not rest:
            raise ImproperlyConfigured("S3_PUBLIC_URL must be a URL, e.g. https://cdn.example.com")
        S3_OPTIONS.update(custom_domain=rest, url_protocol=f"{scheme}:", querystring_auth=False)
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS}

# --- Email --------------------------------------------------------------------------------------

if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shop@localhost")
# A mail server that stops answering holds a task for this long at most, then it is retried.
EMAIL_TIMEOUT = 10

# --- Tasks (work that leaves the request: emails) -----------------------------------------------

# With a broker (redis://... or amqp://...), tasks go to a Celery worker process
# (`celery -A shop.tasks worker`); without one, each runs in a background thread of the app's own
# process once the transaction commits (shop/tasks.py). Either way a failure is retried
# with exponential backoff: TASKS_RETRY_DELAY seconds, doubling up to TASKS_RETRY_MAX_DELAY,
# TASKS_MAX_RETRIES times.
TASKS_BROKER_URL = os.environ.get("TASKS_BROKER_URL", "")
TASKS_RETRY_DELAY = 10
TASKS_RETRY_MAX_DELAY = 3600
TASKS_MAX_RETRIES = 8  # 10 s, 20 s, ... about 40 minutes in all
CELERY_BROKER_URL = TASKS_BROKER_URL or "memory://"  # memory://: never used (see shop/tasks.py)
CELERY_TASK_IGNORE_RESULT = True  # nothing waits for a result; no result backend needed
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves it to the next one
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Logging ------------------------------------------------------------------------------------

# Django logs request errors only with debug on; in production they must reach stderr too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
