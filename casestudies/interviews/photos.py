"""Checking and cleaning photos that come in through the questionnaire.

Nothing a contact uploads is stored as it came. While the form is read,
nothing beyond the byte limit of a file is kept, even in a temporary file
(BoundedPhotoUpload). A file is read only up to the byte limit, identified
among the formats we accept (JPEG, PNG, WebP, HEIC) by content, never by
name or content type, checked against our pixel limit before it is decoded,
decoded completely (once) and re-encoded as a plain sRGB-less RGB JPEG
whose only metadata is its EXIF orientation (a one-tag EXIF block, only when
the photo is not upright): no GPS, no camera data, no dates, no XMP, no ICC
profile, nothing appended. The pixels keep the camera's order, because turning
a 12 MP photo costs a second full-size copy (docs/decisions.md, "Photos: one
decode"); browsers and Wagtail's renditions show it upright by the tag. The
thumbnail comes from the same decoded pixels, turned upright, and carries
nothing. Multi-frame files (animations, HEIC
sequences) are refused rather than silently cut to their first frame; the one
exception is a camera's MPO JPEG, whose first frame is the photo itself and
whose further frames are previews or depth maps."""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import warnings
from dataclasses import dataclass

import pillow_heif
from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import ExifTags, Image, UnidentifiedImageError

from casestudies import rows
from casestudies.interviews import contact_log, statuses
from casestudies.interviews import states as interview_states
from casestudies.interviews.models import (
    Channel,
    Direction,
    EventKind,
    InterviewPhoto,
    InterviewRequest,
    ProcessingState,
    ReviewState,
)

pillow_heif.register_heif_opener()
logger = logging.getLogger("casebook")

# Pillow format names: HEIC files identify as "HEIF" through pillow_heif.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
JPEG_QUALITY = 88
THUMBNAIL_SIZE = (480, 480)
THUMBNAIL_QUALITY = 80
# EXIF orientation -> the turn that shows the photo upright (as ImageOps.exif_transpose).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PhotoRejected(Exception):
    """A file we will not store; `message` is for the person who uploaded it."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    # Made from the same decode: upright, no metadata at all.
    thumbnail: bytes
    # As the photo is shown (upright), whatever the order of the pixels in `content`.
    width: int
    height: int
    # SHA-256 of the file as it was sent: how a file sent twice is recognised.
    source_hash: str


@dataclass(frozen=True)
class Stored:
    """What an upload came to: the photos stored, and how many files were
    left out because the request already had them (or they came twice)."""

    photos: list[InterviewPhoto]
    duplicates: int


class BoundedPhotoUpload(FileUploadHandler):
    """First in the questionnaire's upload handlers: passes on each file's
    first INTERVIEW_PHOTO_MAX_BYTES + 1 bytes and drops the rest unread by the
    handlers after it. A 2 GB "photo" costs the server one byte over the limit
    on disk, the form's other fields are still read (nothing the contact wrote
    is lost), and the file fails _read_bounded with the usual message."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.kept = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = settings.INTERVIEW_PHOTO_MAX_BYTES + 1 - self.kept
        if room <= 0:
            return None  # the handlers after this one never see it
        kept = raw_data[:room]
        self.kept += len(kept)
        return kept

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def _read_bounded(upload: UploadedFile, limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        raise PhotoRejected(_("The file is empty."))
    if len(data) > limit:
        raise PhotoRejected(
            _("The file is larger than %(limit)s. Please upload a smaller version.")
            % {"limit": filesizeformat(limit)}
        )
    return data


def clean_photo(upload: UploadedFile) -> CleanPhoto:
    """Verify and re-encode an upload and make its thumbnail, from one decode;
    or raise PhotoRejected with a reason the user understands."""
    data = _read_bounded(upload, settings.INTERVIEW_PHOTO_MAX_BYTES)
    source_hash = hashlib.sha256(data).hexdigest()
    # The stream shares the bytes: once `data` goes, closing it frees them.
    stream = io.BytesIO(data)
    del data
    max_pixels = settings.INTERVIEW_PHOTO_MAX_PIXELS
    unusable = PhotoRejected(
        _("This file is not a photo we can use. Please upload a JPEG, PNG, WebP or HEIC photo.")
    )
    too_large = PhotoRejected(
        _("The photo has too many pixels (at most %(megapixels)s megapixels).")
        % {"megapixels": max_pixels // 1_000_000}
    )
    out = io.BytesIO()
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; we refuse.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(stream, formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_large from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise unusable from None
        try:
            if image.width * image.height > max_pixels:
                raise too_large
            if getattr(image, "n_frames", 1) > 1 and image.format != "MPO":
                raise PhotoRejected(
                    _("Animated or multi-image files are not accepted. Please upload a single photo.")
                )
            try:
                image.load()
                stream.close()  # decoded: the sent file's bytes are not needed any more
                orientation = _orientation(image)
                rgb = _to_rgb(image)
                if rgb is not image:
                    image.close()  # a converted copy: the decoded one goes before the encode
                # Pillow writes a JPEG comment (and more) from an image's info
                # unless told otherwise: forget everything the file said.
                rgb.info = {}
                thumbnail = _thumbnail(rgb, orientation)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise too_large from None
            except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError, EOFError):
                raise PhotoRejected(
                    _("The photo is damaged and cannot be read. Please upload it again.")
                ) from None
            # No icc_profile= or xmp=, and an EXIF block of the orientation alone.
            # No optimize=True: its second pass over the coefficients costs about a
            # third of the encoding for 2-3 % fewer bytes (bench/RESULTS.md, photos).
            rgb.save(out, format="JPEG", quality=JPEG_QUALITY, exif=_orientation_exif(orientation))
            width, height = _upright_size(rgb.size, orientation)
        finally:
            image.close()
    return CleanPhoto(
        content=out.getvalue(),
        width=width,
        height=height,
        source_hash=source_hash,
        thumbnail=thumbnail,
    )


def _orientation(image: Image.Image) -> int:
    """The photo's EXIF orientation, 2-8; 1 (upright) when it has none, or one
    we cannot read: a hostile file's EXIF is no reason to refuse its pixels."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        return 1
    return value if type(value) is int and value in UPRIGHT else 1


def _orientation_exif(orientation: int) -> Image.Exif | bytes:
    """The one piece of metadata a cleaned photo keeps; nothing when upright."""
    if orientation == 1:
        return b""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return exif


def _upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """Orientations 5-8 turn the photo by a quarter: width and height swap."""
    return (size[1], size[0]) if orientation >= 5 else size


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode == "RGB":
        return image  # already what we encode: no full-size copy
    # CMYK, greyscale, 16-bit and palette images all become plain 8-bit RGB.
    return image.convert("RGB")


def _thumbnail_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """The thumbnail's size in the pixels' own order: the photo, upright, fitted
    into THUMBNAIL_SIZE (never enlarged)."""
    width, height = _upright_size(size, orientation)
    scale = min(THUMBNAIL_SIZE[0] / width, THUMBNAIL_SIZE[1] / height, 1)
    fitted = (max(1, round(width * scale)), max(1, round(height * scale)))
    return _upright_size(fitted, orientation)


def _thumbnail(image: Image.Image, orientation: int) -> bytes:
    """A small upright JPEG of RGB pixels, without any metadata."""
    target = _thumbnail_size(image.size, orientation)
    # Box-averaging by an integer factor first (9 ms for 12 MP) leaves the
    # resampling filter a few hundred thousand pixels instead of millions;
    # the factor keeps both sides at least the thumbnail's.
    factor = max(1, min(image.width // target[0], image.height // target[1]))
    small = image.reduce(factor)
    if orientation in UPRIGHT:
        small = small.transpose(UPRIGHT[orientation])
    small.thumbnail(THUMBNAIL_SIZE, reducing_gap=None)
    small.info = {}
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


def make_thumbnail(content: bytes) -> bytes:
    """A thumbnail of a photo stored already (make_photo_thumbnail)."""
    with Image.open(io.BytesIO(content), formats=("JPEG",)) as image:
        orientation = _orientation(image)
        # Draft mode: libjpeg decodes at the smallest scale (1/2 to 1/8) that is
        # still at least the thumbnail's size, so most pixels are never made.
        image.draft("RGB", _thumbnail_size(image.size, orientation))
        return _thumbnail(_to_rgb(image), orientation)


CONSENT_VERSION = "2026-1"
CONSENT_TEXT = _(
    "I hold the rights to these photos (or the photographer has agreed), and I allow Casebook to "
    "publish them with the case study, naming the photo credit given above."
)


def store_photos(
    interview: InterviewRequest, uploads: list[UploadedFile], *, caption: str, credit: str
) -> list[InterviewPhoto]:
    """store_uploads, for callers that only want the photos stored."""
    return store_uploads(interview, uploads, caption=caption, credit=credit).photos


def _new_to(interview: InterviewRequest, cleaned: list[CleanPhoto]) -> list[CleanPhoto]:
    """The files the request does not have yet, each once."""
    known = set(
        InterviewPhoto.objects.filter(
            request=interview, content_hash__in=[photo.source_hash for photo in cleaned]
        ).values_list("content_hash", flat=True)
    )
    new = []
    for photo in cleaned:
        if photo.source_hash not in known:
            known.add(photo.source_hash)
            new.append(photo)
    return new


def store_uploads(
    interview: InterviewRequest, uploads: list[UploadedFile], *, caption: str, credit: str
) -> Stored:
    """Clean every upload, then store them all or none, with the consent as shown.
    A file the request already has (the same bytes, by SHA-256) is not stored again.
    A late answer through the last notice's link reopens the request first.

    Raises PhotoRejected (naming the file by its position, never by its name)
    before anything is written."""
    if not uploads:
        raise PhotoRejected(_("Please choose at least one photo."))
    interview_states.reopen_if_late(interview)
    # Counted before anything is decoded, and again under the lock below
    # (there without the files the request already has).
    _check_count(counted_photos(interview), len(uploads))
    cleaned = []
    for position, upload in enumerate(uploads, start=1):
        try:
            cleaned.append(clean_photo(upload))
        except PhotoRejected as rejected:
            raise PhotoRejected(
                _("File %(position)s: %(reason)s") % {"position": position, "reason": rejected.message}
            ) from None
    received = len(cleaned)
    cleaned = _new_to(interview, cleaned)
    # The files are written before the row is locked (no other write waits on
    # storage) and removed again if the transaction does not commit them.
    names = _write_files(interview, cleaned)
    try:
        with transaction.atomic():
            locked = rows.lock(InterviewRequest, interview.pk)
            if locked.status not in statuses.EDITABLE:
                raise PhotoRejected(_("Photos can no longer be added to this interview."))
            # A second tab may have stored the same file meanwhile.
            fresh = {photo.source_hash for photo in _new_to(locked, cleaned)}
            _check_count(counted_photos(locked), len(fresh))
            now = timezone.now()
            photos = []
            for photo, name in zip(cleaned, names, strict=True):
                if photo.source_hash not in fresh:
                    continue
                stored = InterviewPhoto(
                    request=locked,
                    caption=caption,
                    credit=credit,
                    consent_given=True,
                    # The words the contact saw, in the language they saw them in.
                    consent_text=str(CONSENT_TEXT),
                    consent_version=CONSENT_VERSION,
                    consent_at=now,
                    width=photo.width,
                    height=photo.height,
                    content_hash=photo.source_hash,
                    # The thumbnail was made from the same decode as the file.
                    processing_state=ProcessingState.READY,
                )
                stored.file.name, stored.thumbnail.name = name
                stored.save()
                photos.append(stored)
            if photos:
                _log_upload(locked, now, len(photos))
    except BaseException:
        _delete_files(_flat(names))
        raise
    # Files another tab stored meanwhile were written for nothing.
    kept = {p.file.name for p in photos}
    _delete_files(_flat(pair for pair in names if pair[0] not in kept))
    return Stored(photos=photos, duplicates=received - len(photos))


def _log_upload(locked: InterviewRequest, now, count: int) -> None:
    contact_log.record(
        request=locked,
        occurred_at=now,
        channel=Channel.FORM,
        direction=Direction.IN,
        kind=EventKind.SAVED,
        who=locked.contact.name,
        internal=True,
        summary=ngettext("%(count)s photo uploaded", "%(count)s photos uploaded", count) % {"count": count},
    )


def _write_files(interview: InterviewRequest, cleaned: list[CleanPhoto]) -> list[tuple[str, str]]:
    """Store each cleaned file and its thumbnail under fresh random names;
    returns the names, (file, thumbnail) per photo."""
    owner = InterviewPhoto(request=interview)
    fields = [InterviewPhoto._meta.get_field(name) for name in ("file", "thumbnail")]
    names: list[tuple[str, str]] = []
    written: list[str] = []
    try:
        for photo in cleaned:
            for field, content in zip(fields, (photo.content, photo.thumbnail), strict=True):
                name = field.generate_filename(owner, "photo.jpg")
                written.append(field.storage.save(name, ContentFile(content)))
            names.append((written[-2], written[-1]))
    except BaseException:
        _delete_files(written)
        raise
    return names


def _flat(pairs) -> list[str]:
    return [name for pair in pairs for name in pair]


def _delete_files(names: list[str]) -> None:
    storage = InterviewPhoto._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not remove the unused photo file %s", name)


def counted_photos(interview: InterviewRequest) -> int:
    """The photos that count against the limit: a rejected one does not, so
    that the contact can send a replacement (interviews.photo_review)."""
    return interview.photos.exclude(review_state=ReviewState.REJECTED).count()


def photos_left(stored: int) -> int:
    return max(0, settings.INTERVIEW_PHOTO_MAX_FILES - stored)


def _check_count(stored: int, adding: int) -> None:
    left = photos_left(stored)
    if adding <= left:
        return
    if left == 0:
        raise PhotoRejected(
            _("You have already uploaded %(count)s photos, as many as we can take.")
            % {"count": settings.INTERVIEW_PHOTO_MAX_FILES}
        )
    raise PhotoRejected(
        _("At most %(count)s photos per interview: you can add %(left)s more.")
        % {"count": settings.INTERVIEW_PHOTO_MAX_FILES, "left": left}
    )


def too_many_files_at_once() -> PhotoRejected:
    """Django refused the request before we saw it (DATA_UPLOAD_MAX_NUMBER_FILES)."""
    return PhotoRejected(
        _(
            "You chose more files than can be sent at once (at most %(count)s). "
            "Nothing was uploaded; please send them in smaller groups."
        )
        % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    )


# Thumbnails of photos stored before they were made at upload --------------------
#
# Until thumbnails came from the upload's own decode (docs/decisions.md), they
# were made by this task on the `images` queue. It stays, with its sweep, for
# what that left behind: rows still PENDING, and tasks still in the queue.

SWEEP_BATCH = 100


@shared_task(name="casestudies.tasks.make_photo_thumbnail", ignore_result=True)
def make_photo_thumbnail(pk: int) -> None:
    photo = InterviewPhoto.objects.filter(pk=pk).select_related("request").first()
    if photo is None or photo.processing_state == ProcessingState.READY:
        return  # deleted meanwhile, or a retried task: nothing to do twice
    try:
        with photo.file.open("rb") as source:
            thumbnail = make_thumbnail(source.read())
    except Exception:
        logger.exception("Thumbnail of interview photo %s failed", pk)
        InterviewPhoto.objects.filter(pk=pk).update(processing_state=ProcessingState.FAILED)
        return
    photo.thumbnail.save("thumb.jpg", ContentFile(thumbnail), save=False)
    photo.processing_state = ProcessingState.READY
    photo.save(update_fields=["thumbnail", "processing_state"])


@shared_task(name="casestudies.tasks.make_pending_thumbnails", ignore_result=True)
def make_pending_thumbnails() -> int:
    """The beat sweep for photos stored without a thumbnail (before thumbnails
    were made at upload) whose task never came."""
    stale = timezone.now() - datetime.timedelta(minutes=2)
    pending = InterviewPhoto.objects.filter(
        processing_state=ProcessingState.PENDING, uploaded_at__lte=stale
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    pks = list(pending)
    for pk in pks:
        make_photo_thumbnail(pk)
    return len(pks)


def delete_photos(photos) -> int:
    """Delete the photos' rows, and their files (upload and thumbnail) once the
    deletion is committed: a rolled-back erasure or purge keeps both."""
    count = 0
    for photo in list(photos):
        for stored in (photo.file, photo.thumbnail):
            if stored:
                transaction.on_commit(lambda f=stored: f.storage.delete(f.name))
        photo.delete()
        count += 1
    return count
