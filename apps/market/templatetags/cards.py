"""`{% product_card product position %}`: a product's card (market/includes/product_card.html).

A card looks the same on every page it is on, but for the page's address (its add-to-cart form
comes back to it): a page rendered for the page cache takes each card from the ones its process
has rendered already (apps/market/cache.py, shared parts), which makes a page rendered afresh
cheaper by most of its cards' cost."""

from django import template

from .. import cache

register = template.Library()

FIRST_SCREEN = 4  # cards whose pictures load at once: the first screen, at any width


@register.simple_tag(takes_context=True)
def product_card(context, product, position=None):
    """`product` from ProductQuerySet.for_cards(); `position`: its place in a list from 1, or
    None for a card below the fold. Its key names everything the card shows of the product:
    a field the template shows must be named here too."""
    eager = position is not None and position <= FIRST_SCREEN
    image = product.main_image
    shown = (
        product.pk,
        product.name,
        product.price,
        product.stock,
        product.category.name,
        image and (image.pk, image.file.name, image.width, image.height),
        eager,
    )
    name = "market/includes/product_card.html"
    return cache.shared_part(context, name, shown, product=product, eager=eager)
