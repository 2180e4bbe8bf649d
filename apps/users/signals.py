"""Signals the users app sends, for whoever keeps track (the history app listens).

The users app never imports its listeners: it announces what happened, and other apps decide what
that means to them.
"""

from django.dispatch import Signal

# Sent after an existing profile was saved with different names.
# Arguments: `sender` (Profile), `profile` (the saved profile), `changed` (the names of the fields
# whose values changed, e.g. ["first_name"]).
profile_updated = Signal()
