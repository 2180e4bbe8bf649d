"""Journey 3: staff keep the catalogue: a category and a product through the forms (one attempt
refused with the errors in place), an edit, a picture, the CSV of a filtered list, and a
confirmed delete."""

import csv
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.market.models import Category, Product
from apps.market.views.export import HEADER
from tests.browser.steps import log_in, results, results_count, same_document
from tests.factories import make_category, make_product
from tests.pictures import picture_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db):
    drinks = make_category("Drinks")
    make_product(drinks, "Black tea", "250.00", 20)
    make_product(make_category("Kitchen"), "Coffee grinder", "3490.00", 2)
    return drinks


def test_staff_keep_the_catalogue(page, staff, catalogue):
    log_in(page, "staff")
    main, navbar = page.get_by_role("main"), page.get_by_role("navigation", name="Main navigation")

    # A category: first without a name (refused in place), then with one.
    navbar.get_by_role("link", name="Categories", exact=True).click()
    main.get_by_role("link", name="New category").click()
    with same_document(page):
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("Name").fill("Tea")
    page.get_by_label("Parent category").select_option(label="Drinks")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Tea", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Drinks")
    tea = Category.objects.get(name="Tea")
    assert tea.parent == catalogue

    # A product in it: a negative price and no stock are refused, each at its field.
    main.get_by_role("link", name="New product").click()
    expect(page.get_by_label("Category")).to_have_value(str(tea.pk))
    page.get_by_label("Name").fill("Green tea")
    page.get_by_label("Price").fill("-5")
    page.get_by_label("In stock").fill("")
    with same_document(page):
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("greater than or equal to 0")).to_be_visible()
        expect(page.get_by_text("This field is required.")).to_be_visible()
    assert not Product.objects.filter(name="Green tea").exists()
    page.get_by_label("Price").fill("349.90")
    page.get_by_label("In stock").fill("7")
    page.get_by_label("Description").fill("Sencha from Shizuoka")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Green tea")).to_be_visible()
    expect(page.get_by_text("₽349.90")).to_be_visible()
    expect(page.get_by_text("In stock: 7")).to_be_visible()

    # Edit it.
    main.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Name")).to_have_value("Green tea")
    page.get_by_label("Price").fill("399.00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Green tea")).to_be_visible()
    expect(page.get_by_text("₽399.00")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()

    # A picture, uploaded on the edit page, becomes the main one and shows on the product page.
    main.get_by_role("link", name="Edit").click()
    picture = {"name": "tea.png", "mimeType": "image/png", "buffer": picture_bytes("PNG")}
    page.locator("#upload_images").set_input_files(picture)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").filter(has_text="1 picture added.")).to_be_visible()
    expect(main.get_by_text("Main picture", exact=True)).to_be_visible()
    main.get_by_role("link", name="Cancel").first.click()
    expect(main.get_by_role("img", name="Green tea")).to_be_visible()

    # The CSV of the filtered list holds the filtered products only, in id order.
    navbar.get_by_role("link", name="Catalogue", exact=True).click()
    results_count(page, 3)
    with same_document(page):
        page.get_by_label("Search", exact=True).fill("tea")
        results_count(page, 2)
    with page.expect_download() as download_info:
        results(page).get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"products-{timezone.localdate():%Y-%m-%d}.csv"
    data = download.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    assert [(row[1], row[2], row[3], row[4]) for row in rows[1:]] == [
        ("Black tea", "Drinks", "250.00", "20"),
        ("Green tea", "Drinks / Tea", "399.00", "7"),
    ]

    # Delete it, after saying yes to the question.
    results(page).get_by_role("link", name="Green tea").click()
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.wait_for_load_state()  # htmx, not the link's plain href, must get the click
    main.get_by_role("link", name="Delete").click()
    expect(page).to_have_url(re.compile(r"/market/products/$"))
    expect(page.get_by_role("status").filter(has_text="deleted")).to_be_visible()
    assert questions == ["Delete “Green tea”? Its lines in carts go with it."]
    results_count(page, 2)
    expect(results(page).get_by_role("link", name="Green tea")).to_have_count(0)
    assert not Product.objects.filter(name="Green tea").exists()
