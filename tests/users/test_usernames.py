"""Usernames (issue 14): NFKC-normalised at sign-up, and refused when they look like an existing
account's name (apps/users/models.py username_skeleton, apps/users/adapter.py clean_username),
even when two sign-ups race (the database's unique UsernameSkeleton)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from apps.users.forms import SignupForm
from apps.users.models import UsernameSkeleton, username_skeleton
from tests import factories
from tests.databases import postgresql_only

REGISTER = "/users/user/register/"
EN = {"Accept-Language": "en"}
LOOKS_LIKE = "This username looks like the name of an existing account."
PASSWORD = "a-long-and-unusual-pass"


def sign_up(client, username, email=None):
    data = {"username": username, "email": email or "new@example.com"}
    data.update(password1=PASSWORD, password2=PASSWORD)
    return client.post(REGISTER, data, headers=EN)


def usernames():
    return sorted(get_user_model().objects.values_list("username", flat=True))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Alice", "Аlice"),  # a Cyrillic А
        ("alice", "Ａｌｉｃｅ"),  # full width
        ("alice", "ALICE"),
        ("alice", "a1ice"),  # the digit one for an l
        ("poe", "рое"),  # all Cyrillic
        ("bob", "B0B"),  # a zero for an O
        ("Анна", "анна"),
    ],
)
def test_look_alikes_share_a_skeleton(one, other):
    assert username_skeleton(one) == username_skeleton(other)


@pytest.mark.parametrize(("one", "other"), [("alice", "alina"), ("Анна", "Инна"), ("bob", "rob")])
def test_different_names_keep_different_skeletons(one, other):
    assert username_skeleton(one) != username_skeleton(other)


@pytest.mark.django_db
class TestSignUp:
    @pytest.mark.parametrize("look_alike", ["Аlice", "Ａｌｉｃｅ", "ALICE", "a1ice", "alicе"])
    def test_a_name_that_looks_like_an_existing_one_is_refused(self, client, make_user, look_alike):
        make_user("alice")
        response = sign_up(client, look_alike)
        assert response.status_code == 200
        assert LOOKS_LIKE in response.text or "already exists" in response.text
        assert usernames() == ["alice"]

    def test_the_name_is_stored_nfkc_normalised(self, client, db):
        assert sign_up(client, "Ｎｅｗｂｉｅ").status_code == 302
        assert usernames() == ["Newbie"]

    def test_a_name_that_grows_past_150_characters_when_normalised_is_refused(self, client, db):
        response = sign_up(client, "\ufdfa" * 10)  # each one is 18 characters in NFKC
        assert response.status_code == 200
        assert "at most 150 characters" in response.text
        assert usernames() == []

    def test_every_account_has_its_skeleton_and_a_rename_moves_it(self, make_user):
        user = make_user("Alice")
        assert UsernameSkeleton.objects.get(user=user).skeleton == "alice"
        user.username = "Боб"
        user.save()
        assert UsernameSkeleton.objects.get(user=user).skeleton == username_skeleton("Боб")
        assert not UsernameSkeleton.objects.looks_like("alice").exists()

    def test_a_look_alike_taken_after_the_check_answers_with_the_form(
        self, client, make_user, monkeypatch
    ):
        """Another sign-up saves "alice" after this form checked "Аlice" and before it saves:
        the form comes back with the error, and no second account is made."""
        checked = SignupForm.clean

        def clean_then_someone_else_signs_up(form):
            data = checked(form)
            make_user("alice")
            return data

        monkeypatch.setattr(SignupForm, "clean", clean_then_someone_else_signs_up)
        response = sign_up(client, "Аlice")
        assert response.status_code == 200
        assert LOOKS_LIKE in response.text
        assert usernames() == ["alice"]
        assert client.session.get("_auth_user_id") is None


@pytest.mark.django_db
class TestAdmin:
    def test_renaming_to_a_look_alike_is_a_field_error(self, client, superuser, make_user):
        make_user("alice")
        bob = make_user("bob")
        client.force_login(superuser)
        page = client.get(f"/admin/auth/user/{bob.pk}/change/")
        data = {
            key: value
            for key, value in page.context["adminform"].form.initial.items()
            if value is not None and key not in ("groups", "user_permissions", "password")
        }
        data.update(username="Аlice", date_joined_0="2026-01-01", date_joined_1="00:00:00")
        response = client.post(f"/admin/auth/user/{bob.pk}/change/", data, headers=EN)
        assert response.status_code == 200
        assert LOOKS_LIKE in response.text
        bob.refresh_from_db()
        assert bob.username == "bob"

    def test_adding_a_look_alike_is_a_field_error(self, client, superuser, make_user):
        make_user("alice")
        client.force_login(superuser)
        data = {"username": "Аlice", "usable_password": "true"}
        data.update(password1=PASSWORD, password2=PASSWORD)
        response = client.post("/admin/auth/user/add/", data, headers=EN)
        assert response.status_code == 200
        assert usernames() == ["alice", "root"]


@postgresql_only("two sign-ups in two connections at once")
@pytest.mark.django_db(transaction=True)
def test_two_look_alike_sign_ups_at_once_make_one_account(monkeypatch):
    """Both forms are checked before either saves (a barrier holds them there): the database
    refuses the second, which gets the form back; never two accounts, never a 500."""
    both_checked = threading.Barrier(2, timeout=60)
    checked = SignupForm.clean

    def clean_and_wait(form):
        data = checked(form)
        both_checked.wait()
        return data

    monkeypatch.setattr(SignupForm, "clean", clean_and_wait)
    answers = []

    def worker(username, email):
        try:
            answers.append(sign_up(Client(raise_request_exception=False), username, email))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=("alice", "a@example.com")),
        threading.Thread(target=worker, args=("Аlice", "b@example.com")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [200, 302]
    refused = next(answer for answer in answers if answer.status_code == 200)
    assert LOOKS_LIKE in refused.text
    assert len(usernames()) == 1


class TestLogin:
    def test_a_full_width_name_logs_in_as_the_account_it_normalises_to(self, client, make_user):
        alice = make_user("alice")
        response = client.post(
            "/users/user/login/", {"login": "Ａｌｉｃｅ", "password": factories.PASSWORD}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(alice.pk)
