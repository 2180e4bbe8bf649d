from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    """The lines as they were ordered: a record, not something to edit afterwards."""

    model = OrderLine
    fields = ["product", "name", "price", "quantity"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are placed at the checkout and move through the shop's order pages, which keep
    the rules (the status graph, stock returned on cancelling, history, emails): here the
    contact details can be corrected, and everything else is read-only."""

    list_display = ["__str__", "created", "user", "name", "status", "paid", "total"]
    list_select_related = ["user"]
    list_filter = ["status", "paid", "delivery", "payment", "created"]
    search_fields = ["=id", "name", "email", "phone", "user__username"]
    date_hierarchy = "created"
    readonly_fields = ["user", "status", "paid", "total", "language", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["user", "status", "paid", "total", "created", "updated"]}),
        (_("Contact"), {"fields": ["name", "email", "phone", "language"]}),
        (_("Delivery and payment"), {"fields": ["delivery", "address", "payment", "comment"]}),
    ]
    inlines = [OrderLineInline]

    def has_add_permission(self, request):
        return False


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "price", "quantity", "product"]
    list_select_related = ["order", "product"]
    search_fields = ["name", "=order__id"]
    readonly_fields = ["order", "product", "name", "price", "quantity"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
