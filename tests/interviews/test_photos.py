"""Photos from the questionnaire: real camera files, hostile files, tricks.

Nothing stored may carry EXIF or GPS, every refusal says why in the contact's
language, and a refused upload never costs what was saved before."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from casestudies import photos
from casestudies.models import Answer, InterviewPhoto, InterviewStatus

from .factories import InterviewRequestFactory
from .helpers import sample_image

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def real(relative: str) -> SimpleUploadedFile:
    path = sample_image(relative)
    return upload(path.name, path.read_bytes())


def jpeg_bytes(size=(64, 48), mode="RGB", color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format="JPEG", **save)
    return out.getvalue()


def assert_clean_jpeg(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
    assert b"GPS" not in content and b"Exif" not in content
    return image


@pytest.fixture(scope="module")
def hundred_megapixel_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


# Real photos ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["gps-nikon-coolpix.jpg", "tiny-exif-gps.jpg", "canon-40d.jpg"])
def test_gps_and_exif_are_gone_from_what_is_kept(name):
    original = sample_image(f"photos/{name}").read_bytes()
    assert b"GPS" in original or b"Exif" in original  # the test file still has what we strip

    clean = photos.clean_photo(real(f"photos/{name}"))

    assert_clean_jpeg(clean.content)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_comment_in_the_file_is_not_kept(fmt):
    # Pillow copies a decoded JPEG's COM segment (and a PNG's "comment" text)
    # into the next JPEG it writes, unless the pipeline forgets it.
    out = io.BytesIO()
    if fmt == "JPEG":
        Image.new("RGB", (64, 48), (1, 2, 3)).save(out, format="JPEG", comment=b"Standort 50.43N 7.83E")
    else:
        from PIL.PngImagePlugin import PngInfo

        text = PngInfo()
        text.add_text("comment", "Standort 50.43N 7.83E")
        Image.new("RGB", (64, 48), (1, 2, 3)).save(out, format="PNG", pnginfo=text)
    assert b"Standort" in out.getvalue()

    clean = photos.clean_photo(upload(f"kommentar.{fmt.lower()}", out.getvalue()))

    assert_clean_jpeg(clean.content)
    assert b"Standort" not in clean.content


def test_orientation_6_comes_out_portrait():
    clean = photos.clean_photo(real("photos/orientation-6-portrait.jpg"))

    image = assert_clean_jpeg(clean.content)
    assert image.height > image.width
    assert (clean.width, clean.height) == image.size == (450, 600)


def test_an_iphone_heic_is_accepted_and_converted():
    clean = photos.clean_photo(real("photos/iphone.heic"))

    image = assert_clean_jpeg(clean.content)
    assert image.size == (clean.width, clean.height)
    assert max(image.size) == 3313


# Hostile and odd files ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("hostile/broken.png", "kein Foto"),
        ("hostile/crash.tif", "kein Foto"),
        ("hostile/decompression-bomb.gif", "kein Foto"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_message(name, reason):
    with pytest.raises(photos.PhotoRejected) as refused:
        photos.clean_photo(real(name))
    assert reason in str(refused.value.message)


@pytest.mark.parametrize("name", ["hostile/corrupted.jpg", "hostile/invalid-exif.jpg"])
def test_damaged_but_decodable_jpegs_are_re_encoded_without_their_metadata(name):
    # Both decode completely with Pillow (libjpeg repairs the corrupt scan);
    # what is kept is a new file with none of the original's metadata.
    clean = photos.clean_photo(real(name))
    assert_clean_jpeg(clean.content)


def test_an_empty_file_is_refused():
    with pytest.raises(photos.PhotoRejected, match="leer"):
        photos.clean_photo(upload("leer.jpg", b""))


def test_one_byte_over_the_limit_is_refused_and_the_limit_itself_is_fine(settings):
    content = jpeg_bytes()
    settings.INTERVIEW_PHOTO_MAX_BYTES = len(content)
    assert photos.clean_photo(upload("ok.jpg", content)).width == 64

    settings.INTERVIEW_PHOTO_MAX_BYTES = len(content) - 1
    with pytest.raises(photos.PhotoRejected, match="größer als"):
        photos.clean_photo(upload("big.jpg", content))


def test_a_small_png_of_a_hundred_megapixels_is_refused(hundred_megapixel_png):
    assert len(hundred_megapixel_png) < 200_000
    with pytest.raises(photos.PhotoRejected, match="zu viele Pixel"):
        photos.clean_photo(upload("bomb.png", hundred_megapixel_png, "image/png"))


def test_pillows_bomb_warning_is_an_error_even_above_our_own_limit(settings, hundred_megapixel_png):
    # With our limit out of the way Pillow's warning (89-179 MP) must still refuse it.
    settings.INTERVIEW_PHOTO_MAX_PIXELS = 10**12
    with pytest.raises(photos.PhotoRejected, match="zu viele Pixel"):
        photos.clean_photo(upload("bomb.png", hundred_megapixel_png, "image/png"))


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b"Just some text, not a photo.",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    ],
    ids=["html", "text", "svg"],
)
def test_things_named_jpg_that_are_no_photo_are_refused(content):
    with pytest.raises(photos.PhotoRejected, match="kein Foto"):
        photos.clean_photo(upload("photo.jpg", content))


def test_a_jpeg_html_polyglot_loses_its_html():
    polyglot = jpeg_bytes() + b"<html><script>alert(1)</script></html>"
    assert Image.open(io.BytesIO(polyglot)).format == "JPEG"

    clean = photos.clean_photo(upload("polyglot.jpg", polyglot))

    assert b"<script" not in clean.content and b"<html" not in clean.content
    assert_clean_jpeg(clean.content)


def test_a_cmyk_jpeg_is_accepted_as_rgb():
    cmyk = jpeg_bytes(mode="CMYK", color=(0, 255, 255, 0))

    clean = photos.clean_photo(upload("cmyk.jpg", cmyk))

    image = assert_clean_jpeg(clean.content)
    red, green, blue = image.getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60


def test_an_animation_is_refused():
    frames = [Image.new("RGB", (20, 20), color) for color in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="WEBP", save_all=True, append_images=frames[1:], duration=100)

    with pytest.raises(photos.PhotoRejected, match="mehreren Bildern"):
        photos.clean_photo(upload("anim.webp", out.getvalue(), "image/webp"))


def test_a_png_with_transparency_gets_a_white_background():
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(out, format="PNG")

    image = assert_clean_jpeg(photos.clean_photo(upload("t.png", out.getvalue(), "image/png")).content)

    assert image.getpixel((4, 4)) == (255, 255, 255)


# Storing --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.jpg", "photo\x00.php.jpg", "zeile\nzwei.jpg", "a" * 296 + ".jpg", "<b>x</b>.jpg"],
)
def test_uploaded_filenames_are_never_used(name):
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)

    [stored] = photos.store_photos(interview, [upload(name, jpeg_bytes())], caption="", credit="Foto: Firma")

    assert stored.file.name.startswith(f"interviews/{interview.public_id}/")
    assert stored.file.name.endswith(".jpg")
    stem = stored.file.name.rsplit("/", 1)[-1]
    assert len(stem) == 36 and stem[:32].isalnum()
    assert stored.file.storage.exists(stored.file.name)
    assert_clean_jpeg(stored.file.read())


def test_photos_are_stored_in_the_private_storage_with_the_consent_as_shown(settings, tmp_path):
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS, language="en")
    from django.utils import translation

    with translation.override("en"):
        [stored] = photos.store_photos(
            interview, [real("photos/gps-nikon-coolpix.jpg")], caption="Team", credit="Foto: Firma"
        )

    assert stored.file.path.startswith(str(tmp_path / "private"))
    assert not str(stored.file.path).startswith(str(settings.MEDIA_ROOT))
    assert stored.consent_given and stored.consent_version == photos.CONSENT_VERSION
    assert stored.consent_text.startswith("I hold the rights")
    assert stored.consent_at is not None
    assert (stored.width, stored.height) == (640, 480)
    assert_clean_jpeg(stored.file.read())


def test_one_bad_file_among_several_stores_none_and_names_its_position():
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)

    with pytest.raises(photos.PhotoRejected, match="Datei 2"):
        photos.store_photos(
            interview,
            [upload("a.jpg", jpeg_bytes()), upload("b.jpg", b"not a photo"), upload("c.jpg", jpeg_bytes())],
            caption="",
            credit="c",
        )
    assert not InterviewPhoto.objects.exists()


def test_no_photos_after_submission():
    interview = InterviewRequestFactory(status=InterviewStatus.SUBMITTED)
    with pytest.raises(photos.PhotoRejected):
        photos.store_photos(interview, [upload("a.jpg", jpeg_bytes())], caption="", credit="c")


# Through the questionnaire -----------------------------------------------------


@pytest.fixture
def saved_before(interview, opened, client):
    """An answer and a photo the contact saved before the failing upload."""
    question = interview.questions.order_by("sort_order").first()
    client.post(opened, {f"answer_{question.pk}": "Schon gespeichert.", "action": "save"})
    response = client.post(
        opened + "photos/",
        {"files": [real("photos/tiny-exif-gps.jpg")], "credit": "Foto: Firma", "consent": "on"},
    )
    assert response.status_code == 200
    [photo] = InterviewPhoto.objects.filter(request=interview)
    return question, photo


def assert_nothing_lost(interview, saved_before):
    question, photo = saved_before
    assert Answer.objects.get(question=question).text == "Schon gespeichert."
    assert list(InterviewPhoto.objects.filter(request=interview)) == [photo]
    assert photo.file.storage.exists(photo.file.name)


@pytest.mark.parametrize(
    ("files", "data", "message"),
    [
        (lambda: [real("hostile/broken.png")], {"consent": "on"}, "kein Foto"),
        (lambda: [real("hostile/decompression-bomb.gif")], {"consent": "on"}, "kein Foto"),
        (lambda: [upload("x.jpg", b"")], {"consent": "on"}, "leer"),
        (lambda: [upload("x.jpg", b"<html><script>alert(1)</script>")], {"consent": "on"}, "kein Foto"),
        (lambda: [upload("x.jpg", jpeg_bytes())], {}, "Einwilligung"),
        (lambda: [], {"consent": "on"}, "mindestens ein Foto"),
    ],
    ids=["broken", "bomb", "empty", "html", "no-consent", "no-file"],
)
def test_a_refused_upload_keeps_everything_saved_before(
    client, interview, opened, saved_before, files, data, message
):
    response = client.post(opened + "photos/", {"files": files(), "credit": "Foto: Firma", **data})

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'class="error-summary"' in page
    assert_nothing_lost(interview, saved_before)


def test_a_refused_upload_over_the_byte_limit_keeps_everything(
    client, interview, opened, saved_before, settings
):
    settings.INTERVIEW_PHOTO_MAX_BYTES = 500
    response = client.post(
        opened + "photos/",
        {"files": [upload("x.jpg", jpeg_bytes((300, 300)))], "credit": "c", "consent": "on"},
    )
    assert response.status_code == 400
    assert "größer als" in response.content.decode()
    assert_nothing_lost(interview, saved_before)


def test_several_photos_at_once_and_their_thumbnails(
    client, interview, opened, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            opened + "photos/",
            {
                "files": [real("photos/gps-nikon-coolpix.jpg"), real("photos/orientation-6-portrait.jpg")],
                "caption": "Das Team",
                "credit": "Foto: Firma",
                "consent": "on",
            },
        )

    assert response.status_code == 200
    assert "2 Fotos erhalten." in response.content.decode()
    stored = list(InterviewPhoto.objects.filter(request=interview))
    assert len(stored) == 2
    for photo in stored:
        assert photo.processing_state == "ready"
        thumbnail = assert_clean_jpeg(photo.thumbnail.read())
        assert max(thumbnail.size) <= 480
        assert photo.caption == "Das Team"


def test_thumbnails_missed_at_upload_are_made_by_the_sweep(
    monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from casestudies import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.make_photo_thumbnail, "delay", broker_down)
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        [photo] = photos.store_photos(interview, [real("photos/canon-40d.jpg")], caption="", credit="c")
    photo.refresh_from_db()
    assert photo.processing_state == "pending"

    assert tasks.make_pending_thumbnails() == 0  # too fresh: its own task may still be on the way
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=3))
    assert tasks.make_pending_thumbnails() == 1

    photo.refresh_from_db()
    assert photo.processing_state == "ready"
    assert_clean_jpeg(photo.thumbnail.read())


@pytest.mark.parametrize("name", ["../../../etc/cron.d/evil.jpg", "zeile\nzwei.jpg", "x" * 300 + ".jpg"])
def test_hostile_filenames_through_the_questionnaire(client, interview, opened, name):
    response = client.post(
        opened + "photos/", {"files": [upload(name, jpeg_bytes())], "credit": "c", "consent": "on"}
    )

    assert response.status_code == 200
    [photo] = InterviewPhoto.objects.filter(request=interview)
    assert photo.file.name.startswith(f"interviews/{interview.public_id}/")
    assert ".." not in photo.file.name and "\n" not in photo.file.name and "x" * 50 not in photo.file.name
