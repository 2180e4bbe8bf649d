from django.contrib import admin

from .models import HistoryUserApp


@admin.register(HistoryUserApp)
class HistoryUserAppAdmin(admin.ModelAdmin):
    """An audit trail is read, never written by hand: no adding, changing or deleting here."""

    list_display = ["created", "username", "status", "actor"]
    list_filter = ["status", "created"]
    list_select_related = ["actor"]
    search_fields = ["username"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
