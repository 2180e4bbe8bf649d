"""Pictures in an S3-compatible bucket (S3_BUCKET): moto's S3 server, started by the test on a
free port, stands in for the bucket. Through the storage API in this process, and with two
gunicorn app servers sharing the bucket (and a database): a picture uploaded through one is
shown, and served, through the other, and deleting it there empties the bucket."""

import io
import json
import os
import re
import secrets
import subprocess
import sys
import urllib.request
import uuid
from contextlib import ExitStack

import boto3
import pytest
from django.core.files.storage import storages
from django.urls import reverse

from apps.market.models import ProductImage
from tests.factories import make_category, make_product
from tests.pictures import picture_bytes, upload
from tests.servers import ROOT, collect_static, free_port, gunicorn, wait_until_listening
from tests.shop.test_scale_out import PASSWORD, Browser

pytestmark = pytest.mark.processes

KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server, for this module alone."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def bucket(s3_endpoint):
    """A new bucket: its name, and a boto3 client to look into it."""
    name = f"shop-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    return name, client


def keys_in(bucket):
    name, client = bucket
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", []))


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("Content-Type"), response.read()


@pytest.mark.django_db
def test_pictures_go_to_the_bucket_and_leave_it_with_their_product(
    settings, s3_endpoint, bucket, staff_client, django_capture_on_commit_callbacks
):
    """Without S3_PUBLIC_URL the pages link to the bucket with signed URLs."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket[0],
                "endpoint_url": s3_endpoint,
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "us-east-1",
                "file_overwrite": True,
                "default_acl": None,
            },
        },
    }
    assert storages["default"].bucket_name == bucket[0]
    product = make_product(make_category("Кухня"), "Чайник")
    url = reverse("market:product_images", args=[product.pk])
    assert staff_client.post(url, {"images": [upload()]}).status_code == 303
    image = product.images.get()
    assert keys_in(bucket) == sorted(image.file_names)
    page = staff_client.get(product.get_absolute_url()).content.decode()
    src = re.search(r'<img src="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert src.startswith(f"{s3_endpoint}/{bucket[0]}/products/")
    assert "Signature" in src
    status, content_type, data = fetch(src)
    assert (status, content_type, data[:4]) == (200, "image/webp", b"RIFF")

    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.delete(product.get_absolute_url()).status_code == 303
    assert keys_in(bucket) == []
    assert not ProductImage.objects.exists()


SEED = """
import django, json
django.setup()
from django.contrib.auth import get_user_model
from apps.market.models import Category, Product
get_user_model().objects.create_user("manager", "m@example.com", "{password}", is_staff=True)
product = Product.objects.create(name="Чайник", price=1990, stock=5,
                                 category=Category.objects.create(name="Кухня"))
print(json.dumps({{"product": product.pk}}))
"""


@pytest.fixture
def two_servers(tmp_path, s3_endpoint, bucket):
    """Two gunicorn instances on one database (a SQLite file: this is about the bucket) and one
    bucket, with S3_PUBLIC_URL pointing browsers at the bucket itself, which lets anyone read
    its objects (as a bucket behind a public URL must)."""
    name, client = bucket
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_", "S3_"))},
        **KEYS,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "not-used"),
        "S3_BUCKET": bucket[0],
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_PUBLIC_URL": f"{s3_endpoint}/{bucket[0]}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    collect_static(env)
    seed = SEED.format(password=PASSWORD)
    seeded = subprocess.run(
        [sys.executable, "-c", seed], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    ids = json.loads(seeded.stdout.strip().splitlines()[-1])
    with ExitStack() as stack:
        args = ["shop.wsgi", "--workers", "1"]
        yield [stack.enter_context(gunicorn(args, env)) for _server in range(2)], ids


def multipart(fields, files):
    """A multipart/form-data body: `fields` {name: value}, `files` [(name, filename, bytes)]."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        )
        body.write(f"{value}\r\n".encode())
    for name, filename, data in files:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        body.write(data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def test_a_picture_uploaded_through_one_server_shows_through_the_other(
    two_servers, bucket, s3_endpoint
):
    (first, second), ids = two_servers
    browser = Browser()
    browser.log_in(first, "manager")
    token = browser.cookie("csrftoken")
    url = f"{first}/market/products/{ids['product']}/images/"
    body, content_type = multipart(
        {"csrfmiddlewaretoken": token}, [("images", "photo.jpg", picture_bytes(size=(900, 600)))]
    )
    request = urllib.request.Request(
        url, body, headers={"Content-Type": content_type, "Referer": url}, method="POST"
    )
    with browser.opener.open(request, timeout=30) as response:
        assert response.status == 200  # the edit page, after the 303
        assert response.geturl().endswith(f"/market/products/{ids['product']}/edit/")
    stored = keys_in(bucket)
    assert len(stored) == 3

    status, _url, page = Browser().request(f"{second}/market/products/")
    assert status == 200
    src = re.search(r'<img src="([^"]+)"', page).group(1)
    assert src in {f"{s3_endpoint}/{bucket[0]}/{key}" for key in stored}  # S3_PUBLIC_URL's
    status, content_type, data = fetch(src)
    assert (status, content_type, data[:4]) == (200, "image/webp", b"RIFF")

    _, _, edit = browser.request(f"{second}/market/products/{ids['product']}/edit/")
    image_id = re.search(r"/images/(\d+)/", edit).group(1)
    status, _, _ = browser.put(f"{second}/market/products/{ids['product']}/images/{image_id}/", {})
    assert status == 303  # made main (it was already), sent back to the edit page
    status, _, _ = browser.request(
        f"{second}/market/products/{ids['product']}/images/{image_id}/",
        method="DELETE",
        headers={"X-CSRFToken": token, "Referer": second + "/"},
    )
    assert status == 303
    assert keys_in(bucket) == []
