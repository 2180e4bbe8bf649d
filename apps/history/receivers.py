from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .middleware import current_actor
from .models import HistoryUserApp


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="history_account_deleted")
def record_account_deleted(sender, instance, **kwargs):
    """Write `deleted` while the user still exists (the seed's pre_delete signal).

    The record keeps the username; its `user` (and `actor`, if the user deleted themself) turn
    NULL as the row goes, so the record outlives the account. `instance` is the user.
    """
    HistoryUserApp.objects.create(
        user=instance,
        username=instance.get_username(),
        status=HistoryUserApp.Status.DELETED,
        actor=current_actor(),
    )
