"""`{% picture image kind alt %}`: a product picture's <img>, with the renditions that fit where
it is shown (`srcset`, `sizes`), its `width` and `height` (so the page doesn't jump while it
loads) and `loading="lazy"` unless it is on the first screen (`lazy=False`)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# kind: (the boxes of its renditions, the box its width and height are given for, sizes)
KINDS = {
    # A card: two columns on a phone, up to four on a desktop.
    "card": ((320, 640), 320, "(min-width: 1200px) 320px, (min-width: 576px) 33vw, 50vw"),
    # The product page's large picture: the page's width on a phone, 640 px beside the box.
    "page": ((640, 1280), 640, "(min-width: 992px) 640px, 100vw"),
    # A small one: the gallery's thumbnails, the cart's lines, the staff's list of pictures.
    "thumb": ((320,), 320, "96px"),
}


LOADING = {True: 'loading="lazy"', False: 'decoding="async"', "first": 'fetchpriority="high"'}


@register.simple_tag
def picture(image, kind, alt, lazy=True, css="product-picture-img"):
    """`lazy=False` for a picture on the first screen; the product page's own gets fetched
    first (`lazy="first"`)."""
    boxes, box, sizes = KINDS[kind]
    width, height = image.size(box)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}" {}>',
        image.url(box),
        image.srcset(boxes),
        sizes,
        width,
        height,
        alt,
        css,
        mark_safe(LOADING[lazy]),  # noqa: S308 (constants)
    )
