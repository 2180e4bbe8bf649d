"""Categories: the tree, the category page, and the staff forms (SPEC §3)."""

import re
import threading
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client

from apps.market.forms import CategoryForm
from apps.market.models import Category
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


class TreeOutline(HTMLParser):
    """(href, name, depth, folded) of each category link in the tree: the depth counts the
    lists it sits in, `folded` whether a <details> holds it."""

    def __init__(self):
        super().__init__()
        self.lists = self.folds = 0
        self.links, self.link, self.text = [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "tree-branch" in attrs.get("class", ""):
            self.lists += 1
        elif tag == "details":
            self.folds += 1
        elif tag == "a" and "tree-link" in attrs.get("class", ""):
            self.link, self.text = attrs["href"], []

    def handle_endtag(self, tag):
        if tag == "ul" and self.lists and self.link is None:
            self.lists -= 1
        elif tag == "details":
            self.folds -= 1
        elif tag == "a" and self.link:
            name = self.text[0].strip()
            self.links.append((self.link, name, self.lists, self.folds > 0))
            self.link = None

    def handle_data(self, data):
        if self.link and data.strip():
            self.text.append(data)


def tree_outline(html):
    parser = TreeOutline()
    parser.feed(html)
    return parser.links


@pytest.fixture
def tree():
    home = make_category("Дом")
    kitchen = make_category("Кухня", parent=home)
    dishes = make_category("Посуда", parent=kitchen)
    books = make_category("Книги")
    make_product(home, "Коврик")
    make_product(kitchen, "Чайник")
    make_product(dishes, "Тарелка", stock=0)
    make_product(dishes, "Чашка")
    make_product(books, "Роман")
    return {"home": home, "kitchen": kitchen, "dishes": dishes, "books": books}


class TestTreePage:
    def test_shows_the_whole_tree_with_counts_of_whole_subtrees(self, client, tree):
        response = client.get("/market/category/")
        assert response.status_code == 200
        roots = response.context["roots"]
        assert [(c.name, c.total_products) for c in roots] == [("Дом", 4), ("Книги", 1)]
        assert [(c.name, c.total_products) for c in roots[0].subcategories] == [("Кухня", 3)]
        outline = tree_outline(response.text)
        # Every category, at its depth, linked to its page; the third level folded.
        assert outline == [
            (f"/market/category/{tree['home'].pk}/", "Дом", 0, False),
            (f"/market/category/{tree['kitchen'].pk}/", "Кухня", 1, False),
            (f"/market/category/{tree['dishes'].pk}/", "Посуда", 2, True),
            (f"/market/category/{tree['books'].pk}/", "Книги", 0, False),
        ]

    def test_counts_are_in_the_links(self, client, tree):
        html = client.get("/market/category/").text
        link = re.search(rf'<a [^>]*href="/market/category/{tree["home"].pk}/".*?</a>', html, re.S)
        assert ">4<" in link.group(0)
        assert "4 товара" in link.group(0)  # said in words to screen readers

    def test_a_summary_holds_no_link_or_other_control(self, client, tree):
        html = client.get("/market/category/").text
        summaries = re.findall(r"<summary\b.*?</summary>", html, re.S)
        in_tree = re.findall(r"<summary\b.*?</summary>", html.split('id="main"')[1], re.S)
        assert len(in_tree) == 1  # Кухня's: the only category with a folded level below it
        for summary in summaries:
            assert not re.search(r"<(a|button|input|select|textarea)\b", summary)
            assert "tabindex" not in summary
        assert "Подкатегории «Кухня»" in in_tree[0]

    def test_works_without_any_request_of_its_own(self, client, tree):
        """Everything is in the page: the old route that fetched a level with htmx is gone."""
        html = client.get("/market/category/").text
        assert "hx-get" not in html.split('id="main"')[1].split("</main>")[0]
        assert client.get(f"/market/category/{tree['home'].pk}/children/").status_code == 404

    def test_empty_tree(self, client, db):
        assert "Категорий пока нет." in client.get("/market/category/").text

    def test_staff_see_new_category(self, client, staff, tree):
        assert "/market/category/new/" not in client.get("/market/category/").text
        client.force_login(staff)
        assert "/market/category/new/" in client.get("/market/category/").text


class TestCategoryPage:
    def test_path_subcategories_and_products_of_the_subtree(self, client, tree):
        response = client.get(f"/market/category/{tree['kitchen'].pk}/")
        assert response.status_code == 200
        assert [c.name for c in response.context["path"]] == ["Дом", "Кухня"]
        assert [c.name for c in response.context["children"]] == ["Посуда"]
        assert [p.name for p in response.context["products"]] == ["Тарелка", "Чайник", "Чашка"]

    def test_filters_within_the_category(self, client, tree, htmx):
        url = f"/market/category/{tree['home'].pk}/"
        response = client.get(url, {"in_stock": "1", "q": "ча"}, headers=htmx)
        assert [p.name for p in response.context["products"]] == ["Чайник", "Чашка"]
        assert response.text.lstrip().startswith('<div id="product-results"')

    def test_empty_category(self, client, tree):
        empty = make_category("Пусто", parent=tree["books"])
        response = client.get(f"/market/category/{empty.pk}/")
        assert "Товаров здесь пока нет." in response.text
        assert 'href="/market/products/">Перейти в каталог</a>' in response.text

    def test_a_search_that_finds_nothing_in_the_category(self, client, tree):
        url = f"/market/category/{tree['kitchen'].pk}/"
        response = client.get(url, {"q": "самолёт"})
        assert "По запросу «самолёт» в разделе «Кухня» ничего не нашлось." in response.text
        assert f'href="{url}">Показать все товары раздела «Кухня»</a>' in response.text

    def test_unknown_category(self, client, tree):
        assert client.get("/market/category/999999/").status_code == 404

    def test_staff_export_link_carries_the_category(self, staff_client, tree):
        response = staff_client.get(f"/market/category/{tree['home'].pk}/", {"q": "ча"})
        assert f'/market/export/product?q=%D1%87%D0%B0&amp;category={tree["home"].pk}"' in (
            response.text
        )


class TestCreateCategory:
    def test_staff_create_a_root_and_a_subcategory(self, staff_client, tree):
        assert staff_client.get("/market/category/new/").status_code == 200
        response = staff_client.post("/market/category/", {"name": "Спорт"})
        sport = Category.objects.get(name="Спорт")
        assert response.status_code == 303
        assert response["Location"] == f"/market/category/{sport.pk}/"
        assert sport.parent is None
        staff_client.post("/market/category", {"name": "Туризм", "parent": sport.pk})
        assert Category.objects.get(name="Туризм").parent == sport

    def test_new_form_preselects_the_parent(self, staff_client, tree):
        response = staff_client.get("/market/category/new/", {"parent": tree["home"].pk})
        assert f'<option value="{tree["home"].pk}" selected>' in response.text

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"name": ""}, "name"),
            ({"name": "я" * 101}, "name"),
            ({"name": "КНИГИ"}, "name"),  # a root of that name exists
            ({"name": "Book\x00"}, "name"),
            ({"name": "Новая", "parent": "999999"}, "parent"),
            ({"name": "Новая", "parent": "abc"}, "parent"),
        ],
    )
    def test_bad_input_is_422_on_the_field(self, staff_client, tree, htmx, data, field):
        count = Category.objects.count()
        response = staff_client.post("/market/category/", data)
        assert response.status_code == 422
        assert list(response.context["form"].errors) == [field]
        fragment = staff_client.post("/market/category/", data, headers=htmx)
        assert fragment.status_code == 422
        assert fragment.text.lstrip().startswith('<form id="category-form"')
        assert Category.objects.count() == count

    def test_sibling_names_are_unique_ignoring_case_but_cousins_may_share(self, staff_client, tree):
        response = staff_client.post(
            "/market/category/", {"name": "кухня", "parent": tree["home"].pk}
        )
        assert response.status_code == 422
        assert "Здесь уже есть категория с таким названием." in response.text
        ok = staff_client.post("/market/category/", {"name": "Кухня", "parent": tree["books"].pk})
        assert ok.status_code == 303

    def test_a_name_taken_between_the_check_and_the_save_is_the_fields_error(
        self, staff_client, tree, monkeypatch
    ):
        """A double click on "Save": the second request finds the name free, then the first
        one's category is saved, then the second's INSERT meets the unique index. A 422 on
        the name, as if it had been taken all along; it was a 500."""
        check = Category.validate_constraints

        def check_then_lose_the_race(category, *args, **kwargs):
            check(category, *args, **kwargs)
            if not Category.objects.filter(name="Спорт").exists():
                Category.objects.create(name="Спорт")

        monkeypatch.setattr(Category, "validate_constraints", check_then_lose_the_race)
        response = staff_client.post("/market/category/", {"name": "Спорт"})
        assert response.status_code == 422
        assert list(response.context["form"].errors) == ["name"]
        assert Category.objects.filter(name="Спорт").count() == 1

    def test_shopper_and_visitor_cannot_create(self, client, shopper, tree):
        assert client.post("/market/category/", {"name": "X"}).status_code == 302
        client.force_login(shopper)
        assert client.post("/market/category/", {"name": "X"}).status_code == 403
        assert client.get("/market/category/new/").status_code == 403
        assert not Category.objects.filter(name="X").exists()


class TestEditCategory:
    def put(self, client, category, data, **kwargs):
        return client.put(f"/market/category/{category.pk}/", urlencode(data), FORM, **kwargs)

    def test_edit_form_hides_the_categorys_own_subtree_from_the_parents(self, staff_client, tree):
        response = staff_client.get(f"/market/category/{tree['kitchen'].pk}/edit/")
        assert response.status_code == 200
        choices = [pk for pk, _ in response.context["form"].fields["parent"].choices]
        assert tree["home"].pk in choices
        assert tree["kitchen"].pk not in choices
        assert tree["dishes"].pk not in choices

    def test_put_renames_and_moves(self, staff_client, tree):
        response = self.put(
            staff_client, tree["dishes"], {"name": "Сервизы", "parent": tree["home"].pk}
        )
        assert response.status_code == 303
        tree["dishes"].refresh_from_db()
        assert (tree["dishes"].name, tree["dishes"].parent) == ("Сервизы", tree["home"])

    def test_put_without_parent_moves_to_the_top_level(self, staff_client, tree):
        assert self.put(staff_client, tree["kitchen"], {"name": "Кухня"}).status_code == 303
        tree["kitchen"].refresh_from_db()
        assert tree["kitchen"].parent is None

    def test_post_with_method_put_works_without_javascript(self, staff_client, tree):
        data = {"_method": "PUT", "name": "Библиотека"}
        assert staff_client.post(f"/market/category/{tree['books'].pk}", data).status_code == 303
        tree["books"].refresh_from_db()
        assert tree["books"].name == "Библиотека"

    @pytest.mark.parametrize("descendant", ["home", "kitchen", "dishes"])
    def test_a_category_cannot_move_under_itself_or_its_descendants(
        self, staff_client, tree, htmx, descendant
    ):
        data = {"name": "Дом", "parent": tree[descendant].pk}
        response = self.put(staff_client, tree["home"], data, headers=htmx)
        assert response.status_code == 422
        assert list(response.context["form"].errors) == ["parent"]
        tree["home"].refresh_from_db()
        assert tree["home"].parent is None

    def test_renaming_onto_a_sibling_is_refused(self, staff_client, tree):
        response = self.put(staff_client, tree["books"], {"name": "дом"})
        assert response.status_code == 422
        assert list(response.context["form"].errors) == ["name"]

    def test_shopper_and_visitor_cannot_edit(self, client, shopper, tree):
        assert self.put(client, tree["books"], {"name": "X"}).status_code == 302
        client.force_login(shopper)
        assert self.put(client, tree["books"], {"name": "X"}).status_code == 403
        assert client.get(f"/market/category/{tree['books'].pk}/edit/").status_code == 403
        tree["books"].refresh_from_db()
        assert tree["books"].name == "Книги"

    def test_unknown_category(self, staff_client, tree):
        assert staff_client.put("/market/category/999999/", "name=X", FORM).status_code == 404
        assert staff_client.get("/market/category/999999/edit/").status_code == 404

    def test_categories_cannot_be_deleted_through_the_shop(self, staff_client, tree):
        response = staff_client.delete(f"/market/category/{tree['books'].pk}/")
        assert response.status_code == 405
        assert Category.objects.filter(pk=tree["books"].pk).exists()


class TestLoops:
    """Two simultaneous moves could put X under Y and Y under X (both answered 303): both left
    the tree with their products, and any later move under them looped forever in clean()."""

    def test_a_move_that_a_move_saved_meanwhile_makes_a_loop_is_refused(
        self, staff_client, monkeypatch
    ):
        """Y is moved under X after this form checked X under Y and before it saves: the save,
        which checks again under the tree's lock, refuses it with the field's error."""
        x, y = make_category("X"), make_category("Y")
        checked = CategoryForm.clean

        def clean_then_someone_moves_y(form):
            data = checked(form)
            Category.objects.filter(pk=y.pk).update(parent=x)
            return data

        monkeypatch.setattr(CategoryForm, "clean", clean_then_someone_moves_y)
        response = staff_client.put(
            f"/market/category/{x.pk}/", urlencode({"name": "X", "parent": y.pk}), FORM
        )
        assert response.status_code == 422
        assert list(response.context["form"].errors) == ["parent"]
        assert Category.objects.get(pk=x.pk).parent_id is None


@pytest.mark.django_db(transaction=True)
def test_a_move_under_a_loop_already_in_the_data_ends(staff):
    """A loop made behind the forms' back (two updates): moving another category under it
    answers at once; the walk up the tree used to go round the loop forever. (The move runs in
    a thread of its own, so that a walk that never ends fails the test instead of hanging it.)"""
    x, y, z = make_category("X"), make_category("Y"), make_category("Z")
    Category.objects.filter(pk=x.pk).update(parent=y)
    Category.objects.filter(pk=y.pk).update(parent=x)
    client = Client()
    client.force_login(staff)
    answers = []

    def move():
        try:
            body = urlencode({"name": "Z", "parent": x.pk})
            answers.append(client.put(f"/market/category/{z.pk}/", body, FORM))
        finally:
            connection.close()

    mover = threading.Thread(target=move, daemon=True)
    mover.start()
    mover.join(timeout=120)
    assert not mover.is_alive(), "the move never ended"
    assert answers[0].status_code == 303
    assert Category.objects.get(pk=z.pk).parent_id == x.pk
    assert client.get(f"/market/category/{z.pk}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_crossing_moves_at_once_never_make_a_loop(staff, monkeypatch):
    """X under Y and Y under X, sent at the same moment by two staff members: both forms are
    checked before either saves (a barrier holds them), one move is saved and the other is
    refused (422), on SQLite and on PostgreSQL."""
    x, y = make_category("X"), make_category("Y")
    both_checked = threading.Barrier(2, timeout=60)
    checked = CategoryForm.clean

    def clean_and_wait(form):
        data = checked(form)
        both_checked.wait()
        return data

    monkeypatch.setattr(CategoryForm, "clean", clean_and_wait)
    statuses = []

    def move(category, parent):
        client = Client(raise_request_exception=False)
        client.force_login(staff)
        try:
            body = urlencode({"name": category.name, "parent": parent.pk})
            statuses.append(client.put(f"/market/category/{category.pk}/", body, FORM).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=pair) for pair in ((x, y), (y, x))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 422]
    parents = dict(Category.objects.values_list("name", "parent__name"))
    assert parents in ({"X": "Y", "Y": None}, {"X": None, "Y": "X"})
