"""The shop's production settings plus what only the benchmark needs: a bare view with no
middleware, the framework's own limit against which the pages are measured (see BENCH.md), and a
proxy in front (wrk, naming each visitor of the every-request-a-miss target in X-Forwarded-For,
so that they count as the different clients they stand for)."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLAUTH_TRUSTED_PROXY_COUNT = 1
