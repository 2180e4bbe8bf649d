from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
