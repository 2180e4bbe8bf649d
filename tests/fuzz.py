"""Hypothesis strategies for what a hostile or clumsy client puts in a form field.

`field(*edges)` is any of: the field's own edge values (at and past its bounds), arbitrary
Unicode, numbers written every way, non-numeric ids, very long strings, NUL bytes and odd
characters. `form(required=..., optional=...)` is a form body in which optional fields may be
missing altogether.
"""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The fuzz tests share the test's database and client between examples (each example cleans up
# what it needs), and how fast examples are made depends on the machine, not on the shop.
shared_fixtures = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# Any character but lone surrogates: those can't be encoded in UTF-8, so no client sends them.
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))

ODD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\t\r\n",
        "\u202etxet",  # right-to-left override
        "\ufeff",  # byte order mark
        "\u200b",  # zero-width space
        "e\u0301",  # combining accent
        "ǅ",  # titlecase letter
        "ß",
        "İ",  # lower() changes its length
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "🛒🫖",
        "١٢٣",  # Arabic-Indic digits: int() reads them
        "１２",  # full-width digits
        "NaN",
        "-Infinity",
        "1e308",
        "0x1F",
        "1_000",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%00",
        "../../etc/passwd",
        "Ё" * 101,
        "я" * 201,
        "x" * 10_000,
    ]
)

NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)

ANY_VALUE = st.one_of(
    st.text(ANY_CHARACTER, max_size=60),
    ODD,
    NUMBERS,
    st.text(ANY_CHARACTER, min_size=95, max_size=210),
)

IDS = st.one_of(
    st.sampled_from(["0", "-1", "1.5", "abc", "١", "2147483648", "9223372036854775808", "1e3"]),
    st.integers(min_value=-(2**64), max_value=2**64).map(str),
)


def field(*edges):
    """A value for one field: mostly its edges, often anything at all."""
    return (
        st.one_of(st.sampled_from([str(edge) for edge in edges]), ANY_VALUE) if edges else ANY_VALUE
    )


def form(required=None, optional=None):
    """A form body: `required` fields are always sent (any value), `optional` ones may not be."""
    return st.fixed_dictionaries(required or {}, optional=optional or {})


def often(value, strategy):
    """`value` half the time, else a draw from `strategy`. A form whose fields are each often
    valid is now and then valid as a whole, so that the success path is fuzzed too."""
    return st.booleans().flatmap(lambda valid: st.just(value) if valid else strategy)
