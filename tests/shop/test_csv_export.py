"""shop.csv_export: the cells every CSV download writes (SPEC §5, §8)."""

import pytest

from shop.csv_export import text_cell


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_get_an_apostrophe(value):
    assert text_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        '＝HYPERLINK("http://evil")',  # full-width equals sign
        "＋1",
        "－1",
        "＠SUM(A1)",
        "\ufeff=1+1",  # a byte order mark before it
        "\u200b=1+1",  # a zero-width space
        "\u200d\u2060\u00ad+1",  # several invisible characters
        "\u200b\uff1d1",  # both at once
    ],
)
def test_formula_starts_count_after_nfkc_and_past_invisible_characters(value):
    assert text_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Чайник", "1+1", " =1", "a=b", "\u200b", "Ｔ=1"])
def test_other_text_is_left_as_it_is(value):
    assert text_cell(value) == value
