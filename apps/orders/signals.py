"""Signals the orders app sends, for whoever keeps track (the history app listens; the orders
app's own receivers email the shopper). Sent inside the transaction that made the change.

The orders app never imports its listeners: it announces what happened.
"""

from django.dispatch import Signal

# An order was placed. Arguments: `sender` (Order), `order` (the new order), `actor` (the user who
# placed it).
order_placed = Signal()

# An order's status changed (cancelling included). Arguments: `sender` (Order), `order` (the
# order, already in its new status), `actor` (who changed it), `old_status`, `new_status`.
order_status_changed = Signal()
