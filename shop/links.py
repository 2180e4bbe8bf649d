"""Links to objects by primary key, for pages that show many of them.

`reverse()` matches the name against the URLconf, checks the arguments against the pattern and
quotes the result, every time: on a product list rendered afresh, its 24 product links cost a
fifth of the cards. A URL whose only argument is an `<int:pk>` is the same text around the
number whatever the number, so that text is found once (per URLconf and script prefix, which
`reverse()` also reads) and the number put between.
"""

from functools import cache

from django.urls import get_script_prefix, get_urlconf, reverse

PLACEHOLDER = 9_081_726_354  # a number no other part of a URL spells


def url_by_pk(viewname, pk):
    """`reverse(viewname, args=[pk])` for a URL pattern whose one argument is `<int:pk>`."""
    before, after = around_pk(viewname, get_urlconf(), get_script_prefix())
    return f"{before}{int(pk)}{after}"


@cache
def around_pk(viewname, urlconf, prefix):
    url = reverse(viewname, urlconf=urlconf, args=[PLACEHOLDER])
    before, _, after = url.partition(str(PLACEHOLDER))
    return before, after
