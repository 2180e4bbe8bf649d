import pytest

from apps.market.models import Category
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    home = make_category("Дом")
    kitchen = make_category("Кухня", parent=home)
    dishes = make_category("Посуда", parent=kitchen)
    books = make_category("Книги")
    make_product(category=home, name="Коврик")
    make_product(category=kitchen, name="Чайник")
    make_product(category=dishes, name="Тарелка")
    make_product(category=dishes, name="Чашка")
    return home, kitchen, dishes, books


def test_totals_count_products_of_the_whole_subtree(catalogue, django_assert_num_queries):
    home, kitchen, dishes, books = catalogue
    with django_assert_num_queries(2):
        tree = Category.objects.tree()
    assert [c.total_products for c in (tree.get(home.pk), tree.get(kitchen.pk))] == [4, 3]
    assert tree.get(dishes.pk).total_products == 2
    assert tree.get(books.pk).total_products == 0


def test_roots_children_paths_and_subtrees(catalogue):
    home, kitchen, dishes, books = catalogue
    tree = Category.objects.tree()
    assert tree.roots == [home, books]
    assert tree.children[kitchen.pk] == [dishes]
    assert tree.get(home.pk).subcategories == [kitchen]
    assert tree.get(dishes.pk).subcategories == []
    assert tree.path(dishes.pk) == [home, kitchen, dishes]
    assert tree.path_name(dishes.pk) == "Дом / Кухня / Посуда"
    assert sorted(tree.subtree_ids(home.pk)) == sorted([home.pk, kitchen.pk, dishes.pk])
    assert tree.subtree_ids(books.pk) == [books.pk]
    assert tree.subtree_ids(10**9) == []
    assert tree.get(10**9) is None


def test_choices_are_indented_in_tree_order_and_can_leave_out_a_subtree(catalogue):
    home, kitchen, dishes, books = catalogue
    tree = Category.objects.tree()
    assert tree.choices() == [
        (home.pk, "Дом"),
        (kitchen.pk, "\u2003Кухня"),
        (dishes.pk, "\u2003\u2003Посуда"),
        (books.pk, "Книги"),
    ]
    assert [pk for pk, _ in tree.choices(exclude_subtree_of=kitchen.pk)] == [home.pk, books.pk]


def test_a_cycle_made_behind_the_forms_back_does_not_hang(catalogue):
    home, _, dishes, _ = catalogue
    Category.objects.filter(pk=home.pk).update(parent=dishes)  # Дом inside its own grandchild
    tree = Category.objects.tree()
    assert tree.path(dishes.pk)  # terminates
    assert home.pk not in [c.pk for c in tree.roots]
