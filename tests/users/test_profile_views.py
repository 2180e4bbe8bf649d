"""The profile routes of SPEC §3 (issue 4) for a visitor, the owner, another shopper and staff:
the staff list with search, the shopper's redirect, the profile page, inline editing with htmx
and as plain pages, deletion and re-creation of a profile."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model

from apps.history.models import HistoryUserApp
from apps.users.models import Profile

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}
FORM = "application/x-www-form-urlencoded"


def url(profile):
    return f"/users/profile/{profile.pk}/"


def is_fragment(response):
    return "<html" not in response.text


class TestVisitor:
    @pytest.mark.parametrize(
        "path",
        ["/users/profile/", "/users/profile/me/", "/users/profile/1/", "/users/profile/1/edit/"],
    )
    def test_is_sent_to_log_in(self, client, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/users/user/login/?next={path}"

    @pytest.mark.parametrize("method", ["post", "put", "delete"])
    def test_changes_are_sent_to_log_in_too(self, client, shopper, method, htmx):
        path = url(shopper.profile) if method != "post" else "/users/profile/"
        response = getattr(client, method)(path, "first_name=X", FORM)
        assert response.status_code == 302
        assert response["Location"].startswith("/users/user/login/?next=")
        response = getattr(client, method)(path, "first_name=X", FORM, headers=htmx)
        assert response["HX-Redirect"].startswith("/users/user/login/?next=")
        shopper.profile.refresh_from_db()
        assert shopper.profile.first_name == "Анна"


class TestProfileList:
    def test_shopper_is_redirected_to_their_own_profile(self, shopper_client, shopper):
        response = shopper_client.get("/users/profile/")
        assert response.status_code == 302
        assert response["Location"] == url(shopper.profile)

    def test_shopper_without_a_profile_is_offered_to_create_one(self, shopper_client, shopper):
        shopper.profile.delete()
        response = shopper_client.get("/users/profile/")
        assert response.status_code == 200
        assert 'action="/users/profile/"' in response.text
        assert 'method="post"' in response.text

    def test_staff_see_every_profile(self, staff_client, shopper, other_shopper):
        response = staff_client.get("/users/profile/")
        assert response.status_code == 200
        for user in (shopper, other_shopper):
            assert f'href="{url(user.profile)}"' in response.text

    @pytest.mark.parametrize("q", ["SHOP", "shopper@EXAMPLE", "анна", "ИВАНОВА"])
    def test_staff_search_username_email_and_names_ignoring_case(
        self, staff_client, shopper, other_shopper, q
    ):
        html = staff_client.get("/users/profile/", {"q": q}).text
        assert f'href="{url(shopper.profile)}"' in html
        assert f'href="{url(other_shopper.profile)}"' not in html

    def test_search_without_match_says_so(self, staff_client, shopper):
        response = staff_client.get("/users/profile/", {"q": "nobody-like-this"}, headers=EN)
        assert "No profile matches “nobody-like-this”." in response.text
        assert '<a href="/users/profile/">Show all profiles</a>' in response.text

    def test_htmx_search_swaps_only_the_results(self, staff_client, shopper, htmx):
        response = staff_client.get("/users/profile/", {"q": "shopper"}, headers=htmx)
        assert response.status_code == 200
        assert is_fragment(response)
        assert response.text.lstrip().startswith('<section id="profile-results"')
        assert f'href="{url(shopper.profile)}"' in response.text

    def test_list_is_paginated_by_25(self, staff_client, make_user):
        for n in range(30):
            make_user(f"user{n:02}")
        first = staff_client.get("/users/profile/").text
        second = staff_client.get("/users/profile/", {"page": 2}).text
        assert first.count("<tr>") - 1 == 25  # the header row
        assert second.count("<tr>") - 1 == 6  # 30 users + staff
        assert 'href="?page=2"' in first

    @pytest.mark.parametrize("page", ["x", "0", "999", "-1", "9" * 30])
    def test_any_page_number_gives_a_page(self, staff_client, shopper, page):
        assert staff_client.get("/users/profile/", {"page": page}).status_code == 200

    @pytest.mark.parametrize("q", ["a\x00b", "x" * 151])
    def test_bad_search_is_refused_with_a_message_not_an_error(self, staff_client, shopper, q):
        response = staff_client.get("/users/profile/", {"q": q}, headers=EN)
        assert response.status_code == 422
        assert "alert-warning" in response.text

    @pytest.mark.parametrize("users", [2, 40])
    def test_list_takes_a_fixed_number_of_queries(
        self, staff_client, make_user, django_assert_num_queries, users
    ):
        for n in range(users):
            make_user(f"user{n:02}")
        # The session with the user and the navbar's cart badge, count, the page of profiles with
        # their users, and whether any account lacks a profile (for the create form).
        with django_assert_num_queries(4):
            staff_client.get("/users/profile/")


class TestProfileMe:
    def test_sends_everybody_to_their_own_profile(self, staff_client, staff):
        response = staff_client.get("/users/profile/me/")
        assert response["Location"] == url(staff.profile)

    def test_offers_to_create_a_missing_profile(self, staff_client, staff):
        staff.profile.delete()
        response = staff_client.get("/users/profile/me/")
        assert response.status_code == 200
        assert f'name="user" value="{staff.pk}"' in response.text


class TestCreateProfile:
    def test_shopper_creates_their_own_with_the_accounts_names(self, shopper_client, shopper):
        shopper.profile.delete()
        response = shopper_client.post("/users/profile/")
        profile = Profile.objects.get(user=shopper)
        assert response.status_code == 303
        assert response["Location"] == url(profile)
        assert (profile.first_name, profile.last_name) == ("Анна", "Иванова")

    def test_shopper_cannot_create_someone_elses(self, shopper_client, shopper, other_shopper):
        shopper.profile.delete()
        other_shopper.profile.delete()
        shopper_client.post("/users/profile/", {"user": other_shopper.pk})
        assert not Profile.objects.filter(user=other_shopper).exists()
        assert Profile.objects.filter(user=shopper).exists()

    def test_a_second_click_lands_on_the_same_profile(self, shopper_client, shopper):
        response = shopper_client.post("/users/profile/")
        assert response.status_code == 303
        assert response["Location"] == url(shopper.profile)
        assert Profile.objects.filter(user=shopper).count() == 1

    def test_htmx_gets_hx_redirect(self, shopper_client, shopper, htmx):
        shopper.profile.delete()
        response = shopper_client.post("/users/profile/", headers=htmx)
        assert response["HX-Redirect"] == url(Profile.objects.get(user=shopper))

    def test_staff_create_one_for_the_user_named(self, staff_client, shopper):
        shopper.profile.delete()
        response = staff_client.post("/users/profile/", {"user": shopper.pk})
        assert response.status_code == 303
        assert response["Location"] == url(Profile.objects.get(user=shopper))

    @pytest.mark.parametrize("value", ["", "999999", "abc", "9" * 30, "\x00"])
    def test_staff_naming_no_valid_user_get_422(self, staff_client, shopper, value):
        response = staff_client.post("/users/profile/", {"user": value}, headers=EN)
        assert response.status_code == 422
        assert "is-invalid" in response.text

    def test_staff_naming_a_user_who_has_a_profile_get_422(self, staff_client, shopper, htmx):
        response = staff_client.post(
            "/users/profile/", {"user": shopper.pk}, headers={**EN, **htmx}
        )
        assert response.status_code == 422
        assert is_fragment(response)
        assert response.text.lstrip().startswith('<section id="profile-create"')
        assert "Choose a user who has no profile." in response.text
        assert Profile.objects.filter(user=shopper).count() == 1

    def test_the_staff_form_offers_only_users_without_a_profile(
        self, staff_client, shopper, other_shopper
    ):
        other_shopper.profile.delete()
        html = staff_client.get("/users/profile/").text
        assert f'<option value="{other_shopper.pk}"' in html
        assert f'<option value="{shopper.pk}"' not in html


class TestProfileDetail:
    def test_owner_sees_their_profile_with_a_link_to_delete_the_account(
        self, shopper_client, shopper
    ):
        response = shopper_client.get(url(shopper.profile))
        assert response.status_code == 200
        assert "Анна" in response.text
        assert "Иванова" in response.text
        assert f'href="/users/user/delete/{shopper.pk}/"' in response.text

    def test_shows_the_last_10_events_newest_first(self, shopper_client, shopper, staff):
        HistoryUserApp.objects.all().delete()
        for n in range(12):
            HistoryUserApp.objects.create(
                user=shopper, username="shopper", status="logged_in", details={"n": n}
            )
        HistoryUserApp.objects.create(
            user=shopper, username="shopper", status="profile_updated", actor=staff
        )
        response = shopper_client.get(url(shopper.profile), headers=EN)
        assert response.context["events"][0].status == "profile_updated"
        assert len(response.context["events"]) == 10
        assert "Recent activity" in response.text
        assert "by staff" in response.text

    def test_another_shopper_gets_404(self, client, shopper, other_shopper):
        client.force_login(other_shopper)
        assert client.get(url(shopper.profile)).status_code == 404
        assert client.get(url(shopper.profile) + "edit/").status_code == 404

    def test_staff_see_anyones(self, staff_client, shopper):
        response = staff_client.get(url(shopper.profile))
        assert response.status_code == 200
        assert "Иванова" in response.text

    @pytest.mark.parametrize("pk", ["999999", "9" * 30])
    def test_unknown_profile_is_404(self, staff_client, pk):
        assert staff_client.get(f"/users/profile/{pk}/").status_code == 404

    def test_htmx_get_gives_the_read_only_card(self, shopper_client, shopper, htmx):
        response = shopper_client.get(url(shopper.profile), headers=htmx)
        assert is_fragment(response)
        assert response.text.lstrip().startswith('<section id="profile-card"')
        assert "<form" not in response.text

    def test_post_without_method_override_is_not_allowed(self, shopper_client, shopper):
        assert shopper_client.post(url(shopper.profile), {"first_name": "X"}).status_code == 405


class TestInlineEdit:
    def test_htmx_edit_swaps_in_the_form(self, shopper_client, shopper, htmx):
        response = shopper_client.get(url(shopper.profile) + "edit/", headers=htmx)
        assert response.status_code == 200
        assert is_fragment(response)
        html = response.text
        assert html.lstrip().startswith('<section id="profile-card"')
        assert f'hx-put="{url(shopper.profile)}"' in html
        assert 'value="Анна"' in html
        # Cancel fetches the read-only card again.
        assert f'hx-get="{url(shopper.profile)}"' in html

    def test_without_javascript_edit_is_a_whole_page_with_a_put_form(self, shopper_client, shopper):
        response = shopper_client.get(url(shopper.profile) + "edit/")
        assert response.status_code == 200
        assert "<html" in response.text
        assert 'name="_method" value="PUT"' in response.text
        assert f'action="{url(shopper.profile)}"' in response.text

    def test_htmx_save_swaps_back_the_read_only_card(self, shopper_client, shopper, htmx):
        response = shopper_client.put(
            url(shopper.profile), "first_name=Мария&last_name=Петрова", FORM, headers=htmx
        )
        assert response.status_code == 200
        assert is_fragment(response)
        assert response.text.lstrip().startswith('<section id="profile-card"')
        assert "Петрова" in response.text
        assert "<form" not in response.text.split("toasts")[0]
        assert 'hx-swap-oob="innerHTML"' in response.text  # the "saved" toast

    def test_without_javascript_save_is_a_303_back_to_the_profile(self, shopper_client, shopper):
        response = shopper_client.post(
            url(shopper.profile), {"_method": "PUT", "first_name": "Мария", "last_name": ""}
        )
        assert response.status_code == 303
        assert response["Location"] == url(shopper.profile)
        shopper.profile.refresh_from_db()
        assert (shopper.profile.first_name, shopper.profile.last_name) == ("Мария", "")

    def test_put_without_slash_is_served(self, shopper_client, shopper):
        response = shopper_client.put(url(shopper.profile).rstrip("/"), "first_name=Мария", FORM)
        assert response.status_code == 303
        shopper.profile.refresh_from_db()
        assert shopper.profile.first_name == "Мария"

    @pytest.mark.parametrize("name", ["x" * 151, "a\x00b"])
    def test_htmx_field_errors_come_back_inline_with_422(self, shopper_client, shopper, htmx, name):
        body = urlencode({"first_name": name, "last_name": "Петрова"})
        response = shopper_client.put(url(shopper.profile), body, FORM, headers=htmx)
        assert response.status_code == 422
        assert is_fragment(response)
        assert 'id="id_first_name"' in response.text
        assert "is-invalid" in response.text
        shopper.profile.refresh_from_db()
        assert shopper.profile.last_name == "Иванова"

    def test_without_javascript_errors_are_a_whole_page_with_422(self, shopper_client, shopper):
        response = shopper_client.post(
            url(shopper.profile),
            {"_method": "PUT", "first_name": "x" * 151, "last_name": ""},
            headers=EN,
        )
        assert response.status_code == 422
        assert "<html" in response.text
        assert "Ensure this value has at most 150 characters" in response.text

    def test_a_150_character_name_is_fine(self, shopper_client, shopper):
        shopper_client.put(url(shopper.profile), f"first_name={'я' * 150}&last_name=", FORM)
        shopper.profile.refresh_from_db()
        assert shopper.profile.first_name == "я" * 150

    def test_names_are_escaped(self, shopper_client, shopper):
        shopper_client.put(url(shopper.profile), "first_name=<script>x</script>", FORM)
        html = shopper_client.get(url(shopper.profile)).text
        assert "<script>x</script>" not in html
        assert "&lt;script&gt;x&lt;/script&gt;" in html

    def test_another_shopper_cannot_change_it(self, client, shopper, other_shopper):
        client.force_login(other_shopper)
        response = client.put(url(shopper.profile), "first_name=Хакер", FORM)
        assert response.status_code == 404
        shopper.profile.refresh_from_db()
        assert shopper.profile.first_name == "Анна"

    def test_staff_can_change_anyones(self, staff_client, shopper):
        response = staff_client.put(url(shopper.profile), "first_name=Мария&last_name=Ким", FORM)
        assert response.status_code == 303
        shopper.refresh_from_db()
        assert (shopper.first_name, shopper.last_name) == ("Мария", "Ким")


class TestNamesInStep:
    def test_saving_the_profile_renames_the_user(self, shopper_client, shopper):
        shopper_client.put(url(shopper.profile), "first_name=Мария&last_name=Ким", FORM)
        shopper.refresh_from_db()
        assert (shopper.first_name, shopper.last_name) == ("Мария", "Ким")

    def test_renaming_the_user_shows_on_the_profile(self, shopper_client, shopper):
        user = get_user_model().objects.get(pk=shopper.pk)
        user.first_name, user.last_name = "Ольга", "Смирнова"
        user.save()
        html = shopper_client.get(url(shopper.profile)).text
        assert "Ольга" in html
        assert "Смирнова" in html

    def test_renaming_the_user_in_the_admin_renames_the_profile(self, client, superuser, shopper):
        client.force_login(superuser)
        data = {
            "username": "shopper",
            "first_name": "Ольга",
            "last_name": "Смирнова",
            "email": "shopper@example.com",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        }
        response = client.post(f"/admin/auth/user/{shopper.pk}/change/", data)
        assert response.status_code == 302
        shopper.profile.refresh_from_db()
        assert (shopper.profile.first_name, shopper.profile.last_name) == ("Ольга", "Смирнова")


class TestDeleteProfile:
    def test_owner_deletes_it_and_keeps_the_account(self, shopper_client, shopper):
        response = shopper_client.post(url(shopper.profile), {"_method": "DELETE"})
        assert response.status_code == 303
        assert response["Location"] == "/users/profile/"
        assert not Profile.objects.filter(user=shopper).exists()
        assert get_user_model().objects.filter(pk=shopper.pk).exists()

    def test_then_the_page_offers_create_profile(self, shopper_client, shopper):
        response = shopper_client.post(
            url(shopper.profile), {"_method": "DELETE"}, follow=True, headers=EN
        )
        assert response.status_code == 200
        assert "Create profile" in response.text
        assert "Your profile has been deleted." in response.text  # the toast

    def test_htmx_delete_gets_hx_redirect(self, shopper_client, shopper, htmx):
        response = shopper_client.delete(url(shopper.profile), headers=htmx)
        assert response.status_code == 200
        assert response["HX-Redirect"] == "/users/profile/"
        assert not Profile.objects.filter(user=shopper).exists()

    def test_the_page_asks_before_deleting_with_htmx(self, shopper_client, shopper):
        html = shopper_client.get(url(shopper.profile)).text
        assert f'hx-delete="{url(shopper.profile)}" hx-confirm="' in html
        assert 'name="_method" value="DELETE"' in html

    def test_another_shopper_gets_404(self, client, shopper, other_shopper):
        client.force_login(other_shopper)
        assert client.delete(url(shopper.profile)).status_code == 404
        assert Profile.objects.filter(user=shopper).exists()

    def test_staff_delete_anyones_and_go_back_to_the_list(self, staff_client, shopper):
        response = staff_client.delete(url(shopper.profile))
        assert response["Location"] == "/users/profile/"
        assert not Profile.objects.filter(user=shopper).exists()

    def test_a_later_login_does_not_bring_it_back(self, client, shopper):
        shopper.profile.delete()
        client.force_login(shopper)
        assert client.get("/users/profile/").status_code == 200
        assert not Profile.objects.filter(user=shopper).exists()


class TestNavbar:
    def test_a_logged_in_user_has_a_link_to_their_profile(self, shopper_client):
        assert 'href="/users/profile/me/"' in shopper_client.get("/").text

    def test_staff_menu_links_to_the_profiles(self, staff_client):
        assert 'href="/users/profile/"' in staff_client.get("/").text

    def test_shoppers_have_no_staff_menu(self, shopper_client):
        assert 'href="/users/profile/"' not in shopper_client.get("/").text
