from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import bump, bump_catalogue_version
from .models import Cart, CartItem, Category, Product


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="market_create_cart")
def create_cart(sender, instance, created, raw, **kwargs):
    """Give every new user their cart at once (the seed's post_save signal).

    Arguments as post_save sends them: `instance` is the saved user, `created` is true for a new
    row, `raw` is true while loading fixtures, when no side effects belong.
    """
    if created and not raw:
        Cart.objects.create(owner=instance)


# Any saved or deleted product or category changes what the catalogue pages show. (Bulk
# queryset.update() sends no signal: code that uses it on these models must bump the version.)
for model in (Product, Category):
    post_save.connect(bump_catalogue_version, sender=model, dispatch_uid=f"bump_{model.__name__}")
    post_delete.connect(
        bump_catalogue_version, sender=model, dispatch_uid=f"bump_{model.__name__}_del"
    )


@receiver(post_save, sender=CartItem, dispatch_uid="market_cart_line_saved")
@receiver(post_delete, sender=CartItem, dispatch_uid="market_cart_line_deleted")
def bump_cart_version(sender, instance, **kwargs):
    """A cart line was saved or deleted (by the admin, say, or with its product): the cached
    page of its cart is out of date. `instance` is the line."""
    bump(f"cart:{instance.cart_id}")
