"""Product pictures as files: an upload checked by decoding it, re-encoded, and its renditions.

An upload is trusted for nothing but its bytes: Pillow reads its real format from them (the
name and the declared content type are ignored), refuses anything but JPEG, PNG and WebP,
anything over MAX_BYTES or MAX_PIXELS, and decodes it whole, so a truncated or corrupt file is
refused before anything is saved. What is kept is drawn anew from the decoded pixels, turned
upright as its EXIF said, in WebP, with no metadata at all (no EXIF, GPS, ICC, XMP), under a
random name: the picture the page shows at most (`file`, up to FULL pixels on its longer side)
and one rendition per size in SIZES, made once here so that no request ever resizes a picture.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_BYTES = 10 * 1024 * 1024  # SPEC §3: 10 MB a file
MAX_PIXELS = 40_000_000  # SPEC §3: 40 megapixels
FORMATS = {"JPEG", "PNG", "WEBP"}  # Pillow's names of what SPEC §3 allows
FULL = 1280  # the largest a page shows a picture: the product page's, twice, for dense screens
SIZES = (320, 640)  # the card (and the gallery's thumbnails) and the product page, 1x
FOLDER = "products"
QUALITY = 82

# Pillow refuses (DecompressionBombError) a picture of more than twice MAX_IMAGE_PIXELS before
# decoding it and warns above it; both are turned into a refusal below, and the limit is ours.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class PictureError(ValidationError):
    pass


def refuse(message, code):
    raise PictureError(message, code=code)


@dataclass
class Picture:
    """A checked upload, re-encoded: `files` ({size or None for the full one: WebP bytes}),
    `width` and `height` of the full one."""

    files: dict
    width: int
    height: int

    def save(self):
        """Store the files under a new random name; returns that name (of the full picture).
        The renditions sit beside it (`rendition_name`)."""
        name = f"{FOLDER}/{uuid.uuid4().hex}.webp"
        saved = []
        try:
            for size, data in self.files.items():
                wanted = rendition_name(name, size)
                saved.append(default_storage.save(wanted, ContentFile(data)))
                if saved[-1] != wanted:  # a storage that renamed it would lose the renditions
                    raise RuntimeError(f"storage saved {wanted} as {saved[-1]}")
        except BaseException:
            delete_files(saved)
            raise
        return name


def rendition_name(name, size):
    """`products/<id>.webp` for the full picture (size None), `products/<id>-320.webp` etc."""
    if size is None:
        return name
    return name.removesuffix(".webp") + f"-{size}.webp"


def all_names(name):
    return [rendition_name(name, size) for size in (None, *SIZES)]


def delete_files(names):
    for name in names:
        default_storage.delete(name)


def fit(width, height, box):
    """The size of a width × height picture fitted into a box × box square, never enlarged:
    the same arithmetic for the files and for the `width`/`height` the pages give."""
    scale = min(1, box / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def read(upload):
    """The checked, decoded, re-encoded Picture of an uploaded file, or PictureError."""
    if upload.size is not None and upload.size > MAX_BYTES:
        refuse(
            _("%(name)s is larger than 10 MB.") % {"name": upload.name},
            "too_large",
        )
    image = decode(upload)
    try:
        image = ImageOps.exif_transpose(image)
        if image.mode.startswith("I"):  # 16 or 32 bits of grey: scaled to 8, not clipped
            image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        image = image.convert("RGBA" if has_alpha(image) else "RGB")
    except Exception:  # an odd mode, or metadata Pillow fails to write back (struct.error)
        refuse(not_a_picture(upload), "invalid_image")
    return from_image(image)


def from_image(image):
    """The Picture of a decoded, upright RGB(A) image: the full one and its renditions."""
    width, height = fit(*image.size, FULL)
    files = {None: encode(image, width, height)}
    for size in SIZES:
        files[size] = encode(image, *fit(*image.size, size))
    return Picture(files, width, height)


def not_a_picture(upload):
    return _("%(name)s is not a JPEG, PNG or WebP picture, or it is damaged.") % {
        "name": upload.name
    }


def decode(upload):
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=sorted(FORMATS))
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()  # the pixels: a file cut short of them, or corrupt, fails here
            # The rest of the file too (a PNG cut after its pixels loads, but fails here).
            upload.seek(0)
            Image.open(upload, formats=sorted(FORMATS)).verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            refuse(
                _("%(name)s has more than 40 megapixels.") % {"name": upload.name},
                "too_many_pixels",
            )
        except (OSError, SyntaxError, ValueError, TypeError, IndexError, EOFError):
            # Pillow's ways of saying "not an image it reads", from header to last byte.
            refuse(not_a_picture(upload), "invalid_image")
    if image.format not in FORMATS:
        refuse(not_a_picture(upload), "invalid_image")
    return image


def has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def encode(image, width, height):
    if (width, height) != image.size:
        image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    # No exif, icc_profile or xmp argument: nothing of the upload's metadata is written.
    image.save(out, "WEBP", quality=QUALITY, method=4)
    return out.getvalue()
