"""Admin pieces the apps share."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the shop writes itself (an audit trail, counters, tokens): shown in the admin,
    never added, changed or deleted by hand there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
