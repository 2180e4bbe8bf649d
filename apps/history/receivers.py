"""The history listens to everyone: Django's auth signals, allauth's sign-up, the users app's own
signals and the models' deletions. The apps that send them never import the history."""

from allauth.account.signals import user_signed_up
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import QuerySet
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from apps.orders.signals import order_placed, order_status_changed
from apps.users.models import Profile
from apps.users.signals import profile_updated

from .middleware import current_actor
from .models import HistoryUserApp

Status = HistoryUserApp.Status
LOGIN_KEYS = ("username", "email", "login", "phone")  # how the login forms name what was typed


@receiver(user_signed_up, dispatch_uid="history_registered")
def record_registered(sender, request, user, **kwargs):
    """allauth's sign-up: `user` is the new account, which signed itself up."""
    HistoryUserApp.objects.record(Status.REGISTERED, user, actor=user)


@receiver(user_logged_in, dispatch_uid="history_logged_in")
def record_logged_in(sender, request, user, **kwargs):
    """Any login (allauth's form, the admin's, a test's force_login): `user` logged in."""
    HistoryUserApp.objects.record(Status.LOGGED_IN, user, actor=user)


@receiver(user_logged_out, dispatch_uid="history_logged_out")
def record_logged_out(sender, request, user, **kwargs):
    """`user` is None when nobody was logged in. An account that deleted itself is logged out
    after its row is gone (request.user still carries the old pk): its `deleted` record already
    says everything, and a record pointing at the vanished row would break its foreign key."""
    if user is None or not get_user_model().objects.filter(pk=user.pk).exists():
        return
    HistoryUserApp.objects.record(Status.LOGGED_OUT, user, actor=user)


@receiver(user_login_failed, dispatch_uid="history_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    """A login that failed, with the name that was tried. Django has already masked the password
    in `credentials`; only the login name is read from them.

    When the name belongs to an account (its username or email, in any case), the record is
    that account's, so the history filtered by its username shows the attempt.
    """
    login = next((str(credentials[key]) for key in LOGIN_KEYS if credentials.get(key)), "")
    login = login.strip()[:150]
    user = account_named(login)
    username = user.get_username() if user else login
    HistoryUserApp.objects.record(Status.LOGIN_FAILED, user, username=username, login=login)


def account_named(login):
    if not login:
        return None
    users = get_user_model().objects.order_by("pk")
    return users.filter(username__iexact=login).first() or (
        users.filter(email__iexact=login).first() if "@" in login else None
    )


@receiver(profile_updated, dispatch_uid="history_profile_updated")
def record_profile_updated(sender, profile, changed, **kwargs):
    """The users app's signal: `changed` names the fields that changed."""
    HistoryUserApp.objects.record(
        Status.PROFILE_UPDATED, profile.user, actor=current_actor(), fields=list(changed)
    )


@receiver(post_delete, sender=Profile, dispatch_uid="history_profile_deleted")
def record_profile_deleted(sender, instance, origin, **kwargs):
    """A profile deleted on its own (the account stays). A profile deleted because its account
    was (`origin` is the user or a queryset of users) is part of that `deleted` event."""
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin_model is not Profile:
        return
    HistoryUserApp.objects.record(Status.PROFILE_DELETED, instance.user, actor=current_actor())


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="history_account_deleted")
def record_account_deleted(sender, instance, **kwargs):
    """Write `deleted` while the user still exists (the seed's pre_delete signal).

    The record keeps the username; its `user` (and `actor`, if the user deleted themself) turn
    NULL as the row goes, so the record outlives the account. `instance` is the user.
    """
    HistoryUserApp.objects.record(Status.DELETED, instance, actor=current_actor())


def record_order_event(status, order, actor, **details):
    """A record about `order` for its owner; an order whose account is gone is filed under no
    username (the order keeps the contact details)."""
    owner = order.user
    HistoryUserApp.objects.record(
        status,
        owner,
        actor=actor,
        username=owner.get_username() if owner is not None else "",
        order=order.pk,
        **details,
    )


@receiver(order_placed, dispatch_uid="history_order_placed")
def record_order_placed(sender, order, actor, **kwargs):
    """The orders app's signal: `actor` placed `order`."""
    record_order_event(Status.ORDER_PLACED, order, actor, total=f"{order.total:.2f}")


@receiver(order_status_changed, dispatch_uid="history_order_status_changed")
def record_order_status_changed(sender, order, actor, old_status, new_status, **kwargs):
    """The orders app's signal: `actor` moved `order` from `old_status` to `new_status`;
    cancelling has a status of its own."""
    status = Status.ORDER_CANCELLED if new_status == "cancelled" else Status.ORDER_STATUS_CHANGED
    record_order_event(status, order, actor, **{"from": old_status, "to": new_status})
