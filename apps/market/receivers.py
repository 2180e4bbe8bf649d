"""What the market does when its models change: every new user gets a cart, and every change to
what a cached page shows moves that page's version (apps/market/cache.py)."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import cache, pictures
from .models import Cart, CartItem, Category, Product, ProductImage
from .signals import stock_changed


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="market_create_cart")
def create_cart(sender, instance, created, raw, **kwargs):
    """Give every new user their cart at once (the seed's post_save signal).

    Arguments as post_save sends them: `instance` is the saved user, `created` is true for a new
    row, `raw` is true while loading fixtures, when no side effects belong.
    """
    if created and not raw:
        Cart.objects.create(owner=instance)


def catalogue_changed(sender, raw=False, **kwargs):
    """A product, a category or a product's picture was saved or deleted: the catalogue's
    version moves, in the same transaction (post_save and post_delete arguments; nothing moves
    while fixtures load, `raw`). A bulk queryset.update() sends no signal: code that uses one on
    these models sends a signal of its own that comes here too (stock_changed)."""
    if not raw:
        cache.bump(cache.CATALOGUE)


for model in (Product, Category, ProductImage):
    post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"bump_{model.__name__}")
    post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"bump_{model.__name__}_del")
stock_changed.connect(catalogue_changed, dispatch_uid="bump_stock")


@receiver(post_save, sender=CartItem, dispatch_uid="market_cart_line_saved")
@receiver(post_delete, sender=CartItem, dispatch_uid="market_cart_line_deleted")
def cart_line_changed(sender, instance, **kwargs):
    """A cart line was saved or deleted (by Cart.change_line, the admin, an order emptying the
    cart, a deleted product): its cart's last change moves, which is the version of its cached
    page. Once the change has committed, in a statement of its own: locking the cart's row inside
    the change could deadlock with Cart.change_line, which locks the cart first. `instance` is
    the line."""
    transaction.on_commit(partial(Cart.objects.filter(pk=instance.cart_id).touch))


@receiver(post_delete, sender=ProductImage, dispatch_uid="market_picture_files")
def delete_picture_files(sender, instance, **kwargs):
    """A picture was deleted (by itself, or with its product): its file and renditions go from
    the storage once the deletion has committed, never before (a rolled-back deletion keeps a
    picture whose files are still there). `instance` is the deleted picture."""
    transaction.on_commit(partial(pictures.delete_files, instance.file_names))
