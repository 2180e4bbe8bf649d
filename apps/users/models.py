from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """A user's public names, created with the user (see receivers).

    The names mirror the user's own first_name and last_name both ways: saving the user updates
    the profile (receivers), saving the profile updates the user (save below).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # update() rather than user.save(): no post_save, so no loop back into this profile.
        get_user_model().objects.filter(pk=self.user_id).update(
            first_name=self.first_name, last_name=self.last_name
        )

    def get_absolute_url(self):
        return reverse("users:profile_detail", args=[self.pk])
