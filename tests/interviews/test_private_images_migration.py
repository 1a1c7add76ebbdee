"""Interview photos that reached the public image library before it kept
them private move to the private storage with a random name."""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.utils import timezone
from wagtail.images import get_image_model

from tests.interviews.factories import InterviewRequestFactory
from tests.interviews.helpers import jpeg_bytes

pytestmark = pytest.mark.django_db

migration = importlib.import_module("casestudies.migrations.0020_private_interview_images")


def test_an_interview_photo_in_the_public_library_becomes_private():
    request = InterviewRequestFactory()
    image = get_image_model()(
        title="Altes Foto",
        file=ImageFile(io.BytesIO(jpeg_bytes((200, 100))), name=f"interview-{request.pk}-1.jpg"),
    )
    image.save()
    old_rendition = image.get_rendition("width-100").file.name
    request.photos.create(
        width=200,
        height=100,
        credit="Foto: Firma",
        consent_given=True,
        consent_at=timezone.now(),
        image=image,
        file=ContentFile(jpeg_bytes((200, 100)), name="photo.jpg"),
    )
    old = image.file.name
    assert (Path(settings.MEDIA_ROOT) / old).exists()

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # a second run changes nothing

    image.refresh_from_db()
    assert image.file.name.startswith("private/original_images/prv-")
    assert not (Path(settings.MEDIA_ROOT) / old).exists()
    assert not (Path(settings.MEDIA_ROOT) / old_rendition).exists()
    assert image.renditions.count() == 0
    assert Client().get(image.file.url).status_code == 404
    assert Client().get(image.get_rendition("width-100").url).status_code == 404
