from django import template

register = template.Library()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page, target=None):
    """Page links that keep the current query. `{% pagination page "#results" %}`: with a target,
    htmx swaps only that element and pushes the URL; without JavaScript they are plain links.

    The links are made here from one copy of the query, as `{% querystring page=... %}` makes
    each (a tenth of a product list rendered afresh went into ten of those)."""
    query = context["request"].GET.copy()

    def link(number):
        query["page"] = number
        return f"?{query.urlencode()}"

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    skipped = {page.paginator.ELLIPSIS, page.number}
    return {
        "page": page,
        "target": target,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
        # (number, its link), no link for the current page and the gaps ("…")
        "numbers": [(number, None if number in skipped else link(number)) for number in numbers],
    }
