"""Real-browser journeys: Playwright's sync API driving Debian's Chromium against pytest-django's
live server (which serves the static files too, so htmx and Bootstrap load from the shop itself).

Without Chromium the journeys skip, saying how to install it; in CI (`CI=1`, exported by .ci/run)
a missing browser is an error, never a skip. Each page a test opens is photographed when the test
ends, so `artifacts/browser/` holds every journey's last step (CI keeps the folder).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import got_request_exception

from tests.servers import in_ci

CHROMIUM = "/usr/bin/chromium"  # Debian's package; `playwright install` would download its own
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "browser"
TIMEOUT_MS = 10_000  # generous for a loaded CI machine; a passing step takes milliseconds


def missing_browser():
    """Why the journeys can't run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: run `make install`."
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
            "(Debian/Ubuntu) to run the browser tests."
        )
    return None


def refuse_to_run(reason):
    """Skip the journeys, saying why; in CI fail them instead, since CI must run them."""
    if in_ci():
        pytest.fail(f"{reason} CI must run the browser tests, not skip them.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run; each test gets a fresh context of its own."""
    reason = missing_browser()
    if reason:
        refuse_to_run(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
    # calls from a thread with a running loop. The test thread only prepares rows and checks
    # them afterwards, one call at a time: nothing here is really concurrent, so allow it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(chromium, live_server, request):
    """Open a page in a fresh browser context: `new_page(javascript=False)`, `locale="ru-RU"`,
    `viewport=(390, 844)`.

    The context speaks English (Accept-Language) unless told otherwise, allows downloads, and
    may talk to the live server only: a request anywhere else (a CDN, say) fails the test.
    Script errors on a page fail it too, and so does an exception in the server, even one the
    page never showed (an htmx request it had already given up on). When the test ends every
    page is photographed into artifacts/browser/.
    """
    contexts, pages, outside, script_errors, server_errors = [], [], [], [], []

    def record_server_error(sender, request, **kwargs):
        server_errors.append(f"{request.method} {request.path}")

    got_request_exception.connect(record_server_error)

    def open_page(*, javascript=True, locale="en-US", viewport=(1280, 900)):
        width, height = viewport
        context = chromium.new_context(
            base_url=live_server.url,
            locale=locale,
            java_script_enabled=javascript,
            accept_downloads=True,
            viewport={"width": width, "height": height},
        )
        context.set_default_timeout(TIMEOUT_MS)

        def only_the_shop(route):
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_the_shop)
        page = context.new_page()
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        contexts.append(context)
        pages.append(page)
        return page

    yield open_page

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for number, page in enumerate(pages):
        suffix = f"-{number + 1}" if len(pages) > 1 else ""
        if not page.is_closed():
            page.screenshot(path=ARTIFACTS / f"{name}{suffix}.png", full_page=True)
    for context in contexts:
        context.close()
    got_request_exception.disconnect(record_server_error)
    assert not server_errors, f"the server failed on: {server_errors}"
    assert not outside, f"the page asked for something outside the shop: {outside}"
    assert not script_errors, f"script errors on the page: {script_errors}"


@pytest.fixture
def page(new_page):
    """A page with JavaScript on, in English."""
    return new_page()
