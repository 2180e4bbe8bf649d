"""Fuzzed uploads: arbitrary bytes, real pictures cut short or with bytes flipped, under any
name and content type, one or several at once. Never a 500; a refusal (422, an error on
`images`) saves nothing, neither rows nor files; what is saved is a WebP the shop wrote."""

import io

import pytest
from django.core.files.storage import default_storage
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from apps.market.models import ProductImage
from tests.factories import make_category, make_product
from tests.fuzz import shared_fixtures
from tests.pictures import picture_bytes, upload

pytestmark = pytest.mark.django_db

REAL = [picture_bytes(fmt, size=(24, 16)) for fmt in ("JPEG", "PNG", "WEBP")]


@st.composite
def damaged(draw):
    """A real picture cut short, with bytes flipped, or with junk appended."""
    data = bytearray(draw(st.sampled_from(REAL)))
    how = draw(st.sampled_from(["cut", "flip", "append"]))
    if how == "cut":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            position = draw(st.integers(0, len(data) - 1))
            data[position] = draw(st.integers(0, 255))
        return bytes(data)
    return bytes(data) + draw(st.binary(max_size=200))


FILES = st.builds(
    upload,
    st.one_of(st.binary(max_size=300), damaged(), st.sampled_from(REAL)),
    st.sampled_from(
        ["a.jpg", "b.png", "c.webp", "d.svg", "e.gif", "noext", "../../x.jpg", "я.JPG"]
    ),
    st.sampled_from(["image/jpeg", "image/png", "image/svg+xml", "text/html", ""]),
)


@pytest.fixture
def kettle(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_product(make_category("Кухня"), "Чайник")


def stored_files():
    return (
        sorted(default_storage.listdir("products")[1]) if default_storage.exists("products") else []
    )


@shared_fixtures
@given(files=st.lists(FILES, min_size=1, max_size=3))
def test_uploads(staff_client, kettle, files):
    rows = list(ProductImage.objects.values_list())
    before = stored_files()
    response = staff_client.post(f"/market/products/{kettle.pk}/images/", {"images": files})
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert response.context["images_form"].errors["images"]
        assert list(ProductImage.objects.values_list()) == rows
        assert stored_files() == before
        return
    for image in ProductImage.objects.exclude(pk__in=[row[0] for row in rows]):
        with default_storage.open(image.file.name) as file:
            assert Image.open(io.BytesIO(file.read())).format == "WEBP"
    assert kettle.images.filter(is_main=True).count() == 1
    # Room for the next examples: the product keeps at most 10.
    for image in kettle.images.all():
        image.remove()
