"""Picture files for the tests: real JPEG, PNG and WebP made with Pillow, and things that only
look like pictures."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def picture_bytes(fmt="JPEG", size=(40, 30), color=(200, 30, 30), **options):
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload(data=None, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, picture_bytes() if data is None else data, content_type)


def jpeg_with_metadata(size=(40, 20), orientation=6):
    """A JPEG that carries GPS coordinates, a camera name and an orientation (6: turn it 90°
    clockwise to view it)."""
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "SpyCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (55.0, 45.0, 0.0)  # GPSLatitudeRef, GPSLatitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, icc_profile=b"\0" * 128)
    return buffer.getvalue()
