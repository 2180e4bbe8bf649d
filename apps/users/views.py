from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from shop.decorators import login_required
from shop.http import leave_page

from .forms import AccountDeleteForm, ProfileCreateForm, ProfileForm, ProfileSearchForm
from .models import Profile

PROFILES_PER_PAGE = 25
RECENT_EVENTS = 10
RECENT_ORDERS = 5


@login_required
@require_safe
def profile_list(request):
    """Staff see every profile; anyone else is sent to their own (or offered to create it).

    Template: users/profile_list.html (htmx: #profile-results). Context: `search`
    (ProfileSearchForm), `page` of profiles, `create_form`.
    """
    if not request.user.is_staff:
        return own_profile(request)
    return render_profile_list(request, ProfileCreateForm())


@login_required
@require_safe
def profile_me(request):
    """The navbar's "My profile": the user's own profile, whoever they are."""
    return own_profile(request)


def own_profile(request):
    """Redirect to the user's own profile, or offer to create it (users/profile_missing.html)."""
    profile = Profile.objects.filter(user=request.user).first()
    if profile is not None:
        return redirect(profile)
    return render(request, "users/profile_missing.html")


@login_required
def profile_create(request):
    """POST /users/profile/: a profile for an account that has none (a shopper: their own;
    staff: the `user` field). htmx gets #profile-create back after a refusal."""
    if not request.user.is_staff:
        # Idempotent, so that a second click on "Create profile" lands on the same profile.
        profile, _created = Profile.objects.get_or_create(
            user=request.user,
            defaults={"first_name": request.user.first_name, "last_name": request.user.last_name},
        )
    else:
        form = ProfileCreateForm(request.POST)
        if not form.is_valid():
            return render_profile_list(request, form, status=422)
        profile = form.save()
    messages.success(request, _("The profile has been created."))
    return leave_page(request, profile)


def render_profile_list(request, create_form, status=200):
    search = ProfileSearchForm(request.GET)
    profiles = Profile.objects.select_related("user")
    if not search.is_valid():
        profiles, status = profiles.none(), 422
    elif search.cleaned_data["q"]:
        profiles = profiles.search(search.cleaned_data["q"])
    page = Paginator(profiles, PROFILES_PER_PAGE).get_page(request.GET.get("page"))
    template = "users/profile_list.html"
    if request.htmx:
        template += "#profile-create" if request.method == "POST" else "#profile-results"
    context = {"search": search, "page": page, "create_form": create_form}
    return render(request, template, context, status=status)


def visible_profile(request, pk):
    return get_object_or_404(Profile.objects.visible_to(request.user).select_related("user"), pk=pk)


@login_required
@require_safe
def profile_detail(request, pk):
    """The profile with the user's recent activity.

    Template: users/profile_detail.html (htmx: #profile-card). Context: `profile`, `form` (the
    edit form, or None for the read-only card), `events`, `orders` (the last 5).
    """
    return render_profile(request, visible_profile(request, pk))


@login_required
def profile_update(request, pk):
    """PUT: save the names. htmx gets the read-only card back; a plain form the profile page."""
    profile = visible_profile(request, pk)
    form = ProfileForm(request.POST, instance=profile)
    if not form.is_valid():
        return render_profile(request, profile, form, status=422)
    form.save()
    messages.success(request, _("The profile has been saved."))
    if request.htmx:
        return render_profile(request, profile)
    return leave_page(request, profile)


@login_required
def profile_delete(request, pk):
    """DELETE: the profile goes, the account stays."""
    profile = visible_profile(request, pk)
    profile.delete()
    if profile.user_id == request.user.pk:
        messages.success(request, _("Your profile has been deleted. Your account stays."))
    else:
        messages.success(
            request,
            _("The profile of %(username)s has been deleted.")
            % {"username": profile.user.get_username()},
        )
    return leave_page(request, "users:profile_list")


@login_required
@require_safe
def profile_edit(request, pk):
    """The profile with its edit form: the whole page without JavaScript, the card for htmx."""
    profile = visible_profile(request, pk)
    return render_profile(request, profile, ProfileForm(instance=profile))


def render_profile(request, profile, form=None, status=200):
    template = "users/profile_detail.html"
    if request.htmx:
        template += "#profile-card"
    # Through the reverse relations: the users app reads the history and the orders without
    # importing those apps.
    events = profile.user.history.select_related("actor")[:RECENT_EVENTS]
    orders = profile.user.orders.order_by("-created", "-pk")[:RECENT_ORDERS]
    context = {"profile": profile, "form": form, "events": events, "orders": orders}
    return render(request, template, context, status=status)


def deletable_account(request, pk):
    """The account `request.user` may delete: their own; for staff any other but a superuser's
    (403). Anyone else's account is a 404 to a shopper, never a hint that it exists."""
    accounts = get_user_model().objects.all()
    if not request.user.is_staff:
        accounts = accounts.filter(pk=request.user.pk)
    account = get_object_or_404(accounts, pk=pk)
    if account.is_superuser and account.pk != request.user.pk:
        raise PermissionDenied
    return account


@login_required
@require_safe
def account_delete_confirm(request, pk):
    """What deleting the account takes away, and the form that confirms it.

    Template: users/account_delete.html (htmx: #account-delete-form). Context: `account`,
    `form`, `deleting_self`, `profile`, `cart_lines`, `emails`.
    """
    account = deletable_account(request, pk)
    return render_account_delete(
        request, account, AccountDeleteForm(account=account, request=request)
    )


@login_required
def account_delete(request, pk):
    """DELETE: delete the account; a user deleting their own confirms with their `password`."""
    account = deletable_account(request, pk)
    form = AccountDeleteForm(request.POST, account=account, request=request)
    if not form.is_valid():
        return render_account_delete(request, account, form, status=422)
    username, deleting_self = account.get_username(), account.pk == request.user.pk
    account.delete()  # the history's pre_delete receiver writes `deleted` first
    if deleting_self:
        logout(request)
        messages.success(request, _("Your account has been deleted. Goodbye!"))
        return leave_page(request, "home")
    messages.success(
        request, _("The account %(username)s has been deleted.") % {"username": username}
    )
    return leave_page(request, "users:profile_list")


def render_account_delete(request, account, form, status=200):
    template = "users/account_delete.html"
    if request.htmx:
        template += "#account-delete-form"
    context = {
        "account": account,
        "form": form,
        "deleting_self": account.pk == request.user.pk,
        # What goes with the account, read through its reverse relations (no app imported).
        "profile": Profile.objects.filter(user=account).first(),
        "cart_lines": account.cart.items.count() if hasattr(account, "cart") else 0,
        "emails": sorted(
            {account.email, *account.emailaddress_set.values_list("email", flat=True)} - {""}
        ),
    }
    return render(request, template, context, status=status)
