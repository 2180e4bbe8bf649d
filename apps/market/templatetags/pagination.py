from django import template

register = template.Library()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page, target=None):
    """Page links that keep the current query. `{% pagination page "#results" %}`: with a target,
    htmx swaps only that element and pushes the URL; without JavaScript they are plain links."""
    return {
        "request": context["request"],
        "page": page,
        "target": target,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }
