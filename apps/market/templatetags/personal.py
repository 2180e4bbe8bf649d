"""The parts of a page that belong to whoever is looking at it, in templates that may be kept in
the page cache (apps/market/cache.py has the rules). On a page from the cache they are filled in
for each request:

- `{% csrf_token %}` and `{{ csrf_token }}`, as anywhere;
- the user's names: `{{ user.get_username }}`, `{{ user.first_name }}`, ... and the cart badge's
  `{{ cart_badge.count }}`, `{{ cart_badge.url }}`, `{{ cart_badge.cart_id }}`: show them, decide
  nothing on them (`{% if %}`, filters that compute);
- `{% idempotency_token %}`: a hidden `token` field with a value of its own for each form and
  each page served (the add-to-cart forms: a retried add counts once);
- `{% personal "includes/some.html" %}`: that template, rendered for each request with what the
  context processors give (request, user, messages, cart badge, language, CSRF token): for
  anything that must decide on who is looking. `{% personal "includes/toasts.html"
  when="messages" %}`: rendered again only for a request that has messages to show (the toasts).
"""

from django import template

from .. import cache

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, template_name, when=None):
    return cache.personal_part(context, template_name, when)


@register.simple_tag
def idempotency_token():
    return cache.idempotency_token()
