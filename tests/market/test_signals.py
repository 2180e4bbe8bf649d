import pytest
from django.contrib.auth import get_user_model

from apps.market.models import Cart

pytestmark = pytest.mark.django_db


def test_a_new_user_gets_a_cart(make_user):
    user = make_user("new")
    assert Cart.objects.get(owner=user).items.count() == 0


def test_saving_an_existing_user_creates_no_second_cart(make_user):
    user = make_user("new")
    user.first_name = "Пётр"
    user.save()
    assert Cart.objects.filter(owner=user).count() == 1


def test_fixture_loading_creates_no_cart():
    user = get_user_model()(username="fixture")
    user.save_base(raw=True)
    assert not Cart.objects.filter(owner=user).exists()
