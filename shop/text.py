"""Typography every language needs: a name in quotes, the quotes inside it turned into the
inner ones, so that «Булгаков М. «Мастер и Маргарита»» (doubled at the end) or “«…»” (two
languages' marks at once) never reach a page. `quoted` is a template filter too (a builtin,
see TEMPLATES in settings)."""

from django import template
from django.utils.translation import get_language

register = template.Library()

# language: (outer opening, outer closing, inner opening, inner closing)
QUOTES = {"ru": "«»„“", "en": "“”‘’"}
# Typographic double quotes a name may carry. Straight ones (") stay: they are inches too.
MARKS = "«»„“”"
OPENING_ONLY, CLOSING_ONLY = "«„", "»"


def quoted(text, language=None):
    """`text` in the language's quotes, with the quotes in it turned into the inner ones.

    «» say which way they face; “ ” (and the “ that closes a Russian „…“) are told apart by
    what precedes them: a quote at the start or after a space or a bracket opens.
    """
    language = (language or get_language() or "ru").split("-")[0]
    outer_open, outer_close, inner_open, inner_close = QUOTES.get(language, QUOTES["en"])
    text = str(text)
    result = []
    for index, char in enumerate(text):
        if char in MARKS:
            before = text[index - 1] if index else " "
            opens = char in OPENING_ONLY or (
                char not in CLOSING_ONLY and (before.isspace() or before in "([{")
            )
            char = inner_open if opens else inner_close
        result.append(char)
    return f"{outer_open}{''.join(result)}{outer_close}"


@register.filter(name="quoted")
def quoted_filter(text):
    """`{{ product.name|quoted }}`: in quotes, in the language of the request."""
    return quoted(text)
