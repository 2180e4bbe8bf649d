from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from apps.market.templatetags.money import format_money


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (Decimal("1234.5"), "ru", "1 234,50 ₽"),
        (Decimal("1234.5"), "en", "₽1,234.50"),
        (Decimal("0"), "ru", "0,00 ₽"),
        (Decimal("99999999.99"), "ru", "99 999 999,99 ₽"),
        (Decimal("99999999.99"), "en", "₽99,999,999.99"),
        (Decimal("-5"), "en", "-₽5.00"),
        ("7.005", "en", "₽7.00"),
        (None, "ru", ""),
        ("not a number", "en", ""),
    ],
)
def test_format_money(amount, language, expected):
    assert format_money(amount, language) == expected


def test_filter_follows_the_active_language():
    template = Template("{% load money %}{{ price|money }}")
    with translation.override("en"):
        assert template.render(Context({"price": Decimal("1234.5")})) == "₽1,234.50"
    with translation.override("ru"):
        assert template.render(Context({"price": Decimal("1234.5")})) == "1 234,50 ₽"
