"""The market's own signals, for changes Django's model signals don't announce."""

from django.dispatch import Signal

# Stock taken or returned by a bulk UPDATE (ProductQuerySet.take_stock and return_stock), which
# sends no post_save. Arguments: `products`, the ids whose stock moved.
stock_changed = Signal()
