from allauth.account.signals import password_reset
from allauth.core import ratelimit
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .adapter import LOGIN_BUDGET
from .models import Profile, UsernameSkeleton, username_skeleton

NAME_FIELDS = {"first_name", "last_name"}


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="users_sync_profile")
def sync_profile(sender, instance, created, raw, update_fields, **kwargs):
    """Create a new user's profile; later saves of the user carry its names to the profile.

    A profile its owner deleted is not brought back: only `created` creates one. Saves that
    touch no name (the login's `last_login` update) cost no query.

    Arguments as post_save sends them: `instance` is the user, `created` is true for a new row,
    `raw` is true while loading fixtures, `update_fields` names the saved columns or is None.
    """
    if raw:
        return
    if created:
        Profile.objects.create_for(instance)
    elif update_fields is None or NAME_FIELDS & set(update_fields):
        Profile.objects.filter(user=instance).update(
            first_name=instance.first_name, last_name=instance.last_name
        )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="users_username_skeleton")
def keep_username_skeleton(sender, instance, created, raw, update_fields, **kwargs):
    """Give a new account the skeleton of its username, and a renamed one its new skeleton.
    A name that looks like another account's raises IntegrityError: whoever saved the user
    refuses it (the sign-up form, the admin) within its transaction. Saves that can't touch
    the username (the login's `last_login`) cost no query.

    Arguments as post_save sends them (see sync_profile).
    """
    if raw or not (created or update_fields is None or "username" in update_fields):
        return
    username = instance.get_username()
    if not created and UsernameSkeleton.objects.filter(user=instance, username=username).exists():
        return
    UsernameSkeleton.objects.update_or_create(
        user=instance, defaults={"username": username, "skeleton": username_skeleton(username)}
    )


@receiver(password_reset, dispatch_uid="users_clear_login_budget")
def clear_login_budget(sender, request, user, **kwargs):
    """A password just reset by its owner (through the emailed link) opens the account's budget
    of failed logins again, as allauth does for its own limit: the new password works at once.
    Arguments as allauth sends them: `request`, `user` (whose password was reset)."""
    ratelimit.clear(request, action=LOGIN_BUDGET, key=f"account:{user.pk}")
