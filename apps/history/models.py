from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.users.models import Profile  # the history knows the users app, never the other way
from shop.text import quoted


def start_of_day(day):
    """The first moment of `day` in the shop's time zone (settings.TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class HistoryQuerySet(models.QuerySet):
    def record(self, status, user, *, actor=None, username=None, **details):
        """Write one event about `user` (None if no account matches, as for a failed login).

        The actor's username goes into the details too: `actor` turns NULL when that account is
        deleted (a user deleting themself, for one), the name stays readable.
        """
        if actor is not None:
            details["actor"] = actor.get_username()
        return self.create(
            user=user,
            username=username if username is not None else user.get_username(),
            status=status,
            actor=actor,
            details=details,
        )

    def for_username(self, username):
        """Records of `username`, matched exactly but ignoring case, whether the account still
        exists or not. LOWER() on both sides, so that PostgreSQL uses history_username_idx."""
        return self.alias(username_lower=Lower("username")).filter(
            username_lower=Lower(models.Value(username))
        )

    def between(self, first_day=None, last_day=None):
        """Records from the start of `first_day` to the end of `last_day`, both inclusive, as
        days in the shop's time zone. The earliest and latest dates a form accepts mean no bound
        (their midnight would fall outside what a datetime can hold once converted to UTC)."""
        records = self
        if first_day is not None and first_day > date.min:
            records = records.filter(created__gte=start_of_day(first_day))
        if last_day is not None and last_day < date.max:
            records = records.filter(created__lt=start_of_day(last_day + timedelta(days=1)))
        return records


class HistoryUserApp(models.Model):
    """One event in a user's life in the shop. A record outlives the user it names: `user` becomes
    NULL when the account goes, `username` keeps who it was."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        LOGGED_IN = "logged_in", _("logged in")
        LOGGED_OUT = "logged_out", _("logged out")
        LOGIN_FAILED = "login_failed", _("login failed")
        PROFILE_UPDATED = "profile_updated", _("profile updated")
        PROFILE_DELETED = "profile_deleted", _("profile deleted")
        DELETED = "deleted", _("account deleted")
        ORDER_PLACED = "order_placed", _("order placed")
        ORDER_STATUS_CHANGED = "order_status_changed", _("order status changed")
        ORDER_CANCELLED = "order_cancelled", _("order cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="history",
    )
    username = models.CharField(_("username"), max_length=150)
    status = models.CharField(_("event"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who did it: the user themself, a staff member, or nobody."),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("history record")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["-created", "-id"], name="history_created_idx"),
            models.Index(Lower("username"), "created", name="history_username_idx"),
            models.Index(fields=["status", "created"], name="history_status_idx"),
        ]

    def __str__(self):
        return f"{self.username}: {self.get_status_display()}"

    @property
    def actor_name(self):
        """Who did it, even after their account is gone; "" for nobody."""
        if self.actor is not None:
            return self.actor.get_username()
        return self.details.get("actor", "")

    @property
    def summary(self):
        """The event's details in words: the login name a failed login tried (and whether the
        limit of failed logins refused it), the fields a profile update changed."""
        if self.status == self.Status.LOGIN_FAILED and self.details.get("refused"):
            return gettext("tried “%(login)s”, refused: too many failed logins") % {
                "login": self.details.get("login", "")
            }
        if self.status == self.Status.LOGIN_FAILED and self.details.get("login"):
            return gettext("tried %(login)s") % {"login": quoted(self.details["login"])}
        if self.status in ORDER_EVENTS and self.details.get("order"):
            summary = gettext("order No. %(number)s") % {"number": self.details["order"]}
            if self.status == self.Status.ORDER_STATUS_CHANGED and self.details.get("to"):
                # The order statuses' own labels, translated by the same msgids.
                before, after = gettext(self.details.get("from", "")), gettext(self.details["to"])
                summary += f": {before} → {after}"
            return summary
        if self.status == self.Status.PROFILE_UPDATED and self.details.get("fields"):
            labels = []
            for name in self.details["fields"]:
                try:
                    labels.append(str(Profile._meta.get_field(name).verbose_name))
                except FieldDoesNotExist:  # recorded before a field was renamed
                    labels.append(name)
            return capfirst(", ".join(labels))
        return ""


ORDER_EVENTS = (
    HistoryUserApp.Status.ORDER_PLACED,
    HistoryUserApp.Status.ORDER_STATUS_CHANGED,
    HistoryUserApp.Status.ORDER_CANCELLED,
)
