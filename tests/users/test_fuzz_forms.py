"""Fuzzed forms of the accounts side (issue 7): the profile form (PUT, and staff creating a profile
for any `user`), allauth's sign-up and login, the account deletion's password, the staff's
profile search, and allauth's other account forms (password change and reset, email addresses,
reauthentication) get arbitrary text, bounds, bad ids, NUL bytes and odd Unicode. No answer is a
500 (the test client would raise it), and nothing invalid is saved: no name over 150 characters,
no user from a refused sign-up, no account deleted or password changed without the password.

As in tests/market/test_fuzz_forms.py, the fixtures are made once per test and shared by its
examples, each judged against the state it finds. What one example leaves behind that would
change how the next is answered is undone at its start: the cache (allauth's rate limits of
failed logins, sign-ups and password checks live there) and the session.
"""

from itertools import count
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.validators import validate_email
from hypothesis import given
from hypothesis import strategies as st

from apps.history.models import HistoryUserApp
from apps.users.models import Profile
from tests.factories import PASSWORD
from tests.fuzz import IDS, field, form, often, shared_fixtures

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
HTMX = {"HX-Request": "true"}
User = get_user_model()

NAME = field("", " ", "Анна", " Анна ", "x" * 150, "x" * 151, "я" * 150, "я" * 151)
PASSWORDS = field(PASSWORD, f" {PASSWORD}", f"{PASSWORD} ", PASSWORD.upper(), "12345678", "a")


def rows(model):
    return list(model.objects.order_by("pk").values_list())


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def assert_valid_names():
    """Every profile's names fit the field, hold no NUL, and match its user's."""
    for profile in Profile.objects.select_related("user"):
        for name in (profile.first_name, profile.last_name):
            assert len(name) <= 150
            assert "\x00" not in name
            assert name == name.strip()
        assert (profile.user.first_name, profile.user.last_name) == (
            profile.first_name,
            profile.last_name,
        )


def assert_valid_history():
    """Failed logins write the name that was tried: it must fit the record too."""
    for record in HistoryUserApp.objects.all():
        assert len(record.username) <= 150
        assert "\x00" not in record.username
        assert len(record.details.get("login", "")) <= 150


@shared_fixtures
@given(
    body=form(optional={"first_name": NAME, "last_name": NAME}),
    htmx=st.booleans(),
    as_form=st.booleans(),
)
def test_profile_update(shopper_client, shopper, body, htmx, as_form):
    """A PUT sends the whole form: what is saved is what was sent, stripped, or nothing."""
    profile, before = shopper.profile, rows(Profile)
    url = f"/users/profile/{profile.pk}/"
    headers = HTMX if htmx else {}
    if as_form:  # no JavaScript: a POST with _method=PUT
        response = shopper_client.post(url, {**body, "_method": "PUT"}, headers=headers)
    else:
        response = shopper_client.put(url, urlencode(body), FORM, headers=headers)
    assert response.status_code in (200 if htmx else 303, 422)
    if response.status_code == 422:
        assert rows(Profile) == before
    else:
        profile.refresh_from_db()
        sent = (body.get("first_name", "").strip(), body.get("last_name", "").strip())
        assert (profile.first_name, profile.last_name) == sent
    assert_valid_names()


@pytest.fixture
def accounts(make_user, shopper):
    """A user whose profile was deleted, beside the shopper who has one."""
    bare = make_user("bare", first_name="Борис")
    bare.profile.delete()
    return {"bare": bare, "shopper": shopper}


@shared_fixtures
@given(data=st.data(), htmx=st.booleans())
def test_profile_create_by_staff(staff_client, staff, accounts, data, htmx):
    bare = accounts["bare"]
    Profile.objects.filter(user=bare).delete()  # an earlier example may have created it
    users = often(
        str(bare.pk),  # the one who may get one
        st.one_of(field(staff.pk, accounts["shopper"].pk, f" {bare.pk} ", ""), IDS),
    )
    body = data.draw(form(optional={"user": users}))
    before = rows(Profile)
    response = staff_client.post("/users/profile/", body, headers=HTMX if htmx else {})
    assert response.status_code in (200 if htmx else 303, 422)
    if response.status_code == 422:
        assert rows(Profile) == before
    else:  # only the user who had none can get one, with the names the account has
        assert len(rows(Profile)) == len(before) + 1
        assert Profile.objects.get(user=bare).first_name == "Борис"
    assert_valid_names()


@shared_fixtures
@given(data=st.data())
def test_sign_up(client, shopper, data):
    cache.clear()  # allauth limits sign-ups per address
    client.logout()  # a logged-in user is sent away from the sign-up form
    # A valid sign-up with a fresh name and address, of which a few fields (maybe none) get a
    # hostile value or are left out; password2 repeats password1 unless it is one of them.
    fresh = data.draw(st.integers(min_value=0, max_value=10**6))
    body = {"username": f"anna{fresh}", "email": f"anna{fresh}@example.com", "password1": PASSWORD}
    hostile = {
        "username": field("Anna_B.", "x" * 150, "x" * 151, "shopper", "SHOPPER", "an na", "аня"),
        "email": field("SHOPPER@example.com", "not-an-email", "a@b", "x" * 250 + "@x.ru"),
        "password1": PASSWORDS,
        "password2": PASSWORDS,
    }
    for name in data.draw(st.sets(st.sampled_from(sorted(hostile)))):
        body[name] = data.draw(st.one_of(st.none(), hostile[name]))
    body.setdefault("password2", body["password1"])
    body = {name: value for name, value in body.items() if value is not None}
    before = rows(User)
    response = client.post("/users/user/register/", body)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # allauth's code for a form with errors
        assert rows(User) == before
        assert logged_in_user_id(client) is None
        return
    assert len(rows(User)) == len(before) + 1
    user = User.objects.latest("pk")
    user.full_clean()  # username, email and the rest within the model's rules
    assert user.email == body["email"].strip().lower()  # what was typed, not cut to fit
    assert user.username == body["username"].strip()
    assert body["password1"] == body["password2"]
    assert user.check_password(body["password1"])
    if user.email == "shopper@example.com":
        # Someone else's address goes through, not to tell that it is registered (settings,
        # ACCOUNT_PREVENT_ENUMERATION), and stays unconfirmed: login and password resets by
        # address prefer the account that confirmed it.
        assert not EmailAddress.objects.get(user=user).verified
    assert user.username.lower() != "shopper"
    assert Profile.objects.filter(user=user).exists()
    assert hasattr(user, "cart")
    assert logged_in_user_id(client) == str(user.pk)


@shared_fixtures
@given(
    body=form(
        optional={
            "login": often(
                "shopper",
                field("SHOPPER", "shopper@example.com", "Shopper@Example.com", "x" * 151),
            ),
            "password": often(PASSWORD, PASSWORDS),
            "remember": field("on", "", "true", "0"),
        }
    )
)
def test_login(client, shopper, body):
    cache.clear()  # allauth refuses a login name after 5 failures
    client.logout()
    before = rows(User)
    response = client.post("/users/user/login/", body)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert body["password"] == PASSWORD
        assert logged_in_user_id(client) == str(shopper.pk)
        assert len(rows(User)) == len(before)
    else:
        assert logged_in_user_id(client) is None
        assert rows(User) == before
    shopper.refresh_from_db()
    assert shopper.check_password(PASSWORD)
    assert_valid_history()


fresh_names = (f"leaving{number}" for number in count())


@shared_fixtures
@given(body=form(optional={"password": often(PASSWORD, PASSWORDS)}), htmx=st.booleans())
def test_account_delete(client, make_user, body, htmx):
    """A fresh account each example, so that a deletion that succeeded leaves the next one its
    own account to try. Only the exact password deletes it."""
    cache.clear()  # allauth allows 10 password checks a minute
    user = make_user(next(fresh_names))
    client.force_login(user)
    url = f"/users/user/delete/{user.pk}/"
    if htmx:
        response = client.delete(url, urlencode(body), FORM, headers=HTMX)
    else:
        response = client.post(url, {**body, "_method": "DELETE"})
    deleted = not User.objects.filter(pk=user.pk).exists()
    assert deleted == (body.get("password") == PASSWORD)
    if deleted:
        assert response.status_code == (200 if htmx else 303)
        assert logged_in_user_id(client) is None
    else:
        assert response.status_code == 422
        assert Profile.objects.filter(user=user).exists()
        assert logged_in_user_id(client) == str(user.pk)


@shared_fixtures
@given(
    query=form(
        optional={
            "q": field("", "shopper", "Анна", "SHOPPER@", "x" * 150, "x" * 151, "%", "_"),
            "page": field(1, 0, -1, 2, 99999, "last", "1e3"),
        }
    ),
    htmx=st.booleans(),
)
def test_profile_search(staff_client, shopper, query, htmx):
    response = staff_client.get("/users/profile/", query, headers=HTMX if htmx else {})
    assert response.status_code in (200, 422)


NEW_PASSWORD = "another-horse-battery-staple"


@shared_fixtures
@given(data=st.data())
def test_password_change(client, shopper, data):
    """Only the right old password and two equal, acceptable new ones change it."""
    cache.clear()
    shopper.set_password(PASSWORD)  # as an earlier example may have changed it
    shopper.save()
    client.force_login(shopper)
    password1 = data.draw(often(NEW_PASSWORD, PASSWORDS))
    body = data.draw(
        form(
            optional={
                "oldpassword": often(PASSWORD, PASSWORDS),
                "password1": st.just(password1),
                "password2": often(password1, PASSWORDS),
            }
        )
    )
    response = client.post("/users/user/password/change/", body)
    assert response.status_code in (200, 302)
    shopper.refresh_from_db()
    if response.status_code == 302:
        assert body["oldpassword"] == PASSWORD
        assert body["password1"] == body["password2"]
        assert shopper.check_password(body["password1"])
        assert logged_in_user_id(client) == str(shopper.pk)  # this session stays logged in
    else:
        assert shopper.check_password(PASSWORD)


@shared_fixtures
@given(
    body=form(optional={"email": often("shopper@example.com", field("SHOPPER@example.com", "a@b"))})
)
def test_password_reset(client, shopper, body):
    """At most one mail, to the address that was typed; the password stays until the link in
    it is used."""
    cache.clear()
    mail.outbox.clear()
    response = client.post("/users/user/password/reset/", body)
    assert response.status_code in (200, 302)
    assert len(mail.outbox) <= 1
    for message in mail.outbox:
        assert [address.lower() for address in message.to] == [body["email"].strip().lower()]
    shopper.refresh_from_db()
    assert shopper.check_password(PASSWORD)


@shared_fixtures
@given(
    body=form(
        optional={
            "email": often(
                "shopper@example.com",
                field("anna@example.com", "SHOPPER@example.com", "a@b", "x" * 250 + "@x.ru"),
            ),
            "action": st.sampled_from(
                ["action_add", "action_send", "action_remove", "action_primary"]
            ),
        }
    )
)
def test_email_addresses(shopper_client, shopper, body):
    """Adding, re-sending, removing and making primary: the addresses stay valid, at most one
    of them primary, and the account's own email is that one (or none: allauth lets the last
    address go, since the username still logs in). Examples build on the addresses earlier ones
    left; when none is left, the next starts again as a sign-up leaves an account."""
    if not EmailAddress.objects.filter(user=shopper).exists():
        shopper.email = "shopper@example.com"
        shopper.save()
        EmailAddress.objects.create(user=shopper, email=shopper.email, primary=True, verified=True)
    cache.clear()  # allauth limits changes of addresses per user
    action = body.pop("action", None)
    if action:
        body[action] = ""
    response = shopper_client.post("/users/user/email/", body)
    assert response.status_code in (200, 302)
    addresses = list(EmailAddress.objects.filter(user=shopper))
    for address in addresses:
        validate_email(address.email)
        assert len(address.email) <= 254
    primary = [address.email for address in addresses if address.primary]
    assert len(primary) <= 1
    shopper.refresh_from_db()
    assert shopper.email == (primary[0] if primary else "")


@shared_fixtures
@given(body=form(optional={"password": often(PASSWORD, PASSWORDS)}))
def test_reauthenticate(shopper_client, shopper, body):
    cache.clear()
    response = shopper_client.post("/users/user/reauthenticate/", body)
    assert response.status_code == (302 if body.get("password") == PASSWORD else 200)
