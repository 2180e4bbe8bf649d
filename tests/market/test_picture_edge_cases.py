"""Pictures at the edges (SPEC §3 "Pictures"), found by a review: odd but valid files kept
right, broken ones refused without a 500, and races with another staff member's deletion."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from apps.market import pictures
from apps.market.models import ProductImage
from tests.factories import make_category, make_product
from tests.pictures import picture_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def product():
    return make_product(make_category("Кухня"), "Чайник")


def images_url(product):
    return reverse("market:product_images", args=[product.pk])


def add(client, product, *files):
    client.raise_request_exception = False  # a 500 is an answer here, not a test error
    return client.post(images_url(product), {"images": list(files)})


def stored_pixel(image):
    with pictures.default_storage.open(image.file.name) as file:
        return Image.open(io.BytesIO(file.read())).convert("RGB").getpixel((0, 0))


def test_a_16_bit_greyscale_png_keeps_its_tones(staff_client, product):
    """A valid 16-bit greyscale PNG (mode I;16) is converted to RGB by clipping, not scaling:
    every value above 255 of 65535 becomes white, so a mid-grey picture is stored white."""
    grey = Image.new("I;16", (10, 10), 32768)  # 50 % grey
    buffer = io.BytesIO()
    grey.save(buffer, "PNG")
    assert add(staff_client, product, upload(buffer.getvalue(), "grey.png")).status_code == 303
    red, green, blue = stored_pixel(product.images.get())
    assert 120 <= red <= 135, (red, green, blue)  # stored as (255, 255, 255)


def jpeg_with_mistyped_exif_tag():
    """An upright-6 JPEG whose EXIF holds tag 266 (FillOrder, a SHORT) with an ASCII value, as
    cameras and editors sometimes write: Pillow reads it, but can't write it back."""
    image = Image.new("RGB", (16, 8), (1, 2, 3))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn it
    exif[0x0131] = "sw"  # Software (ASCII), renamed below
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    entry = b"\x01\x31\x00\x02"  # big-endian IFD entry: tag 305, type ASCII
    assert data.count(entry) == 1
    return data.replace(entry, b"\x01\x0a\x00\x02")  # tag 266, still ASCII


def test_a_jpeg_with_a_mistyped_exif_tag_is_not_a_500(staff_client, product):
    """ImageOps.exif_transpose re-serialises the EXIF (exif.tobytes()), which raises
    struct.error for a tag whose value doesn't fit its known type; read() catches only
    OSError/SyntaxError/ValueError/TypeError, so the upload is a 500."""
    response = add(staff_client, product, upload(jpeg_with_mistyped_exif_tag(), "cam.jpg"))
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 303:
        assert (product.images.get().width, product.images.get().height) == (8, 16)


def test_a_big_upload_with_a_long_extension_is_not_a_500(staff_client, product):
    """An upload bigger than FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) goes to a temporary file
    named with the upload's extension; a 250-character extension makes that name too long
    (OSError ENAMETOOLONG) while MethodOverrideMiddleware reads request.POST: a 500, on any
    POST route, for anyone (before the login and the CSRF check)."""
    data = picture_bytes("PNG") + b"\0" * (3 * 1024 * 1024)  # a valid PNG, 3 MB
    response = add(staff_client, product, upload(data, "photo." + "x" * 250))
    assert response.status_code in (303, 400, 422), response.status_code


def test_deleting_two_pictures_in_the_admin_keeps_a_main_one(client, superuser, product):
    """The admin's "delete selected" removes each picture with the is_main it had when the
    list was read: the main one hands "main" to the next, which is then deleted as if it were
    not main, and the product is left with pictures but none main (its card shows the
    placeholder)."""
    client.force_login(superuser)
    first, second, _third = ProductImage.objects.add(product, [pictures.read(upload())] * 3)
    response = client.post(
        "/admin/market/productimage/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert product.images.count() == 1
    assert product.images.filter(is_main=True).count() == 1


def test_a_product_deleted_while_its_upload_is_read_is_not_a_500(
    staff_client, product, monkeypatch
):
    """image_add finds the product, then decodes the uploads (seconds for 10 large pictures),
    then ProductImage.objects.add() locks it with .get(): a product another staff member
    deleted meanwhile is Product.DoesNotExist, a 500 (not a 404)."""
    read = pictures.read

    def read_while_deleted(upload):
        product.delete()  # another request, while this one decodes
        return read(upload)

    monkeypatch.setattr(pictures, "read", read_while_deleted)
    response = add(staff_client, product, upload())
    assert response.status_code in (404, 422), response.status_code


def test_a_png_cut_short_is_refused(staff_client, product):
    """SPEC §3: a truncated file is refused. A PNG that lost its last 20 bytes (the IEND chunk,
    the last IDAT's CRC and the zlib stream's checksum) is accepted: load() stops once it has
    the pixels and never checks the rest (no verify(), no IEND)."""
    source = Image.effect_noise((300, 300), 60).convert("RGB")
    buffer = io.BytesIO()
    source.save(buffer, "PNG")
    response = add(staff_client, product, upload(buffer.getvalue()[:-20], "cut.png"))
    assert response.status_code == 422
    assert not ProductImage.objects.exists()


def test_making_main_a_picture_deleted_meanwhile_is_not_a_500(staff_client, product, monkeypatch):
    """image_make_main reads the picture (image_of), then make_main() locks the product and
    saves with update_fields: a picture another staff member deleted in between makes that
    save raise DatabaseError ("did not affect any rows"), a 500 instead of a 404."""
    from apps.market.views import pictures as views

    _first, second = ProductImage.objects.add(product, [pictures.read(upload())] * 2)
    image_of = views.image_of

    def image_of_deleted_meanwhile(pk, image_id):
        image = image_of(pk, image_id)
        ProductImage.objects.get(pk=image.pk).remove()  # another request
        return image

    monkeypatch.setattr(views, "image_of", image_of_deleted_meanwhile)
    staff_client.raise_request_exception = False
    response = staff_client.put(reverse("market:product_image", args=[product.pk, second.pk]))
    assert response.status_code in (303, 404), response.status_code
