"""Names and usernames are text: HTML and scripts in them are shown, never run, on the profile
page and its htmx fragments, the staff's profile list, the account's delete page, the account
pages, the navbar and the messages (issue 7; the history is tests/history/test_escaping.py).

The sign-up form refuses such usernames, but an account made in the shell, an import or a later
change of the rules would not: the pages must not trust the validation of the day.
"""

from urllib.parse import urlencode

import pytest

from tests.escaping import assert_text_not_markup

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
FIRST = '<script>alert("first")</script>'
LAST = "<img src=x onerror=alert('last')>"
USERNAME = '<svg onload=alert(1)>"me"&'
EMAIL = "o'brien&co@example.com"  # a valid address that still needs escaping
STAFF = "<i onmouseover=alert('staff')>boss</i>"
BARE = "<u>no profile</u>"


@pytest.fixture
def hostile(make_user):
    return make_user(USERNAME, email=EMAIL, first_name=FIRST, last_name=LAST)


@pytest.fixture
def boss(make_user):
    return make_user(STAFF, is_staff=True)


@pytest.fixture
def bare(make_user):
    user = make_user(BARE, email="bare@example.com")
    user.profile.delete()
    return user


def test_the_profile_page_and_its_fragments(client, hostile, htmx):
    client.force_login(hostile)
    url = f"/users/profile/{hostile.profile.pk}/"
    # The page (the navbar names the user), the card htmx swaps back, and the edit form.
    assert_text_not_markup(client.get(url), FIRST, LAST, USERNAME, EMAIL)
    card = client.get(url, headers=htmx)
    assert "<html" not in card.text
    assert_text_not_markup(card, FIRST, LAST, USERNAME, EMAIL)
    assert_text_not_markup(client.get(f"{url}edit/"), FIRST, LAST, USERNAME)
    assert_text_not_markup(client.get(f"{url}edit/", headers=htmx), FIRST, LAST)

    # Saved with htmx: the card again, with the toast.
    names = urlencode({"first_name": LAST, "last_name": FIRST})
    saved = client.put(url, names, FORM, headers=htmx)
    assert saved.status_code == 200
    assert_text_not_markup(saved, FIRST, LAST, USERNAME)
    # Refused: the form echoes what was typed.
    refused = urlencode({"first_name": "x" * 151, "last_name": STAFF})
    response = client.put(url, refused, FORM, headers=htmx)
    assert response.status_code == 422
    assert_text_not_markup(response, STAFF)


def test_the_pages_of_the_account_and_the_navbar(client, hostile):
    client.force_login(hostile)
    for path in ("/", "/market/products/", "/users/user/logout/", "/users/user/password/change/"):
        assert_text_not_markup(client.get(path), USERNAME)
    assert_text_not_markup(client.get("/users/user/email/"), USERNAME, EMAIL)


def test_the_profile_as_staff_see_it(client, boss, hostile):
    client.force_login(boss)
    url = f"/users/profile/{hostile.profile.pk}/"
    client.put(url, urlencode({"first_name": FIRST, "last_name": "Smith"}), FORM)
    # The breadcrumb, the heading and title, and "by <staff>" in the recent activity.
    assert_text_not_markup(client.get(url), USERNAME, FIRST, STAFF)


def test_the_staff_list_its_search_and_the_create_form(client, boss, hostile, bare, htmx):
    client.force_login(boss)
    full_name = f"{FIRST} {LAST}"
    assert_text_not_markup(client.get("/users/profile/"), USERNAME, full_name, EMAIL, BARE)
    found = client.get("/users/profile/", {"q": "script"}, headers=htmx)
    assert "<html" not in found.text
    assert_text_not_markup(found, USERNAME, full_name, EMAIL)
    # The search box keeps what was typed, searched for or refused (over 150 characters).
    assert_text_not_markup(client.get("/users/profile/", {"q": FIRST}), FIRST)
    refused = client.get("/users/profile/", {"q": FIRST * 5})
    assert refused.status_code == 422
    assert_text_not_markup(refused, FIRST * 5)
    # A refused creation: the select offers the account without a profile, by name and email.
    response = client.post("/users/profile/", {"user": "nobody"}, headers=htmx)
    assert response.status_code == 422
    assert_text_not_markup(response, BARE)


def test_the_account_delete_page(client, boss, hostile, htmx):
    client.force_login(hostile)
    url = f"/users/user/delete/{hostile.pk}/"
    assert_text_not_markup(client.get(url), USERNAME, f"{FIRST} {LAST}", EMAIL)
    refused = client.delete(url, "password=wrong", FORM, headers=htmx)
    assert refused.status_code == 422
    assert "<html" not in refused.text
    client.force_login(boss)
    assert_text_not_markup(client.get(url), USERNAME, f"{FIRST} {LAST}", EMAIL, STAFF)


def test_the_messages_that_name_the_account(client, boss, hostile):
    client.force_login(boss)
    response = client.delete(f"/users/profile/{hostile.profile.pk}/", follow=True)
    assert response.status_code == 200
    assert_text_not_markup(response, USERNAME)  # "The profile of … has been deleted."
    response = client.delete(f"/users/user/delete/{hostile.pk}/", follow=True)
    assert response.status_code == 200
    assert_text_not_markup(response, USERNAME)  # "The account … has been deleted."
