from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Cart


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="market_create_cart")
def create_cart(sender, instance, created, raw, **kwargs):
    """Give every new user their cart at once (the seed's post_save signal).

    Arguments as post_save sends them: `instance` is the saved user, `created` is true for a new
    row, `raw` is true while loading fixtures, when no side effects belong.
    """
    if created and not raw:
        Cart.objects.create(owner=instance)
