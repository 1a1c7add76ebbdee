"""Editors' uploads reach the image library without metadata, upright, and
their renditions carry no GPS position either (DESIGN: Wagtail's renditions
keep the original's EXIF)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

from tests.interviews.helpers import sample_image

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("bildredaktion", "b@casebook.test", "pw")
    client.force_login(user)
    return user


def sample_upload(relative: str) -> SimpleUploadedFile:
    path = sample_image(relative)
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/jpeg")


def stored(image) -> Image.Image:
    with image.file.open("rb") as f:
        picture = Image.open(io.BytesIO(f.read()))
        picture.load()
    return picture


def test_a_gps_photo_uploaded_in_the_admin_keeps_no_position(client, editor):
    assert GPS_IFD in Image.open(sample_image("photos/gps-nikon-coolpix.jpg")).getexif()

    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Messestand", "file": sample_upload("photos/gps-nikon-coolpix.jpg"), "collection": 1},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Messestand")
    picture = stored(image)
    assert not picture.getexif() and "exif" not in picture.info
    assert (image.width, image.height) == picture.size == (640, 480)
    assert image.file_size == image.file.size
    rendition = image.get_rendition("width-200")
    with rendition.file.open("rb") as f:
        assert not Image.open(io.BytesIO(f.read())).getexif()


def test_a_rotated_phone_photo_from_the_multiple_uploader_is_stored_upright(client, editor):
    raw = Image.open(sample_image("photos/orientation-6-portrait.jpg"))
    assert raw.getexif()[ORIENTATION] == 6 and raw.width > raw.height

    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": sample_upload("photos/orientation-6-portrait.jpg"), "collection": 1},
    )

    assert response.status_code == 200 and response.json()["success"], response.content[:500]
    image = get_image_model().objects.get()
    picture = stored(image)
    assert ORIENTATION not in picture.getexif()
    assert picture.height > picture.width
    assert (image.width, image.height) == picture.size


def test_a_clean_png_is_kept_as_it_is():
    from django.core.files.images import ImageFile

    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 20, 30, 128)).save(buffer, format="PNG")
    original = buffer.getvalue()

    image = get_image_model()(title="Logo", file=ImageFile(io.BytesIO(original), name="logo.png"))
    image.save()

    with image.file.open("rb") as f:
        assert f.read() == original
    assert stored(image).mode == "RGBA"
