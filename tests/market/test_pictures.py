"""Product pictures (SPEC §3 "Pictures"): uploads checked by decoding, re-encoded without
metadata under a random name, thumbnails made once; the main picture; files gone after the
deletion commits; the catalogue's pages showing them."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from PIL import Image

from apps.market import pictures
from apps.market.models import Product, ProductImage, Version
from tests.factories import make_category, make_product
from tests.pictures import jpeg_with_metadata, picture_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A folder of the test's own, so that it sees only the files it made."""
    settings.MEDIA_ROOT = tmp_path


def all_files():
    return default_storage.listdir("products")[1] if default_storage.exists("products") else []


@pytest.fixture
def product():
    return make_product(make_category("Кухня"), "Чайник")


def images_url(product):
    return reverse("market:product_images", args=[product.pk])


def image_url(image):
    return reverse("market:product_image", args=[image.product_id, image.pk])


def add(client, product, *files, **headers):
    return client.post(images_url(product), {"images": list(files)}, headers=headers)


def stored(image):
    """Every file of a picture that is in the storage."""
    return [name for name in image.file_names if default_storage.exists(name)]


def product_form(category, **fields):
    return {
        "name": "Чайник со свистком",
        "price": "1990.00",
        "description": "",
        "stock": "3",
        "category": category.pk,
        **fields,
    }


class TestUpload:
    def test_the_create_form_takes_several_pictures_the_first_is_main(self, staff_client):
        category = make_category("Кухня")
        files = [upload(name="a.jpg"), upload(picture_bytes("PNG"), "b.png", "image/png")]
        response = staff_client.post("/market/products/", product_form(category, images=files))
        product = Product.objects.get()
        assert response.status_code == 303
        assert response["Location"] == product.get_absolute_url()
        first, second = product.images.all()
        assert (first.is_main, second.is_main) == (True, False)
        assert len(stored(first)) == len(stored(second)) == 3  # the picture and 2 renditions

    def test_the_edit_form_adds_pictures_with_put(self, staff_client, product):
        data = product_form(product.category, images=[upload()], _method="PUT")
        response = staff_client.post(product.get_absolute_url(), data)
        assert response.status_code == 303
        assert product.images.get().is_main

    def test_post_images_adds_them_and_goes_back_to_the_edit_page(self, staff_client, product):
        response = add(staff_client, product, upload(), upload())
        assert response.status_code == 303
        assert response["Location"] == reverse("market:product_edit", args=[product.pk])
        assert product.images.count() == 2
        assert product.images.filter(is_main=True).count() == 1

    def test_htmx_is_sent_to_the_edit_page_with_hx_redirect(self, staff_client, product, htmx):
        response = add(staff_client, product, upload(), **htmx)
        assert response.status_code == 200
        assert response["HX-Redirect"] == reverse("market:product_edit", args=[product.pk])

    def test_what_is_stored_is_re_encoded_upright_without_metadata(self, staff_client, product):
        assert add(staff_client, product, upload(jpeg_with_metadata())).status_code == 303
        image = product.images.get()
        assert re.fullmatch(r"products/[0-9a-f]{32}\.webp", image.file.name)  # not "photo.jpg"
        for name in image.file_names:
            with default_storage.open(name) as file:
                data = file.read()
            kept = Image.open(io.BytesIO(data))
            assert kept.format == "WEBP"
            assert kept.size == (20, 40)  # turned as its orientation said
            assert not kept.getexif()
            assert "icc_profile" not in kept.info
            assert "exif" not in kept.info
            assert b"SpyCam" not in data
        assert (image.width, image.height) == (20, 40)

    def test_a_large_picture_is_kept_at_the_largest_size_shown_with_thumbnails(
        self, staff_client, product
    ):
        big = upload(picture_bytes("PNG", size=(3000, 1500)), "big.png", "image/png")
        assert add(staff_client, product, big).status_code == 303
        image = product.images.get()
        sizes = []
        for name in image.file_names:
            with default_storage.open(name) as file:
                sizes.append(Image.open(file).size)
        assert sizes == [(1280, 640), (320, 160), (640, 320)]
        assert (image.width, image.height) == (1280, 640)

    def test_a_png_named_jpg_is_read_as_the_png_it_is(self, staff_client, product):
        png = upload(picture_bytes("PNG"), "photo.jpg", "image/jpeg")
        assert add(staff_client, product, png).status_code == 303

    def test_webp_with_transparency_keeps_it(self, staff_client, product):
        image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
        buffer = io.BytesIO()
        image.save(buffer, "WEBP")
        assert add(staff_client, product, upload(buffer.getvalue(), "t.webp")).status_code == 303
        with default_storage.open(product.images.get().file.name) as file:
            assert Image.open(file).mode == "RGBA"


def truncated_jpeg():
    return picture_bytes("JPEG", size=(200, 200))[:400]


def gif():
    buffer = io.BytesIO()
    Image.new("RGB", (5, 5)).save(buffer, "GIF")
    return buffer.getvalue()


def huge_png(size):
    """A small file that decodes to `size` pixels (a bilevel picture compresses to nothing)."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, "PNG")
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

REFUSED = {
    "text named .jpg": (b"just some text", "photo.jpg"),
    "svg": (SVG, "drawing.svg"),
    "svg named .png": (SVG, "drawing.png"),
    "gif": (gif(), "anim.gif"),
    "truncated jpeg": (truncated_jpeg(), "cut.jpg"),
    "jpeg header only": (b"\xff\xd8\xff\xe0" + b"\0" * 20, "head.jpg"),
    "html": (b"<html><script>alert(1)</script></html>", "page.webp"),
    "41 megapixels": (huge_png((8200, 5000)), "big.png"),
    "decompression bomb": (huge_png((20000, 20000)), "bomb.png"),
    "empty": (b"", "empty.jpg"),
}


class TestRefused:
    @pytest.mark.parametrize("case", REFUSED)
    def test_a_bad_file_is_refused_with_a_field_error_and_nothing_saved(
        self, staff_client, product, case
    ):
        data, name = REFUSED[case]
        response = add(staff_client, product, upload(), upload(data, name))
        assert response.status_code == 422
        assert response.context["images_form"].errors["images"]
        assert not ProductImage.objects.exists()
        assert all_files() == []

    def test_the_create_form_creates_no_product_with_a_bad_picture(self, staff_client):
        category = make_category("Кухня")
        data = product_form(category, images=[upload(b"not a picture", "x.jpg")])
        response = staff_client.post("/market/products/", data)
        assert response.status_code == 422
        assert response.context["form"].errors["images"]
        assert not Product.objects.exists()

    def test_more_than_10_megabytes_is_refused(self, staff_client, product):
        data = picture_bytes("PNG") + b"\0" * (pictures.MAX_BYTES)
        response = add(staff_client, product, upload(data, "padded.png"))
        assert response.status_code == 422
        (error,) = response.context["images_form"].errors.as_data()["images"]
        assert error.code == "too_large"

    def test_at_most_ten_pictures_a_product(self, staff_client, product):
        assert add(staff_client, product, *[upload() for _ in range(8)]).status_code == 303
        response = add(staff_client, product, upload(), upload(), upload())
        assert response.status_code == 422
        assert product.images.count() == 8
        assert add(staff_client, product, upload(), upload()).status_code == 303
        assert product.images.count() == 10

    def test_no_file_is_a_field_error(self, staff_client, product):
        response = staff_client.post(images_url(product), {})
        assert response.status_code == 422
        assert response.context["images_form"].errors["images"]

    def test_htmx_gets_the_pictures_section_with_the_error(self, staff_client, product, htmx):
        response = add(staff_client, product, upload(b"nope", "x.png"), **htmx)
        assert response.status_code == 422
        assert b"<html" not in response.content
        assert b'id="product-pictures"' in response.content

    def test_the_model_refuses_an_eleventh_under_its_lock(self, product):
        picture = pictures.read(upload())
        ProductImage.objects.add(product, [picture] * 10)
        files_before = set(all_files())
        with pytest.raises(ValidationError) as refusal:
            ProductImage.objects.add(product, [picture])
        assert list(refusal.value.message_dict) == ["images"]
        assert set(all_files()) == files_before


class TestMainAndRemoval:
    @pytest.fixture
    def three(self, product):
        picture = pictures.read(upload())
        return ProductImage.objects.add(product, [picture, picture, picture])

    def test_put_makes_a_picture_the_main_one(self, staff_client, three):
        _first, _second, third = three
        response = staff_client.post(image_url(third), {"_method": "PUT"})
        assert response.status_code == 303
        assert list(ProductImage.objects.values_list("is_main", flat=True)) == [
            False,
            False,
            True,
        ]

    def test_delete_removes_the_files_after_the_commit(
        self, staff_client, three, django_capture_on_commit_callbacks
    ):
        second = three[1]
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = staff_client.post(image_url(second), {"_method": "DELETE"})
        assert response.status_code == 303
        assert not ProductImage.objects.filter(pk=second.pk).exists()
        assert len(stored(second)) == 3  # still there until the deletion commits
        for callback in callbacks:
            callback()
        assert stored(second) == []
        assert len(stored(three[0])) == 3

    def test_removing_the_main_picture_makes_the_next_one_main(self, staff_client, three):
        staff_client.delete(image_url(three[0]))
        assert list(ProductImage.objects.values_list("pk", "is_main")) == [
            (three[1].pk, True),
            (three[2].pk, False),
        ]

    def test_a_picture_of_another_product_is_not_found(self, staff_client, three):
        other = make_product(three[0].product.category, "Кружка")
        url = reverse("market:product_image", args=[other.pk, three[0].pk])
        assert staff_client.delete(url).status_code == 404
        assert staff_client.put(url).status_code == 404
        assert ProductImage.objects.count() == 3

    def test_deleting_the_product_deletes_every_file_after_the_commit(
        self, staff_client, three, django_capture_on_commit_callbacks
    ):
        product = three[0].product
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert staff_client.delete(product.get_absolute_url()).status_code == 303
            assert all(len(stored(image)) == 3 for image in three)
        for callback in callbacks:
            callback()
        assert all(stored(image) == [] for image in three)

    def test_a_rolled_back_deletion_keeps_the_files(
        self, three, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            three[0].product.delete()
            transaction.set_rollback(True)
        assert all(len(stored(image)) == 3 for image in three)
        assert ProductImage.objects.count() == 3

    def test_each_change_moves_the_catalogue_version(self, staff_client, three):
        version = Version.objects.current("catalogue")
        staff_client.put(image_url(three[1]))
        assert Version.objects.current("catalogue") > version
        version = Version.objects.current("catalogue")
        staff_client.delete(image_url(three[1]))
        assert Version.objects.current("catalogue") > version
        version = Version.objects.current("catalogue")
        add(staff_client, three[0].product, upload())
        assert Version.objects.current("catalogue") > version


class TestPages:
    @pytest.fixture
    def pictured(self, product):
        picture = pictures.read(upload(picture_bytes("JPEG", size=(800, 600))))
        ProductImage.objects.add(product, [picture, picture])
        return product

    def test_the_card_shows_the_main_thumbnail(self, client, pictured):
        html = client.get("/market/products/").content.decode()
        main = pictured.images.get(is_main=True)
        card = re.search(r'<img src="([^"]+)" srcset="([^"]+)"[^>]*>', html)
        assert card.group(1) == main.url(320)
        assert main.url(640) + " 640w" in card.group(2)
        assert 'width="320" height="240" alt="Чайник"' in card.group(0)

    def test_the_first_four_cards_load_at_once_the_others_when_scrolled_to(self, client, pictured):
        picture = pictures.read(upload())
        for number in range(5):
            product = make_product(pictured.category, f"Кружка {number}")
            ProductImage.objects.add(product, [picture])
        html = client.get("/market/products/").content.decode()
        cards = re.findall(r"<img [^>]*>", html)
        assert len(cards) == 6
        assert ['loading="lazy"' in card for card in cards] == [False] * 4 + [True] * 2

    def test_a_card_without_pictures_shows_a_placeholder(self, client, product):
        html = client.get("/market/products/").content.decode()
        assert "product-picture-none" in html
        assert "<img" not in html

    def test_the_product_page_shows_every_picture_the_first_eagerly(self, client, pictured):
        html = client.get(pictured.get_absolute_url()).content.decode()
        big = re.findall(r'<img[^>]*sizes="\(min-width: 992px\)[^>]*>', html)
        assert len(big) == 2
        assert 'loading="lazy"' not in big[0]
        assert 'fetchpriority="high"' in big[0]
        assert 'loading="lazy"' in big[1]
        assert 'width="640" height="480" alt="Чайник"' in big[0]
        for image in pictured.images.all():
            assert f'href="#picture-{image.pk}"' in html

    def test_the_product_page_shows_products_of_the_same_category(self, client, pictured):
        make_product(pictured.category, "Кружка")
        make_product(make_category("Сад"), "Лейка")
        html = client.get(pictured.get_absolute_url()).content.decode()
        assert "Кружка" in html
        assert "Лейка" not in html

    def test_the_cart_shows_a_small_picture_per_line(self, client, shopper, pictured):
        shopper.cart.change_line(pictured, 1)
        client.force_login(shopper)
        html = client.get(shopper.cart.get_absolute_url()).content.decode()
        assert pictured.images.get(is_main=True).url(320) in html

    def test_the_edit_page_manages_the_pictures_without_javascript(self, staff_client, pictured):
        html = staff_client.get(reverse("market:product_edit", args=[pictured.pk])).content
        html = html.decode()
        for image in pictured.images.all():
            assert f'action="{image_url(image)}"' in html
        assert 'name="_method" value="DELETE"' in html
        assert 'name="_method" value="PUT"' in html
        assert html.count('enctype="multipart/form-data"') == 2
        assert 'id="upload_images"' in html
        assert 'id="id_images"' in html

    def test_a_new_picture_shows_on_the_cached_list_at_once(
        self, client, staff_client, product, settings
    ):
        settings.SHARED_CACHE_SECONDS = 600
        for _ in range(2):  # kept from the second time
            assert "<img" not in client.get("/market/products/").content.decode()
        add(staff_client, product, upload())
        assert product.images.get().url(320) in client.get("/market/products/").content.decode()


class TestMedia:
    def test_pictures_are_served_with_long_cache_and_nosniff(self, client, product):
        image = ProductImage.objects.add(product, [pictures.read(upload())])[0]
        response = client.get(image.url(320))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert "max-age=31536000" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content)[:4] == b"RIFF"
        assert client.head(image.url(320)).status_code == 200
        assert client.post(image.url(320)).status_code == 405

    @pytest.mark.parametrize(
        "path",
        [
            "/media/../shop/settings.py",
            "/media/%2e%2e/shop/settings.py",
            "/media/..%2fshop%2fsettings.py",
            "/media//etc/passwd",
            "/media/products/",
            "/media/products/missing.webp",
        ],
    )
    def test_nothing_outside_the_pictures_is_served(self, client, path):
        assert client.get(path).status_code == 404
