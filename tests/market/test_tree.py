import pytest

from apps.market.models import Category, Product
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


def test_it_counts_what_the_filters_select_without_a_search(catalogue):
    """The product list's count without a search comes from the tree: for every category and
    the whole catalogue, with and without "in stock only", it is the products' own count."""
    home, kitchen, dishes, books = catalogue
    make_product(category=dishes, name="Блюдце", stock=0)
    make_product(category=books, name="Словарь", stock=0)
    tree = Category.objects.tree()
    for category in [None, home, kitchen, dishes, books]:
        products = Product.objects.all()
        if category is not None:
            products = products.in_categories(tree.subtree_ids(category.pk))
        pk = category and category.pk
        assert tree.product_count(pk) == products.count()
        assert tree.product_count(pk, in_stock=True) == products.in_stock().count()
    assert (tree.product_count(None), tree.product_count(None, in_stock=True)) == (6, 4)
    assert tree.product_count(books.pk, in_stock=True) == 0


def test_a_tree_not_given_the_counts_knows_none():
    from apps.market.models import CategoryTree

    tree = CategoryTree([Category(pk=1, name="Дом")], {1: 2})
    assert tree.product_count(1) == 2
    assert tree.product_count(1, in_stock=True) is None


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


def test_a_loop_left_in_the_data_still_gets_its_totals():
    """Two categories each under the other (the database allows it; the forms don't): no root
    reaches them, yet each has its totals and its subtree, and building the tree ends."""
    from apps.market.models import CategoryTree

    root = Category(pk=1, name="Дом")
    x, y = Category(pk=2, name="X", parent_id=3), Category(pk=3, name="Y", parent_id=2)
    tree = CategoryTree([root, x, y], {2: 1, 3: 2})
    assert [c.pk for c in tree.roots] == [1]
    assert (x.total_products, y.total_products) == (3, 2)  # X was reached first, Y under it
    assert sorted(tree.subtree_ids(2)) == [2, 3]
    assert [c.name for c in tree.path(2)] == ["Y", "X"]
