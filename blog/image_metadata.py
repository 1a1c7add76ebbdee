"""No metadata in the image library: every original that becomes a Wagtail
image is turned upright by its EXIF orientation and re-encoded without EXIF,
GPS or XMP, whoever uploads it (DESIGN: Wagtail's resized renditions keep the
original's EXIF, GPS included).

Hooked to the image model's pre_save, so it covers every way in: the admin's
single and multiple upload, the chooser's upload, replacing a file, and code
that saves images. Formats we do not re-encode (GIF, SVG) carry no EXIF block
and are left as they are."""

from __future__ import annotations

import io
import logging
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger("casebook")

# Format -> save options. The ICC profile stays: it is colour, not a person.
REENCODED = {
    "JPEG": {"quality": 90, "optimize": True},
    "MPO": {"quality": 90, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90},
    "TIFF": {},
}


def strip_metadata(data: bytes) -> tuple[bytes, str] | None:
    """The picture without metadata, upright, in its own format (MPO as JPEG),
    with its format name; None if there is nothing we re-encode."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                source_format = image.format
                if source_format not in REENCODED or not _carries_metadata(image):
                    return None
                image.load()
                upright = ImageOps.exif_transpose(image)
                icc = image.info.get("icc_profile")
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombWarning):
            # Wagtail's own validation refuses what cannot be read; not our job twice.
            return None
    target = "JPEG" if source_format == "MPO" else source_format
    if target == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    options = dict(REENCODED[source_format])
    if icc:
        options["icc_profile"] = icc
    upright.save(out, format=target, **options)
    return out.getvalue(), target


# Info keys under which Pillow exposes what a file says besides its pixels.
METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc", "dpi_exif")


def _carries_metadata(image: Image.Image) -> bool:
    # Re-encoding a clean file would only cost quality.
    return (
        bool(image.getexif())
        or any(key in image.info for key in METADATA_KEYS)
        or bool(getattr(image, "text", None))
    )


def strip_new_original(sender, instance, **kwargs) -> None:
    """pre_save of the image model: clean a file that is new to this row."""
    field = instance.file
    if not field:
        return
    is_new_file = not field._committed or instance._state.adding
    if not is_new_file or getattr(instance, "_metadata_stripped", False):
        return
    field.open("rb")
    try:
        field.seek(0)
        data = field.read()
    finally:
        if field._committed:
            field.close()
    cleaned = strip_metadata(data)
    if cleaned is None:
        return
    content, _format = cleaned
    name = field.name.rsplit("/", 1)[-1]
    if field._committed:
        # Stored already (Wagtail's multiple upload saves the file first): replace it.
        field.storage.delete(field.name)
    field.save(name, ContentFile(content), save=False)
    instance._metadata_stripped = True
    # Size, hash and dimensions describe the file that is kept.
    with Image.open(io.BytesIO(content)) as kept:
        instance.width, instance.height = kept.size
    instance._set_image_file_metadata()
