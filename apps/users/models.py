import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .signals import profile_updated

NAME_FIELDS = ("first_name", "last_name")


class ProfileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The profiles `user` may see and change: staff all of them, anyone else their own.
        Another user's profile is then a 404, never a hint that it exists."""
        if user.is_staff:
            return self
        return self.filter(user=user)

    def search(self, text):
        """Profiles whose username, email or names contain `text`, ignoring case."""
        return self.filter(
            models.Q(user__username__icontains=text)
            | models.Q(user__email__icontains=text)
            | models.Q(first_name__icontains=text)
            | models.Q(last_name__icontains=text)
        )


class ProfileManager(models.Manager.from_queryset(ProfileQuerySet)):
    def create_for(self, user):
        """A profile for `user`, starting from the names the account already has."""
        return self.create(user=user, first_name=user.first_name, last_name=user.last_name)


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

    objects = ProfileManager()

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        changed = [] if self._state.adding else self.changed_names()
        super().save(*args, **kwargs)
        # update() rather than user.save(): no post_save, so no loop back into this profile.
        get_user_model().objects.filter(pk=self.user_id).update(
            first_name=self.first_name, last_name=self.last_name
        )
        self._remember_names()
        if changed:
            profile_updated.send(sender=Profile, profile=self, changed=changed)

    def get_absolute_url(self):
        return reverse("users:profile_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        profile = super().from_db(db, field_names, values)
        profile._remember_names()
        return profile

    def _remember_names(self):
        # The names as stored, so that save() can tell which ones changed. Read from __dict__:
        # a deferred field is not loaded just for this.
        self._stored_names = {name: self.__dict__.get(name) for name in NAME_FIELDS}

    def changed_names(self):
        """The name fields that differ from the stored row (all of them if unknown)."""
        stored = getattr(self, "_stored_names", {})
        return [name for name in NAME_FIELDS if stored.get(name) != getattr(self, name)]

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


def username_skeleton(username):
    """What `username` looks like, for telling look-alikes apart: NFKC-normalised (full-width
    Ａ is A), case-folded, and each character that looks like another (Cyrillic а, Greek ο,
    the digit 1 and the letter l) written as the one it looks like, from Unicode's table of
    confusable characters (TR39). Two names with the same skeleton look the same."""
    text = unicodedata.normalize("NFKC", username).casefold()
    return "".join(look_alike_of(char) for char in text).casefold()


def homoglyphs(char):
    found = confusables.is_confusable(char, greedy=True)
    if not found:
        return []
    glyphs = (glyph["c"].strip("\u200e\u200f") for glyph in found[0]["homoglyphs"])
    return [glyph for glyph in glyphs if len(glyph) == 1]


@lru_cache(maxsize=4096)
def look_alike_of(char):
    """The character that stands for `char` and all that look like it. Unicode's table maps a
    look-alike to the one character it imitates (its prototype), which lists them all."""
    glyphs = homoglyphs(char)
    if len(glyphs) != 1:
        return char  # a prototype, or a character nothing looks like
    prototype = glyphs[0]
    if homoglyphs(prototype) == [char]:
        return min(char, prototype)  # two that only look like each other: one stands for both
    return prototype


class UsernameSkeletonQuerySet(models.QuerySet):
    def looks_like(self, username):
        """The skeletons of accounts whose username looks like `username` (the same one
        included)."""
        return self.filter(skeleton=username_skeleton(username))


class UsernameSkeleton(models.Model):
    """The skeleton of an account's username (username_skeleton), kept by the receivers.

    Unique, so the database itself refuses a second account whose name looks like the first:
    the check of the sign-up form holds even when two sign-ups arrive at the same moment.
    `username` is the name it was made from: a save that left the name as it was costs no
    write.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="username_skeleton",
    )
    username = models.CharField(max_length=150)
    skeleton = models.CharField(max_length=600, unique=True)

    objects = UsernameSkeletonQuerySet.as_manager()

    class Meta:
        verbose_name = _("username skeleton")
        verbose_name_plural = _("username skeletons")

    def __str__(self):
        return self.skeleton
