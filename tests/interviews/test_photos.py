"""Photos from the questionnaire: real camera files, hostile files, tricks.

A stored photo carries no metadata but its orientation tag, its thumbnail none
at all; every refusal says why in the contact's language, and a refused upload
never costs what was saved before."""

from __future__ import annotations

import functools
import io
import re

import pytest
from django.test import Client
from PIL import ExifTags, Image, ImageOps

from casestudies.interviews import photos
from casestudies.models import InterviewPhoto, InterviewRequest, InterviewStatus

from .factories import InterviewRequestFactory
from .helpers import assert_nothing_lost, jpeg_bytes, multipart, real, sample_image, upload

__all__ = ["jpeg_bytes", "real", "upload"]  # other test modules import them from here

pytestmark = pytest.mark.django_db

ORIENTATION = ExifTags.Base.Orientation


def assert_clean_jpeg(content: bytes, orientation: int = 1) -> Image.Image:
    """A stored photo: plain RGB JPEG whose only metadata is the EXIF
    orientation, and that only when it is not upright."""
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    exif = image.getexif()
    assert dict(exif) == ({} if orientation == 1 else {ORIENTATION: orientation})
    assert not {"icc_profile", "xmp", "comment"} & set(image.info)
    markers = [marker for marker, _ in jpeg_segments(content)]
    # APP0 is JFIF; APP1 the EXIF block, once, and only when it has something to say.
    assert markers.count(0xE1) == (0 if orientation == 1 else 1)
    assert not {0xFE, *range(0xE2, 0xF0)} & set(markers)  # no comment, ICC, XMP extension, Photoshop
    headers = jpeg_headers(content)
    assert b"GPS" not in headers and b"http://ns.adobe.com" not in headers
    return image


def assert_bare_jpeg(content: bytes) -> Image.Image:
    """A thumbnail: upright pixels and nothing else, not even an orientation."""
    return assert_clean_jpeg(content, orientation=1)


def jpeg_segments(content: bytes) -> list[tuple[int, bytes]]:
    """(marker, body) of each segment before the compressed scan."""
    assert content[:2] == b"\xff\xd8"
    segments, position = [], 2
    while content[position + 1] != 0xDA:  # start of scan
        length = int.from_bytes(content[position + 2 : position + 4], "big")
        segments.append((content[position + 1], content[position + 4 : position + 2 + length]))
        position += 2 + length
    return segments


def jpeg_headers(content: bytes) -> bytes:
    """The segments before the compressed scan: where metadata lives. (The scan
    itself is entropy-coded noise that may spell "GPS" by chance.)"""
    return b"".join(body for _, body in jpeg_segments(content))


def sideways_camera_jpeg(size=(1600, 1200), orientation=6, exif_bytes: bytes | None = None) -> bytes:
    """A camera's photo as it comes off the sensor: blue, with a red top-left
    quarter, held sideways (EXIF orientation 6: shown turned a quarter
    clockwise, so the red corner is the top right), with GPS and camera data."""
    image = Image.new("RGB", size, (20, 40, 200))
    image.paste((220, 20, 20), (0, 0, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[ExifTags.Base.Make] = "Kamerawerk"
    exif[ExifTags.Base.Model] = "Seitwärts 12"
    exif[ExifTags.Base.DateTime] = "2026:05:01 09:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 25.0, 3.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif_bytes if exif_bytes is not None else exif)
    return out.getvalue()


RED, BLUE = (220, 20, 20), (20, 40, 200)


def assert_upright(image: Image.Image) -> None:
    """The sideways photo as it is to be seen: portrait, the red quarter top right."""
    width, height = image.size
    assert height > width
    assert image.convert("RGB").getpixel((width - 3, 2)) == pytest.approx(RED, abs=24)
    assert image.convert("RGB").getpixel((2, 2)) == pytest.approx(BLUE, abs=24)


@functools.cache
def hundred_megapixel_png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.fixture
def hundred_megapixel_png() -> bytes:
    return hundred_megapixel_png_bytes()


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


@pytest.mark.parametrize(
    ("name", "orientation"), [("orientation-6-portrait", 6), ("orientation-3-landscape", 3)]
)
def test_a_turned_photo_keeps_its_orientation_tag_and_is_recorded_upright(name, orientation):
    clean = photos.clean_photo(real(f"photos/{name}.jpg"))

    # The pixels stay in the camera's order (no full-size turned copy); the tag turns them.
    image = assert_clean_jpeg(clean.content, orientation=orientation)
    assert image.size == (600, 450)
    upright = (450, 600) if orientation == 6 else (600, 450)
    assert (clean.width, clean.height) == ImageOps.exif_transpose(image).size == upright
    assert Image.open(io.BytesIO(clean.thumbnail)).size == tuple(round(side * 0.8) for side in upright)


def test_a_sideways_camera_photo_is_stored_without_gps_or_camera_data_and_shown_upright():
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)

    [photo] = photos.store_photos(
        interview, [upload("x.jpg", sideways_camera_jpeg())], caption="", credit="c"
    )

    content = photo.file.read()
    assert b"Kamerawerk" not in content and b"2026:05:01" not in content
    stored = assert_clean_jpeg(content, orientation=6)
    assert (photo.width, photo.height) == (1200, 1600)
    assert_upright(ImageOps.exif_transpose(stored))  # as a browser shows it
    assert photo.processing_state == "ready"
    thumbnail = assert_bare_jpeg(photo.thumbnail.read())
    assert thumbnail.size == (360, 480)
    assert_upright(thumbnail)


def test_an_accepted_sideways_photo_becomes_an_upright_image_and_rendition(
    django_capture_on_commit_callbacks,
):
    from casestudies.pages import drafts

    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    [photo] = photos.store_photos(
        interview, [upload("x.jpg", sideways_camera_jpeg())], caption="", credit="c"
    )

    with django_capture_on_commit_callbacks(execute=True):  # the file is copied after commit
        image = drafts.import_photo(photo, user=interview.owner)

    image.refresh_from_db()
    assert (image.width, image.height) == (1200, 1600)  # what the focal point chooser and fill use
    rendition = image.get_rendition("max-200x200")
    assert (rendition.width, rendition.height) == (150, 200)
    with rendition.file.open("rb") as stored:
        shown = Image.open(io.BytesIO(stored.read()))
    assert shown.size == (150, 200)
    assert_upright(shown)
    # Turned already: a tag left in it would have the browser turn it again.
    assert ORIENTATION not in shown.getexif()


def tiff_exif(entry_type: int, count: int, value: bytes, extra: bytes = b"") -> bytes:
    """An APP1 EXIF block (big-endian TIFF) with one orientation entry as given."""
    ifd = (1).to_bytes(2, "big") + ORIENTATION.to_bytes(2, "big") + entry_type.to_bytes(2, "big")
    ifd += count.to_bytes(4, "big") + value.ljust(4, b"\0") + bytes(4)
    return b"Exif\0\0MM\0*" + (8).to_bytes(4, "big") + ifd + extra


MALFORMED_ORIENTATION = {
    "zero": tiff_exif(3, 1, (0).to_bytes(2, "big")),
    "nine": tiff_exif(3, 1, (9).to_bytes(2, "big")),
    "65535": tiff_exif(3, 1, (65535).to_bytes(2, "big")),
    "text": tiff_exif(2, 2, b"6\0"),
    "rational": tiff_exif(5, 1, (26).to_bytes(4, "big"), (6).to_bytes(4, "big") + (1).to_bytes(4, "big")),
    "value-past-the-end": tiff_exif(5, 1, (4000).to_bytes(4, "big")),
    "truncated": b"Exif\0\0MM\0*" + (8).to_bytes(4, "big") + (7).to_bytes(2, "big") + b"\x01\x12",
}


@pytest.mark.parametrize("case", list(MALFORMED_ORIENTATION))
def test_a_malformed_orientation_is_read_as_upright_and_the_photo_kept(case):
    sent = sideways_camera_jpeg(exif_bytes=MALFORMED_ORIENTATION[case])

    clean = photos.clean_photo(upload("x.jpg", sent))

    image = assert_clean_jpeg(clean.content)  # no tag at all
    assert image.size == (clean.width, clean.height) == (1600, 1200)
    assert Image.open(io.BytesIO(clean.thumbnail)).size == (480, 360)


def test_an_orientation_with_a_second_value_is_taken_by_its_first_and_written_cleanly():
    # Pillow reads the first of the two (as it turned such photos before);
    # what is stored is an ordinary one-value tag that browsers understand.
    sent = sideways_camera_jpeg(exif_bytes=tiff_exif(3, 2, (6).to_bytes(2, "big") + (8).to_bytes(2, "big")))

    clean = photos.clean_photo(upload("x.jpg", sent))

    assert_clean_jpeg(clean.content, orientation=6)
    assert b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06" in jpeg_headers(clean.content)  # SHORT, count 1, 6
    assert (clean.width, clean.height) == (1200, 1600)
    assert_upright(Image.open(io.BytesIO(clean.thumbnail)))


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
    assert_bare_jpeg(clean.thumbnail)


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


# Files made for the tests -----------------------------------------------------------


def psd_bytes(width=4, height=3) -> bytes:
    """A minimal Photoshop file (RGB, raw), as Photoshop writes its header."""
    header = b"8BPS" + (1).to_bytes(2, "big") + bytes(6) + (3).to_bytes(2, "big")
    header += (
        height.to_bytes(4, "big") + width.to_bytes(4, "big") + (8).to_bytes(2, "big") + (3).to_bytes(2, "big")
    )
    sections = bytes(4) * 3  # colour mode data, image resources, layers: all empty
    return header + sections + (0).to_bytes(2, "big") + bytes(3 * width * height)


def animation_bytes(fmt: str, frames: int = 300) -> bytes:
    images = [Image.new("RGB", (16, 16), (i % 256, 0, 255 - i % 256)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format=fmt, save_all=True, append_images=images[1:], duration=20, loop=0)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = sample_image("photos/gps-nikon-coolpix.jpg").read_bytes()
    return data[: len(data) * 6 // 10]


def test_the_made_files_are_what_they_claim_to_be():
    assert Image.open(io.BytesIO(psd_bytes())).format == "PSD"
    gif = Image.open(io.BytesIO(animation_bytes("GIF")))
    assert (gif.format, gif.n_frames) == ("GIF", 300)
    apng = Image.open(io.BytesIO(animation_bytes("PNG")))
    assert (apng.format, apng.n_frames) == ("PNG", 300)
    assert Image.open(io.BytesIO(truncated_jpeg())).format == "JPEG"  # the header is intact


# Through the questionnaire -----------------------------------------------------
#
# Every file of issue 4, posted to the questionnaire as a contact would: what
# they see (status, the reason next to the file field, in their language), and
# that the answer and photo they saved before are still there.

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
REFUSED = {
    "empty": (lambda: upload("x.jpg", b""), "Datei ist leer."),
    "hundred-megapixel-png": (lambda: upload("x.png", hundred_megapixel_png_bytes()), "zu viele Pixel"),
    "decompression-bomb": (lambda: real("hostile/decompression-bomb.gif"), "kein Foto"),
    "animated-gif-300-frames": (lambda: upload("x.gif", animation_bytes("GIF")), "kein Foto"),
    "animated-png-300-frames": (lambda: upload("x.png", animation_bytes("PNG")), "mehreren Bildern"),
    "animated-webp-300-frames": (lambda: upload("x.webp", animation_bytes("WEBP")), "mehreren Bildern"),
    "psd-named-jpg": (lambda: upload("x.jpg", psd_bytes()), "kein Foto"),
    "html-named-jpg": (lambda: upload("x.jpg", b"<html><script>alert(1)</script></html>"), "kein Foto"),
    "text-named-jpg": (lambda: upload("x.jpg", b"Nur ein Text, kein Bild."), "kein Foto"),
    "svg-with-script": (lambda: upload("x.jpg", SVG), "kein Foto"),
    "truncated-jpeg": (lambda: upload("x.jpg", truncated_jpeg()), "beschädigt"),
    "broken-png": (lambda: real("hostile/broken.png"), "kein Foto"),
    "crashing-tiff": (lambda: real("hostile/crash.tif"), "kein Foto"),
}


def assert_refused_next_to_the_file_field(response, message: str) -> str:
    page = response.content.decode()
    assert response.status_code == 400, page
    assert 'class="error-summary"' in page
    error = re.search(r'<p class="field-error" id="id_files-error">([^<]*)</p>', page)
    assert error and message in error.group(1), page
    assert 'aria-describedby="id_files-hint id_files-error"' in page
    return page


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_file_says_why_next_to_the_field_and_keeps_everything(
    client, interview, opened, saved_before, case
):
    make, message = REFUSED[case]

    response = client.post(opened + "photos/", {"files": [make()], "credit": "Foto: Firma", "consent": "on"})

    assert_refused_next_to_the_file_field(response, message)
    assert_nothing_lost(interview, saved_before)


def test_a_refusal_speaks_the_contacts_language(client, django_capture_on_commit_callbacks):
    from .helpers import path_of, send_and_get_link

    interview = InterviewRequestFactory(contact__language="en")
    url = client.get(path_of(send_and_get_link(interview, django_capture_on_commit_callbacks)))["Location"]
    assert client.get(url).status_code == 200

    response = client.post(
        url + "photos/", {"files": [upload("x.jpg", psd_bytes())], "credit": "c", "consent": "on"}
    )

    assert_refused_next_to_the_file_field(response, "This file is not a photo we can use.")


def test_one_byte_over_the_limit_through_the_questionnaire_keeps_everything(
    client, interview, opened, saved_before, settings
):
    content = jpeg_bytes((300, 300))
    settings.INTERVIEW_PHOTO_MAX_BYTES = len(content) - 1

    response = client.post(
        opened + "photos/", {"files": [upload("x.jpg", content)], "credit": "c", "consent": "on"}
    )

    assert_refused_next_to_the_file_field(response, "größer als")
    assert_nothing_lost(interview, saved_before)
    settings.INTERVIEW_PHOTO_MAX_BYTES = len(content)
    assert (
        client.post(
            opened + "photos/",
            {"files": [upload("x.jpg", content)], "credit": "c", "consent": "on"},
            follow=True,
        ).status_code
        == 200
    )


def test_a_huge_file_is_not_kept_beyond_the_limit_and_the_fields_after_it_still_count(
    client, interview, opened, saved_before, settings, monkeypatch
):
    limit = settings.INTERVIEW_PHOTO_MAX_BYTES = 64 * 1024
    huge = jpeg_bytes((300, 300)) + b"\0" * (5 * 1024 * 1024)
    seen = []
    read_bounded = photos._read_bounded
    monkeypatch.setattr(photos, "_read_bounded", lambda f, n: (seen.append(f.size), read_bounded(f, n))[1])

    # The file comes first in the form: credit and consent are read after it.
    response = client.post(
        opened + "photos/", {"files": [upload("x.jpg", huge)], "credit": "c", "consent": "on"}
    )

    assert_refused_next_to_the_file_field(response, "größer als")
    assert "Einwilligung" not in response.content.decode()  # the consent after the file was read
    assert seen == [limit + 1]  # what the server kept of 5 MB
    assert_nothing_lost(interview, saved_before)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"credit": "c"}, "Einwilligung"),
        ({"credit": "c", "consent": "on", "files": []}, "mindestens ein Foto"),
    ],
    ids=["missing-consent", "no-file"],
)
def test_a_form_without_consent_or_file_keeps_everything(
    client, interview, opened, saved_before, data, message
):
    data = {"files": [upload("x.jpg", jpeg_bytes())], **data}

    response = client.post(opened + "photos/", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert_nothing_lost(interview, saved_before)
    assert InterviewPhoto.objects.filter(request=interview).count() == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: upload("polyglot.jpg", jpeg_bytes() + b"<html><script>alert(1)</script></html>"),
        lambda: upload("cmyk.jpg", jpeg_bytes(mode="CMYK", color=(0, 255, 255, 0))),
        lambda: real("hostile/corrupted.jpg"),
    ],
    ids=["jpeg-html-polyglot", "cmyk-jpeg", "corrupt-but-decodable-jpeg"],
)
def test_odd_but_usable_photos_are_stored_clean_beside_the_others(
    client, interview, opened, saved_before, make
):
    response = client.post(
        opened + "photos/", {"files": [make()], "credit": "c", "consent": "on"}, follow=True
    )

    assert response.status_code == 200
    assert "1 Foto erhalten." in response.content.decode()
    assert_nothing_lost(interview, saved_before)
    [new] = InterviewPhoto.objects.filter(request=interview).exclude(pk=saved_before[1].pk)
    content = new.file.read()
    assert b"<script" not in content and b"<html" not in content
    assert_clean_jpeg(content)


def test_more_photos_than_allowed_are_refused_before_decoding_and_say_how_many_fit(
    client, interview, opened, saved_before, settings, monkeypatch
):
    settings.INTERVIEW_PHOTO_MAX_FILES = 3  # one is there already
    decoded = []
    monkeypatch.setattr(
        photos, "clean_photo", lambda upload: decoded.append(upload) or pytest.fail("decoded")
    )

    response = client.post(
        opened + "photos/",
        {"files": [upload(f"{n}.jpg", jpeg_bytes()) for n in range(3)], "credit": "c", "consent": "on"},
    )

    assert_refused_next_to_the_file_field(
        response, "Höchstens 3 Fotos pro Interview: Sie können noch 2 hinzufügen."
    )
    assert decoded == []
    assert_nothing_lost(interview, saved_before)


def test_when_the_photos_are_complete_the_page_says_so(client, interview, opened, saved_before, settings):
    settings.INTERVIEW_PHOTO_MAX_FILES = 1

    page = client.get(opened).content.decode()
    response = client.post(
        opened + "photos/", {"files": [upload("x.jpg", jpeg_bytes())], "credit": "c", "consent": "on"}
    )

    assert "Sie können noch 0 Fotos hinzufügen." in page
    assert_refused_next_to_the_file_field(response, "Sie haben bereits 1 Fotos hochgeladen")
    assert_nothing_lost(interview, saved_before)


def test_more_files_in_one_request_than_django_allows_is_a_message_not_an_error_page(
    interview, opened, saved_before, settings, client
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    # As in production: the CSRF check reads the form, where Django refuses it.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    csrf = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', strict.get(opened).content.decode()
    ).group(1)

    response = strict.post(
        opened + "photos/",
        {
            "csrfmiddlewaretoken": csrf,
            "files": [upload(f"{n}.jpg", jpeg_bytes()) for n in range(4)],
            "credit": "c",
            "consent": "on",
        },
    )

    page = assert_refused_next_to_the_file_field(
        response, "mehr Dateien gewählt, als auf einmal gesendet werden können"
    )
    assert "höchstens 3" in page
    assert response["Cache-Control"] == "no-store, private"
    assert_nothing_lost(interview, saved_before)
    assert InterviewPhoto.objects.filter(request=interview).count() == 1


def test_too_many_files_still_needs_a_session_that_may_open_the_request(interview, opened, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    stranger = Client(enforce_csrf_checks=True)

    response = stranger.post(
        opened + "photos/", {"files": [upload(f"{n}.jpg", jpeg_bytes()) for n in range(2)]}
    )

    assert response.status_code == 404
    assert "Dieser Link funktioniert nicht" in response.content.decode()


def test_the_upload_still_needs_its_csrf_token(interview, opened, saved_before, client):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies

    response = strict.post(
        opened + "photos/", {"files": [upload("x.jpg", jpeg_bytes())], "credit": "c", "consent": "on"}
    )

    assert response.status_code == 403
    assert "Diese Seite ist abgelaufen" in response.content.decode()
    assert_nothing_lost(interview, saved_before)
    assert InterviewPhoto.objects.filter(request=interview).count() == 1


def test_several_photos_at_once_and_their_thumbnails(client, interview, opened, monkeypatch):
    # No worker: the thumbnails come from the upload's own decode.
    monkeypatch.setattr(photos.make_photo_thumbnail, "delay", lambda *a: pytest.fail("queued"))
    response = client.post(
        opened + "photos/",
        {
            "files": [real("photos/gps-nikon-coolpix.jpg"), real("photos/orientation-6-portrait.jpg")],
            "caption": "Das Team",
            "credit": "Foto: Firma",
            "consent": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "2 Fotos erhalten." in response.content.decode()
    stored = list(InterviewPhoto.objects.filter(request=interview))
    assert len(stored) == 2
    for photo in stored:
        assert photo.processing_state == "ready"
        thumbnail = assert_bare_jpeg(photo.thumbnail.read())
        assert max(thumbnail.size) == 480
        assert (thumbnail.width > thumbnail.height) == (photo.width > photo.height)  # upright
        assert photo.caption == "Das Team"
    page = client.get(opened).content.decode()
    assert page.count('class="photo-list__thumbnail"') == 2
    assert "Preview is being prepared" not in page and "Vorschau wird" not in page


def test_photos_stored_before_thumbnails_came_with_the_upload_get_them_from_the_sweep(time_machine):
    """A row an earlier release stored: upright file, no EXIF, no thumbnail, PENDING."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    [photo] = photos.store_photos(interview, [real("photos/canon-40d.jpg")], caption="", credit="c")
    photo.thumbnail.delete(save=False)
    photo.file.save("old.jpg", ContentFile(jpeg_bytes((1200, 900), color=(10, 160, 60))), save=False)
    photo.processing_state = "pending"
    photo.save()

    assert photos.make_pending_thumbnails() == 0  # too fresh: its own task may still be on the way
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=3))
    assert photos.make_pending_thumbnails() == 1

    photo.refresh_from_db()
    assert photo.processing_state == "ready"
    thumbnail = assert_bare_jpeg(photo.thumbnail.read())
    assert thumbnail.size == (480, 360)
    assert thumbnail.getpixel((10, 10)) == pytest.approx((10, 160, 60), abs=6)


HOSTILE_FILENAMES = {
    "parent-path": b'filename="../../x.jpg"',
    "deep-parent-path": b'filename="../../../etc/cron.d/evil.jpg"',
    "encoded-parent-path": b"filename*=UTF-8''%2E%2E%2F%2E%2E%2Fx.jpg",
    "windows-path": b'filename="C:\\x.jpg"',
    "nul": b'filename="photo\x00.php.jpg"',
    "encoded-nul": b"filename*=UTF-8''photo%00.php.jpg",
    "newline": b'filename="zeile\nzwei.jpg"',
    "encoded-newline": b"filename*=UTF-8''zeile%0D%0Azwei.jpg",
    "browser-escaped-newline": b'filename="zeile%0Azwei.jpg"',
    "300-characters": b'filename="' + b"x" * 296 + b'.jpg"',
    "markup": b'filename="<img src=x onerror=alert(1)>.jpg"',
}


@pytest.mark.parametrize("case", list(HOSTILE_FILENAMES))
def test_hostile_filenames_sent_byte_for_byte_are_never_used(client, interview, opened, saved_before, case):
    # Django's test client cleans a file name before sending it; this body carries it as a hostile client would.
    body, content_type = multipart(
        {"credit": "c", "consent": "on"}, [(HOSTILE_FILENAMES[case], jpeg_bytes())]
    )

    response = client.post(opened + "photos/", body, content_type=content_type, follow=True)

    page = response.content.decode()
    assert response.status_code == 200, page
    assert "1 Foto erhalten." in page
    assert "<img src=x" not in page
    assert_nothing_lost(interview, saved_before)
    [photo] = InterviewPhoto.objects.filter(request=interview).exclude(pk=saved_before[1].pk)
    assert re.fullmatch(rf"interviews/{re.escape(interview.public_id)}/[0-9a-f]{{32}}\.jpg", photo.file.name)
    assert photo.file.storage.exists(photo.file.name)


def test_a_hostile_filename_on_a_large_upload_that_goes_to_a_temporary_file(
    client, interview, opened, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload is written to a temporary file first
    body, content_type = multipart(
        {"credit": "c", "consent": "on"}, [(b"filename*=UTF-8''x.j%00p%0Ag", jpeg_bytes())]
    )

    response = client.post(opened + "photos/", body, content_type=content_type)

    assert response.status_code == 302  # stored; POST, redirect, GET
    assert InterviewPhoto.objects.filter(request=interview).count() == 1


def test_a_filename_that_is_only_a_path_leaves_no_file_and_says_so(client, interview, opened, saved_before):
    body, content_type = multipart({"credit": "c", "consent": "on"}, [(b'filename=".."', jpeg_bytes())])

    response = client.post(opened + "photos/", body, content_type=content_type)

    assert_refused_next_to_the_file_field(response, "Bitte wählen Sie mindestens ein Foto aus.")
    assert_nothing_lost(interview, saved_before)


def files_in_private_storage(tmp_path) -> list:
    root = tmp_path / "private"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_rolled_back_upload_leaves_no_file_in_storage(tmp_path):
    """The contact submitted in another tab while the upload was being cleaned:
    the locked check refuses it, the transaction rolls back, no file stays."""
    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    photos.store_photos(interview, [upload("a.jpg", jpeg_bytes())], caption="", credit="c")
    kept = files_in_private_storage(tmp_path)
    InterviewRequest.objects.filter(pk=interview.pk).update(status=InterviewStatus.SUBMITTED)

    with pytest.raises(photos.PhotoRejected):
        photos.store_photos(
            interview,
            [upload("b.jpg", jpeg_bytes()), upload("c.jpg", jpeg_bytes(color=(7, 7, 7)))],
            caption="",
            credit="c",
        )

    assert files_in_private_storage(tmp_path) == kept
    assert InterviewPhoto.objects.count() == 1


def test_a_transaction_that_fails_after_the_upload_leaves_no_file(tmp_path, monkeypatch):
    """The database gives up after the files were written (here: writing the
    contact log fails): the rows roll back and the files go with them."""
    from django.db import DatabaseError

    from casestudies.interviews import contact_log

    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)

    def failing_record(*args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(contact_log, "record", failing_record)
    with pytest.raises(DatabaseError):
        photos.store_photos(
            interview,
            [upload("a.jpg", jpeg_bytes()), upload("b.jpg", jpeg_bytes(color=(1, 2, 3)))],
            caption="",
            credit="c",
        )

    assert files_in_private_storage(tmp_path) == []
    assert not InterviewPhoto.objects.exists()


def test_a_thumbnail_that_cannot_be_written_leaves_no_file(tmp_path, monkeypatch):
    """Storage fails between a photo and its thumbnail: nothing is stored, the photo's file goes again."""
    from django.core.files.storage import FileSystemStorage

    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    original = FileSystemStorage._save

    def failing_thumbnails(self, name, content):
        if "/thumbs/" in name:
            raise OSError("No space left on device")
        return original(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_thumbnails)
    with pytest.raises(OSError):
        photos.store_photos(interview, [upload("a.jpg", jpeg_bytes())], caption="", credit="c")

    assert files_in_private_storage(tmp_path) == []
    assert not InterviewPhoto.objects.exists()


def test_photo_files_are_written_before_the_row_is_locked(monkeypatch):
    """No other write waits on storage: the files are on disk before
    store_photos opens its transaction and locks the request's row."""
    from django.core.files.storage import FileSystemStorage
    from django.db import connection

    interview = InterviewRequestFactory(status=InterviewStatus.IN_PROGRESS)
    depths = []
    original = FileSystemStorage._save

    def recording_save(self, name, content):
        depths.append(len(connection.atomic_blocks))
        return original(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", recording_save)
    caller = len(connection.atomic_blocks)  # the test's own transaction
    two = [upload("a.jpg", jpeg_bytes()), upload("b.jpg", jpeg_bytes(color=(1, 2, 3)))]
    photos.store_photos(interview, two, caption="", credit="c")

    assert depths == [caller] * 4  # two photos and their thumbnails
    assert InterviewPhoto.objects.count() == 2


# Sending the same photo twice ---------------------------------------------------


def test_the_upload_answers_with_a_redirect_so_a_reload_sends_nothing(client, interview, opened):
    response = client.post(
        opened + "photos/", {"files": [upload("a.jpg", jpeg_bytes())], "credit": "c", "consent": "on"}
    )

    assert response.status_code == 302 and response["Location"] == opened
    page = client.get(response["Location"]).content.decode()
    assert "1 Foto erhalten." in page
    # A reload is a GET of that page: the note was said once, nothing is stored again.
    assert "1 Foto erhalten." not in client.get(opened).content.decode()
    assert InterviewPhoto.objects.filter(request=interview).count() == 1


def test_the_same_file_sent_again_is_not_stored_twice_and_the_contact_is_told(client, interview, opened):
    from casestudies.models import ContactEvent

    same = jpeg_bytes(color=(10, 120, 200))
    client.post(opened + "photos/", {"files": [upload("a.jpg", same)], "credit": "c", "consent": "on"})
    logged = ContactEvent.objects.filter(request=interview).count()

    response = client.post(
        opened + "photos/",
        {"files": [upload("kopie.jpg", same), upload("b.jpg", jpeg_bytes())], "credit": "c", "consent": "on"},
        follow=True,
    )

    page = response.content.decode()
    assert "1 Foto erhalten." in page
    assert "1 Foto war schon unter Ihren Uploads und wurde nicht ein zweites Mal gespeichert." in page
    assert InterviewPhoto.objects.filter(request=interview).count() == 2
    assert ContactEvent.objects.filter(request=interview).count() == logged + 1


def test_a_file_sent_again_alone_stores_nothing_and_logs_nothing(tmp_path, interview):
    from casestudies.models import ContactEvent

    InterviewRequest.objects.filter(pk=interview.pk).update(status=InterviewStatus.IN_PROGRESS)
    interview.refresh_from_db()
    same = jpeg_bytes(color=(1, 2, 3))
    photos.store_photos(interview, [upload("a.jpg", same)], caption="", credit="c")
    files, logged = files_in_private_storage(tmp_path), ContactEvent.objects.count()

    result = photos.store_uploads(interview, [upload("a.jpg", same)] * 2, caption="", credit="c")

    assert (result.photos, result.duplicates) == ([], 2)
    assert files_in_private_storage(tmp_path) == files
    assert ContactEvent.objects.count() == logged


def test_the_contact_is_told_in_their_language(client, opened, interview):
    InterviewRequest.objects.filter(pk=interview.pk).update(language="en")
    same = jpeg_bytes(color=(90, 90, 9))
    client.post(opened + "photos/", {"files": [upload("a.jpg", same)], "credit": "c", "consent": "on"})

    response = client.post(
        opened + "photos/", {"files": [upload("a.jpg", same)], "credit": "c", "consent": "on"}, follow=True
    )

    assert (
        "1 photo was already among your uploads and was not stored a second time."
        in response.content.decode()
    )


def test_a_thumbnail_fills_its_box_on_the_long_side_and_keeps_the_shape():
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 120, 40)).save(out, format="JPEG", quality=80)

    thumbnail = Image.open(io.BytesIO(photos.clean_photo(upload("x.jpg", out.getvalue())).thumbnail))

    width = photos.THUMBNAIL_SIZE[0]
    assert thumbnail.size == (width, width * 3 // 4)
    assert thumbnail.getpixel((10, 10)) == pytest.approx((200, 120, 40), abs=6)


def test_a_photo_smaller_than_the_thumbnail_is_not_enlarged():
    clean = photos.clean_photo(upload("x.jpg", jpeg_bytes((300, 200))))

    assert Image.open(io.BytesIO(clean.thumbnail)).size == (300, 200)
