"""Russian by default, English second; Accept-Language decides until the switcher does (SPEC §6)."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES"


def test_russian_is_the_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="ru">' in html
    assert "Войти" in html


def test_accept_language_picks_english(client):
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_the_switcher_choice_wins_over_the_browser_and_is_kept_in_a_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/healthz"})
    assert response.status_code == 302
    assert response["Location"] == "/healthz"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/", headers={"Accept-Language": "ru"}).content.decode()
    assert '<html lang="en">' in html

    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert '<html lang="ru">' in client.get("/").content.decode()


def test_the_switcher_refuses_an_unknown_language(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="ru">' in client.get("/").content.decode()


def test_every_russian_message_is_translated():
    catalog = polib.pofile(str(LOCALE / "django.po"))
    assert catalog.percent_translated() == 100, [e.msgid for e in catalog.untranslated_entries()]
    assert not catalog.fuzzy_entries(), [e.msgid for e in catalog.fuzzy_entries()]


def test_the_compiled_catalog_is_up_to_date():
    """The .mo ships compiled (no gettext tools needed to run) and matches the .po."""
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in polib.pofile(str(LOCALE / "django.po"))
        if not e.obsolete
    }
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in polib.mofile(str(LOCALE / "django.mo"))
    }
    compiled.pop((None, ""), None)  # the header
    assert compiled == source
