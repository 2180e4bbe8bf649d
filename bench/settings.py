"""The shop's production settings plus one thing only the benchmark mounts: a bare view with no
middleware, the framework's own limit against which the pages are measured (see BENCH.md)."""

from shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
