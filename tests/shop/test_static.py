"""The shop's own static files."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_stylesheet_closes_every_block_it_opens():
    """A brace lost (in a merge, say) is no error to a browser: it reads every rule after it as
    part of the unclosed block and drops them, which once left product pictures unstyled."""
    css = re.sub(r"/\*.*?\*/", "", (STATIC / "shop.css").read_text(), flags=re.S)
    depth = 0
    for line_number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"a block closed twice by line {line_number}"
    assert depth == 0, "a block is never closed"
