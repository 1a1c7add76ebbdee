"""The contact sees small previews of their own uploads, and nobody else does."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from casestudies.interviews import photos

from .factories import InterviewRequestFactory
from .helpers import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def thumbnail_url(interview, photo) -> str:
    return reverse("interview:photo_thumbnail", args=[interview.public_id, photo.pk])


def send_photo(client, opened, capture, size=(900, 600)):
    with capture(execute=True):
        return client.post(
            opened + "photos/",
            {"files": [upload("a.jpg", jpeg_bytes(size))], "credit": "c", "consent": "on"},
            follow=True,
        )


def test_the_contact_gets_the_thumbnail_of_their_photo_privately(client, opened, interview):
    response = client.post(
        opened + "photos/",
        {"files": [upload("a.jpg", jpeg_bytes((900, 600)))], "credit": "c", "consent": "on"},
        follow=True,
    )
    # Made in the upload request itself (no after-commit work, no worker):
    # the page that answers the upload shows the preview.
    page = response.content.decode()
    [photo] = interview.photos.all()
    assert thumbnail_url(interview, photo) in page
    assert "Die Vorschau wird erstellt." not in page

    thumbnail = client.get(thumbnail_url(interview, photo))

    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert thumbnail["Cache-Control"] == "no-store, private"
    assert b"".join(thumbnail.streaming_content)[:2] == b"\xff\xd8"


def test_a_photo_stored_before_thumbnails_came_with_the_upload_says_its_preview_is_coming(
    client, opened, interview
):
    [photo] = photos.store_photos(interview, [upload("a.jpg", jpeg_bytes())], caption="", credit="c")
    photo.thumbnail.delete(save=False)
    photo.processing_state = "pending"
    photo.save()

    page = client.get(opened).content.decode()

    assert "Die Vorschau wird erstellt." in page
    assert thumbnail_url(interview, photo) not in page
    assert client.get(thumbnail_url(interview, photo)).status_code == 404


def test_no_thumbnail_for_a_stranger_or_another_requests_photo(
    client, opened, interview, django_capture_on_commit_callbacks
):
    other = InterviewRequestFactory(status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        [foreign] = photos.store_photos(other, [upload("b.jpg", jpeg_bytes())], caption="", credit="c")
    send_photo(client, opened, django_capture_on_commit_callbacks)
    [own] = interview.photos.all()

    assert Client().get(thumbnail_url(interview, own)).status_code == 404
    assert (
        client.get(reverse("interview:photo_thumbnail", args=[interview.public_id, foreign.pk])).status_code
        == 404
    )
    assert client.get(thumbnail_url(other, foreign)).status_code == 404
