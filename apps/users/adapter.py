"""The shop's allauth adapter (settings.ACCOUNT_ADAPTER): allauth's own behaviour, with the
shop's address in every email and one budget of failed logins per account.

allauth builds emailed links from the request's Host header (any host of ALLOWED_HOSTS, any
port) and keys its limit of failed logins by that host and by the name typed, so a new port or
the account's email instead of its username gave a fresh budget. Here both come from the shop's
settings and the account itself.
"""

import unicodedata
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context, ratelimit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import UsernameSkeleton

# The action of ACCOUNT_RATE_LIMITS that counts failed logins per account (see authenticate).
LOGIN_BUDGET = "login_failed_account"


def shop_site():
    """What allauth's emails call `current_site`, from settings.SITE_URL: the shop as its
    shoppers reach it, never the Host a request claimed."""
    domain = urlsplit(settings.SITE_URL).netloc
    return SimpleNamespace(domain=domain, name=domain)


def on_the_shops_site(url, request_host):
    """`url` moved to settings.SITE_URL if allauth built it from the request's host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != request_host:
        return url
    return settings.SITE_URL + parts._replace(scheme="", netloc="").geturl()


def account_named(login):
    """The account a login name stands for, as allauth's backend looks it up: by email
    address (its own or one it added) if it looks like one, else by username, ignoring case."""
    users = get_user_model().objects.order_by("pk")
    if "@" in login:
        by_email = users.filter(
            Q(email__iexact=login) | Q(emailaddress__email__iexact=login)
        ).first()
        if by_email is not None:
            return by_email
    return users.filter(username__iexact=login).first()


def login_budget_key(login):
    """Whose budget of failed logins an attempt with this login name spends: the account's,
    whichever of its names was typed; a name that is nobody's has a budget of its own."""
    account = account_named(login) if login else None
    return f"account:{account.pk}" if account else f"login:{login.casefold()}"


def login_typed(credentials):
    return credentials.get("email") or credentials.get("username") or ""


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_look_alike": _(
            "This username looks like the name of an existing account. Please choose another."
        ),
    }

    def clean_username(self, username, shallow=False):
        """A new account's username, NFKC-normalised as Django's own forms do (full-width
        Ａｌｉｃｅ is Alice), and refused when it looks like an existing account's name: another
        case, another script's look-alike letters (Cyrillic А), a digit for a letter. The
        database refuses such a name too (UsernameSkeleton), should two sign-ups race."""
        username = unicodedata.normalize("NFKC", username)
        MaxLengthValidator(get_user_model()._meta.get_field("username").max_length)(username)
        username = super().clean_username(username, shallow=shallow)
        if not shallow and UsernameSkeleton.objects.looks_like(username).exists():
            raise self.validation_error("username_look_alike")
        return username

    def send_mail(self, template_prefix, email, mail_context):
        """Every email allauth sends goes through here: its links (password reset, address
        confirmation, sign-up) and the site it names are the shop's own address."""
        request = context.request
        host = request.get_host() if request is not None else None
        mail_context = {
            name: on_the_shops_site(value, host) if isinstance(value, str) and host else value
            for name, value in mail_context.items()
        }
        mail_context["current_site"] = shop_site()
        super().send_mail(template_prefix, email, mail_context)

    def format_email_subject(self, subject):
        prefix = app_settings.EMAIL_SUBJECT_PREFIX
        if prefix is None:
            prefix = f"[{shop_site().name}] "
        return prefix + str(subject)

    def get_client_ip(self, request):
        """The client's address as the trusted proxies in front saw it (allauth's rule, with
        DJANGO_TRUSTED_PROXY_COUNT). A request whose X-Forwarded-For can't hold it (fewer
        entries than proxies, or no address in its place: it did not come through them) is
        known by its own address, never answered with allauth's 500 or 403."""
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            return request.META.get("REMOTE_ADDR", "unknown")

    def authenticate(self, request, **credentials):
        """allauth's authentication (which keeps its limit of failed logins per client address),
        within a budget per account: after 5 failures in 5 minutes (ACCOUNT_RATE_LIMITS
        "login_failed_account") the account refuses further attempts, whatever name, host or
        address they come with.

        An attempt is counted before the password is checked, so that attempts sent at once
        can't all slip through; a successful login clears the account's budget (only its
        owner's password can do that, so an attacker gains nothing by it). A refused attempt
        is still a failed login: Django's `user_login_failed` is sent with `refused=True`.
        """
        login = login_typed(credentials)
        key = login_budget_key(login)
        try:
            if not ratelimit.consume(request, action=LOGIN_BUDGET, key=key):
                raise self.validation_error("too_many_login_attempts")
            user = super().authenticate(request, **credentials)
        except forms.ValidationError as error:
            if error.code == "too_many_login_attempts":
                user_login_failed.send(
                    sender=__name__,
                    credentials={"login": login},
                    request=request,
                    refused=True,
                )
            raise
        if user is not None:
            ratelimit.clear(request, action=LOGIN_BUDGET, key=key)
        return user
