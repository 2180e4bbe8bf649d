from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()


def format_money(amount, language):
    """Roubles as each language writes them: `1 234,50 ₽` in Russian, `₽1,234.50` in English."""
    try:
        value = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):,.2f}".split(".")
    if (language or "ru").startswith("ru"):
        return f"{sign}{whole.replace(',', ' ')},{cents} ₽"
    return f"{sign}₽{whole}.{cents}"


@register.filter
def money(amount):
    """`{{ product.price|money }}` in the language of the current request."""
    return format_money(amount, get_language())
