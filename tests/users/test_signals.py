import pytest
from django.contrib.auth import get_user_model

from apps.users.models import Profile

pytestmark = pytest.mark.django_db


def test_a_new_user_gets_a_profile_with_their_names(make_user):
    user = make_user("anna", first_name="Анна", last_name="Петрова")
    profile = Profile.objects.get(user=user)
    assert (profile.first_name, profile.last_name) == ("Анна", "Петрова")


def test_saving_the_user_updates_the_profile_names(make_user):
    user = make_user("anna")
    user.first_name, user.last_name = "Анна", "Сидорова"
    user.save()
    profile = Profile.objects.get(user=user)
    assert (profile.first_name, profile.last_name) == ("Анна", "Сидорова")


def test_a_deleted_profile_is_not_brought_back_by_later_saves(make_user, client):
    user = make_user("anna")
    user.profile.delete()
    user.first_name = "Анна"
    user.save()
    client.force_login(user)  # a login saves last_login
    assert not Profile.objects.filter(user=user).exists()


def test_a_save_that_touches_no_name_costs_no_query(make_user, django_assert_num_queries):
    user = make_user("anna")
    with django_assert_num_queries(1):
        user.save(update_fields=["last_login"])


def test_saving_the_profile_updates_the_user_names(make_user):
    user = make_user("anna")
    user.profile.first_name, user.profile.last_name = "Анна", "Кузнецова"
    user.profile.save()
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Анна", "Кузнецова")


def test_fixture_loading_creates_no_profile():
    user = get_user_model()(username="fixture")
    user.save_base(raw=True)
    assert not Profile.objects.filter(user=user).exists()
