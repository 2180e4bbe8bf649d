from django.contrib import admin

from shop.admin import ReadOnlyAdmin

from .models import HistoryUserApp


@admin.register(HistoryUserApp)
class HistoryUserAppAdmin(ReadOnlyAdmin):
    """An audit trail is read, never written by hand: no adding, changing or deleting here."""

    list_display = ["created", "username", "status", "actor"]
    list_filter = ["status", "created"]
    list_select_related = ["actor"]
    search_fields = ["username"]
    date_hierarchy = "created"
