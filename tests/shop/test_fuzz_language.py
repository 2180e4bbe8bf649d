"""The navbar's language switcher, fuzzed (issue 7): Django's set_language gets any `language`
and any `next`. No answer is a 500, the pages that follow speak a language of the shop's, and
the redirect never leaves the site, whatever `next` said."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import field, form, shared_fixtures

pytestmark = pytest.mark.django_db


@shared_fixtures
@given(
    body=form(
        optional={
            "language": field("ru", "en", "EN", "en-us", "ru-RU", "de", "zh-hans", ""),
            "next": field(
                "/",
                "/market/products/?q=чай",
                "//evil.example.com/",
                "https://evil.example.com/",
                "http://testserver/market/",
                "javascript:alert(1)",
                "/\\evil.example.com",
                "\\\\evil.example.com",
            ),
        }
    ),
    logged_in=st.booleans(),
)
def test_set_language(client, shopper, body, logged_in):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    if logged_in:
        client.force_login(shopper)
    else:
        client.logout()
    response = client.post("/i18n/setlang/", body, headers={"Accept": "text/html"})
    assert response.status_code == 302
    where = urlsplit(response["Location"])
    assert where.scheme in ("", "http")
    assert where.netloc in ("", "testserver")
    assert not response["Location"].startswith(("//", "/\\"))
    # Django keeps any language it has a catalogue for ("de", "EN"); the pages that follow are
    # in one the shop speaks all the same.
    page = client.get("/").text
    assert re.search(r'<html lang="(ru|en)">', page)
