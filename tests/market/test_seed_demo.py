import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from apps.history.models import HistoryUserApp
from apps.market.models import Category, Product
from apps.orders.models import Order

pytestmark = pytest.mark.django_db


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")
    assert not Product.objects.exists()


def test_loads_a_tree_products_and_a_staff_account_it_prints(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    output = capsys.readouterr().out

    assert Category.objects.filter(parent__parent=None, parent__isnull=False).exists()
    assert 50 <= Product.objects.count() <= 80
    assert Product.objects.filter(stock=0).exists()
    assert Product.objects.filter(stock__gt=0).exists()
    assert not Product.objects.filter(category__children__isnull=False).exists()

    line = next(line for line in output.splitlines() if line.startswith("Staff login"))
    login, password = line.removeprefix("Staff login: ").split(" / password: ")
    staff = authenticate(username=login, password=password)
    assert staff is not None
    assert staff.is_staff


def test_a_second_run_leaves_the_catalogue_alone(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    Product.objects.first().delete()
    count = Product.objects.count()
    call_command("seed_demo")
    assert Product.objects.count() == count
    assert "left as it is" in capsys.readouterr().out


def test_places_demo_orders_in_every_state(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == {"new", "confirmed", "shipped", "delivered", "cancelled"}
    assert Order.objects.filter(paid=True).exists()
    assert all(order.lines.exists() for order in Order.objects.all())
    assert HistoryUserApp.objects.filter(status="order_placed").count() == Order.objects.count()
    call_command("seed_demo")  # a second run places no more
    assert Order.objects.count() == len(statuses)


def test_every_demo_product_has_a_drawn_picture(settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    for product in Product.objects.prefetch_related("images"):
        (image,) = product.images.all()
        assert image.is_main
        assert all(default_storage.exists(name) for name in image.file_names)
