"""Issue 7 is done when .ci/run runs the browser journeys on a clean machine: it installs
Debian's Chromium where it is missing, exports CI=1 so that the journeys fail rather than skip
without it, and runs the whole suite (journeys included) on SQLite and on PostgreSQL."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import conftest as browser

CI_RUN = (Path(settings.BASE_DIR) / ".ci" / "run").read_text()
MAKEFILE = (Path(settings.BASE_DIR) / "Makefile").read_text()


def recipe(target):
    """The commands of a Makefile target."""
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", MAKEFILE, re.M)
    assert match, f"no target {target}"
    return match.group(1)


def test_ci_installs_the_chromium_the_journeys_drive_when_it_is_missing():
    install = re.search(r"if \[ ! -x (\S+) \]; then\n(.*?)\nfi\n", CI_RUN, re.S)
    assert install, "no step installing Chromium"
    assert install.group(1) == browser.CHROMIUM == "/usr/bin/chromium"
    assert "apt-get install -y -qq chromium" in install.group(2)
    assert "playwright install" not in CI_RUN  # never a browser of Playwright's own


def test_ci_says_it_is_ci_before_any_test():
    assert CI_RUN.index("export CI=1") < CI_RUN.index("make test")


def test_ci_runs_the_whole_suite_on_both_databases():
    runs = re.findall(r"^(.*)\bmake (test\S*)$", CI_RUN, re.M)
    assert sorted(runs) == [
        ("", "test"),
        ("DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop ", "test"),
    ]
    assert recipe("test").strip() == "$(PYTEST)"  # no marker left out
    assert recipe("test-browser").strip() == "$(PYTEST) -m browser"
    assert re.search(r"^PYTEST = \$\(BIN\)/python -m pytest (?!.*-m )", MAKEFILE, re.M)


def test_without_chromium_the_journeys_skip_here_and_fail_in_ci(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    reason = browser.missing_browser()
    assert "apt-get install chromium" in reason
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser.refuse_to_run(reason)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser.refuse_to_run(reason)
