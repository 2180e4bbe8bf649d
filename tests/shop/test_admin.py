import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from apps.market.models import CartItem
from tests.factories import make_product

pytestmark = pytest.mark.django_db

SHOP_APPS = ("market", "users", "history", "orders")


def shop_models():
    return [model for label in SHOP_APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_of_the_shop_is_in_the_admin():
    assert shop_models()
    for model in shop_models():
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", shop_models(), ids=lambda m: m._meta.label)
def test_every_changelist_loads_and_searches(client, superuser, model, shopper):
    CartItem.objects.create(cart=shopper.cart, product=make_product(), quantity=2)
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "чай"}).status_code == 200
    assert client.get(url, {"o": "1.2"}).status_code == 200


def test_a_category_holding_products_says_why_it_cannot_be_deleted(client, superuser):
    product = make_product()
    client.force_login(superuser)
    url = reverse("admin:market_category_delete", args=[product.category.pk])
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.text
    assert product.name in response.text
    client.post(url, {"post": "yes"})
    product.category.refresh_from_db()  # still there


def test_a_product_with_pictures_is_deleted_in_the_admin_with_them(
    client, superuser, settings, tmp_path
):
    from apps.market import pictures
    from apps.market.models import Product, ProductImage
    from tests.pictures import upload

    settings.MEDIA_ROOT = tmp_path
    product = make_product()
    ProductImage.objects.add(product, [pictures.read(upload())] * 2)
    client.force_login(superuser)
    main = product.images.get(is_main=True)
    client.post(reverse("admin:market_productimage_delete", args=[main.pk]), {"post": "yes"})
    assert product.images.get().is_main  # the other one took over
    client.post(reverse("admin:market_product_delete", args=[product.pk]), {"post": "yes"})
    assert not Product.objects.exists()
    assert not ProductImage.objects.exists()
