import unicodedata

from allauth.account import forms as allauth_forms
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .models import Profile, UsernameSkeleton


class ProfileForm(forms.ModelForm):
    """The names on a profile; the model keeps the user's names in step when it is saved."""

    class Meta:
        model = Profile
        fields = ["first_name", "last_name"]
        # htmx focuses an autofocus field it swaps in: Edit puts the cursor in the form.
        widgets = {"first_name": forms.TextInput(attrs={"autofocus": True})}


class UserWithoutProfileField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_username()} ({user.email})" if user.email else user.get_username()


class ProfileCreateForm(forms.Form):
    """Staff create a profile for an account that has none (its owner deleted it)."""

    user = UserWithoutProfileField(
        label=_("User"),
        queryset=get_user_model().objects.filter(profile__isnull=True).order_by("username"),
        error_messages={"invalid_choice": _("Choose a user who has no profile.")},
    )

    def save(self):
        return Profile.objects.create_for(self.cleaned_data["user"])


class ProfileSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=150)


class AccountDeleteForm(forms.Form):
    """Confirms the deletion of `account`.

    Deleting one's own account takes the password: a borrowed, unlocked computer should not be
    enough to lose it. Staff deleting another account have no password to give and need none.
    Wrong guesses are counted against allauth's reauthentication limit (10 a minute per user), so
    that the form can't be used to try passwords.
    """

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, account, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.request = request
        if account != request.user:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.request.user):
            raise forms.ValidationError(
                _("Too many attempts. Wait a minute and try again."), code="rate_limited"
            )
        if not self.account.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password


EMAIL_MAX_LENGTH = EmailAddress._meta.get_field("email").max_length  # 254, as User.email


def limit_email_length(field):
    """allauth's email fields take an address of any length, as allauth does its username field
    (BaseSignupForm) but for the address. Without it, sign-up cut a longer address to fit the
    column, saving a different one, and adding one on the email page failed on PostgreSQL."""
    field.max_length = EMAIL_MAX_LENGTH
    field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
    field.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


class UsernameTaken(Exception):
    """Another sign-up took this username, or one that looks like it, since the form checked."""


class LoginForm(allauth_forms.LoginForm):
    """allauth's login (settings.ACCOUNT_FORMS), its field labelled with what it takes: allauth
    calls it "Login" (in Russian «Войти», the button's word)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")

    def clean_login(self):
        """NFKC-normalised, as usernames are at sign-up: the full-width Ａｌｉｃｅ a phone's
        keyboard may type logs in as alice, and spends alice's budget of failed logins."""
        return unicodedata.normalize("NFKC", super().clean_login())


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up (settings.ACCOUNT_FORMS), refusing an address too long to store, and
    a username taken meanwhile (see save)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_email_length(self.fields["email"])

    def save(self, request):
        """The new account, with its cart, profile and username skeleton, in one transaction.
        If a sign-up at the same moment took the name or a look-alike (the database refuses
        the second skeleton), nothing is saved and UsernameTaken is raised for the view."""
        try:
            with transaction.atomic():
                return super().save(request)
        except IntegrityError as clash:
            if UsernameSkeleton.objects.looks_like(self.cleaned_data["username"]).exists():
                raise UsernameTaken from clash
            raise


class AddEmailForm(allauth_forms.AddEmailForm):
    """allauth's "add an address" (settings.ACCOUNT_FORMS), refusing one too long to store."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_email_length(self.fields["email"])
