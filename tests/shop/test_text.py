"""Names in quotes: the language's quotes outside, the quotes a name carries turned into the
inner ones, never doubled (shop/text.py)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from shop.text import quoted


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Чайник", "ru", "«Чайник»"),
        ("Kettle", "en", "“Kettle”"),
        ("Булгаков М. «Мастер и Маргарита»", "ru", "«Булгаков М. „Мастер и Маргарита“»"),
        ("Булгаков М. «Мастер и Маргарита»", "en", "“Булгаков М. ‘Мастер и Маргарита’”"),
        ("«Атлас мира». Настольное издание", "ru", "«„Атлас мира“. Настольное издание»"),
        ("«Атлас мира». Настольное издание", "en", "“‘Атлас мира’. Настольное издание”"),
        ("Книга „Сказки“", "ru", "«Книга „Сказки“»"),  # Russian inner quotes stay what they are
        ("The “Moon” lamp", "en", "“The ‘Moon’ lamp”"),
        ("Набор (“Люкс”)", "ru", "«Набор („Люкс“)»"),
        ('Монитор 27"', "ru", '«Монитор 27"»'),  # inches, not a quote
        ("O’Reilly", "en", "“O’Reilly”"),  # an apostrophe
        ("", "ru", "«»"),
        ("Чайник", "de", "“Чайник”"),  # a language without its own: English quotes
    ],
)
def test_quoted(text, language, expected):
    assert quoted(text, language) == expected


def test_the_filter_follows_the_language_and_escapes():
    template = Template("{{ name|quoted }}")
    context = Context({"name": "<b>«Атлас»</b>"})
    with translation.override("ru"):
        assert template.render(context) == "«&lt;b&gt;„Атлас“&lt;/b&gt;»"
    with translation.override("en"):
        assert template.render(context) == "“&lt;b&gt;‘Атлас’&lt;/b&gt;”"
