from django.contrib import admin
from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.utils.translation import gettext_lazy as _

from shop.admin import ReadOnlyAdmin

from .models import Cart, CartAddition, CartItem, Category, Product, ProductImage, Version


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "product_count"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, category):
        return category.product_count


class AvailabilityFilter(admin.SimpleListFilter):
    title = _("availability")
    parameter_name = "available"

    def lookups(self, request, model_admin):
        return [("1", _("In stock")), ("0", _("Out of stock"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(stock__gt=0)
        if self.value() == "0":
            return queryset.filter(stock=0)
        return queryset


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "price", "stock", "updated"]
    list_select_related = ["category"]
    list_filter = [AvailabilityFilter, "updated"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["category"]
    readonly_fields = ["created", "updated"]

    def delete_queryset(self, request, queryset):
        """The bulk action deletes as Product.delete does: the products locked first (in one
        order), so that a cart change holding one commits before its lines are collected."""
        with transaction.atomic():
            products = Product.objects.filter(pk__in=queryset.values("pk"))
            list(products.locked().values_list("pk"))
            super().delete_queryset(request, queryset)


class CartItemInline(admin.TabularInline):
    model = CartItem
    autocomplete_fields = ["product"]
    extra = 0


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["owner", "item_count", "total", "updated"]
    list_select_related = ["owner"]
    search_fields = ["owner__username", "owner__email"]
    readonly_fields = ["owner", "created", "updated"]
    inlines = [CartItemInline]

    def get_queryset(self, request):
        line_total = ExpressionWrapper(
            F("items__quantity") * F("items__product__price"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
        return (
            super()
            .get_queryset(request)
            .annotate(item_count=Sum("items__quantity"), total=Sum(line_total))
        )

    @admin.display(description=_("items"), ordering="item_count")
    def item_count(self, cart):
        return cart.item_count or 0

    @admin.display(description=_("total"), ordering="total")
    def total(self, cart):
        return cart.total or 0

    def has_add_permission(self, request):
        return False  # every user gets their cart when the account is created


@admin.register(CartItem)
class CartItemAdmin(admin.ModelAdmin):
    list_display = ["cart", "product", "quantity"]
    list_select_related = ["cart__owner", "product"]
    search_fields = ["cart__owner__username", "product__name"]
    autocomplete_fields = ["product"]
    raw_id_fields = ["cart"]


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    """Read only: the counters move with the changes they stand for (apps/market/cache.py)."""

    list_display = ["name", "number"]
    search_fields = ["name"]


@admin.register(CartAddition)
class CartAdditionAdmin(admin.ModelAdmin):
    """Read only: the adds made by token, kept a day so that a retried add counts once.
    (Deleting stays allowed: they go with their cart, and the admin asks for it then.)"""

    list_display = ["cart", "product", "quantity", "token", "created"]
    list_select_related = ["cart__owner", "product"]
    search_fields = ["cart__owner__username", "token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    """Seen and deleted here (also with their product), added on the product's edit page: an
    upload there is decoded and re-encoded (apps/market/pictures.py), which the admin's own
    forms would not do. A deletion hands the main picture on, as on the edit page."""

    list_display = ["file", "product", "width", "height", "position", "is_main"]
    list_select_related = ["product"]
    search_fields = ["product__name", "file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        obj.remove()

    def delete_queryset(self, request, queryset):
        for image in queryset:
            image.remove()
