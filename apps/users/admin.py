from allauth.account.adapter import get_adapter
from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

from .models import Profile, UsernameSkeleton


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "first_name", "last_name"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "first_name", "last_name"]
    raw_id_fields = ["user"]


@admin.register(UsernameSkeleton)
class UsernameSkeletonAdmin(admin.ModelAdmin):
    """Kept by the receivers from each account's username: read here, never written by hand.
    (Deleting stays allowed: it goes with the account, and the admin asks for it then.)"""

    list_display = ["username", "skeleton"]
    search_fields = ["username", "skeleton"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def refuse_look_alikes(form, username):
    """A username that looks like another account's is the field's error in the admin's user
    forms too (the database would refuse it at save: UsernameSkeleton)."""
    others = UsernameSkeleton.objects.looks_like(username).exclude(user_id=form.instance.pk)
    if username and others.exists():
        raise forms.ValidationError(
            get_adapter().error_messages["username_look_alike"], code="username_look_alike"
        )
    return username


class UserChangeForm(auth_forms.UserChangeForm):
    def clean_username(self):
        return refuse_look_alikes(self, self.cleaned_data.get("username"))


class UserCreationForm(auth_forms.AdminUserCreationForm):
    def clean_username(self):
        return refuse_look_alikes(self, super().clean_username())


class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), UserAdmin)
