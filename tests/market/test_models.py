"""The data model's rules hold in the database itself (SPEC §4), whatever code writes to it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from apps.market.models import Cart, CartItem, Category, Product
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def integrity_error(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


class TestCategory:
    def test_names_are_unique_among_siblings_ignoring_case(self):
        root = make_category("Одежда")
        make_category("Обувь", parent=root)
        integrity_error(lambda: make_category("ОБУВЬ", parent=root))
        integrity_error(lambda: make_category("обувь", parent=root))

    def test_root_names_are_unique_too_although_their_parent_is_null(self):
        make_category("Книги")
        integrity_error(lambda: make_category("книги"))
        make_category("books")
        integrity_error(lambda: make_category("BOOKS"))

    def test_same_name_under_different_parents_is_fine(self):
        make_category("Аксессуары", parent=make_category("Электроника"))
        make_category("Аксессуары", parent=make_category("Одежда"))
        make_category("Аксессуары")
        assert Category.objects.filter(name="Аксессуары").count() == 3

    def test_duplicate_name_is_a_name_field_error_in_validation(self):
        root = make_category("Дом")
        make_category("Посуда", parent=root)
        with pytest.raises(ValidationError) as error:
            Category(name="ПОСУДА", parent=root).full_clean()
        assert list(error.value.message_dict) == ["name"]

    def test_a_category_cannot_become_its_own_ancestor(self):
        root = make_category("Дом")
        child = make_category("Кухня", parent=root)
        grandchild = make_category("Посуда", parent=child)
        for new_parent in (root, grandchild):
            root.parent = new_parent
            with pytest.raises(ValidationError) as error:
                root.full_clean()
            assert "parent" in error.value.message_dict

    def test_moving_under_a_non_descendant_is_fine(self):
        a, b = make_category("А"), make_category("Б")
        a.parent = b
        a.full_clean()

    def test_a_category_holding_products_or_subcategories_cannot_be_deleted(self):
        root = make_category("Дом")
        child = make_category("Кухня", parent=root)
        make_product(category=child)
        with pytest.raises(ProtectedError):
            root.delete()
        with pytest.raises(ProtectedError):
            child.delete()


class TestProduct:
    def test_price_cannot_be_negative(self):
        product = make_product()
        integrity_error(lambda: Product.objects.filter(pk=product.pk).update(price=-1))

    def test_stock_cannot_be_negative(self):
        product = make_product()
        integrity_error(lambda: Product.objects.filter(pk=product.pk).update(stock=-1))

    def test_deleting_a_product_takes_its_cart_lines(self, shopper):
        product = make_product()
        CartItem.objects.create(cart=shopper.cart, product=product, quantity=2)
        product.delete()
        assert not CartItem.objects.exists()
        assert Cart.objects.filter(owner=shopper).exists()


class TestCartItem:
    def test_one_line_per_product_in_a_cart(self, shopper):
        product = make_product()
        CartItem.objects.create(cart=shopper.cart, product=product, quantity=1)
        integrity_error(
            lambda: CartItem.objects.create(cart=shopper.cart, product=product, quantity=1)
        )

    def test_quantity_is_at_least_one(self, shopper):
        integrity_error(
            lambda: CartItem.objects.create(cart=shopper.cart, product=make_product(), quantity=0)
        )

    def test_deleting_the_user_deletes_the_cart_and_its_lines(self, shopper):
        CartItem.objects.create(cart=shopper.cart, product=make_product(), quantity=1)
        shopper.delete()
        assert not Cart.objects.exists()
        assert not CartItem.objects.exists()
