"""What the escaping tests (tests/*/test_escaping.py, issue 7) check a page for: text that holds
markup reached it as text, escaped the way Django's templates escape, and never as markup."""


def escape_like_django(text):
    """Written out rather than borrowed from django.utils.html, so that a change there can't
    make the tests agree with a page that escapes less."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def assert_text_not_markup(response, *texts):
    """Each of `texts` is on the page, escaped, and nowhere on it as it was written."""
    assert response.status_code in (200, 422), response.status_code
    html = response.content.decode()
    where = response.request["PATH_INFO"]
    for text in texts:
        assert text not in html, f"{text!r} reached {where} as markup"
        assert escape_like_django(text) in html, f"{text!r} missing from {where}"
