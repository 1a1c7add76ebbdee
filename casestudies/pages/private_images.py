"""Interview photos in Wagtail's image library stay private until a live page shows them.

Where the files are: the site's default storage (RoutingStorage) keeps every
name under PRIVATE_PREFIX in the private storage (the bucket or folder of the
questionnaire uploads) and every other name in the public media storage.
Wagtail never writes under that prefix itself (its folders are
`original_images/` and `images/`), so an ordinary upload stays public. An
accepted interview photo is written there with a random name that starts
with MARKER (`save_private_original`); Wagtail names each rendition after its
original, so the storage sends every rendition of a private original there
too, however it is made (one at a time or in bulk for `{% picture %}`): no
file of an interview photo ever sits in the public media.

Who gets them: a private name's URL is `serve` (/images/private/...), which
answers with the file when the image is used on a live, unrestricted page
(Wagtail's reference index: the page table holds the live content, drafts
live in revisions), or when an admin user may see the interview request the
photo came from (casestudies.interviews.admin.visibility); anyone else gets
404. Publishing a page therefore makes its images' renditions readable,
unpublishing or deleting it takes them back, with the same URLs: no file is
copied or moved, and a cached page never holds a stale address."""

from __future__ import annotations

import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from casestudies.interviews.admin.visibility import visible_photos

PRIVATE_PREFIX = "private/"
ORIGINALS = PRIVATE_PREFIX + "original_images/"
# The start of a private original's file name. Wagtail names a rendition after
# its original (images/<start of the original's name>.<filter>.<ext>), so the
# storage knows a rendition of a private original by this start alone.
MARKER = "prv-"


def is_private(name: str) -> bool:
    return bool(name) and name.startswith(PRIVATE_PREFIX)


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1].split(".", 1)[0]


def _route(name: str) -> tuple[str, str]:
    """The storage alias a new file goes to and the name it gets there."""
    if is_private(name):
        return "private", name
    folder, _, file_name = name.rpartition("/")
    if folder == "images":
        base = _base(name)
        # A filter spec long enough to cut the original's name below the
        # marker leaves a prefix of it: private too (never the other way round).
        if base.startswith(MARKER) or MARKER.startswith(base):
            return "private", PRIVATE_PREFIX + name
    elif folder == "original_images" and file_name.startswith(MARKER):
        # An upload to the library may not pass for a private original.
        return "public", f"{folder}/_{file_name}"
    return "public", name


@deconstructible
class RoutingStorage(Storage):
    """The default storage. Files of private originals (names under
    PRIVATE_PREFIX) and their renditions are in the "private" storage, every
    other file in the "public" one. The two are looked up on every call, so a
    change of STORAGES (tests) is seen at once."""

    def _backend(self, name: str) -> Storage:
        return storages["private"] if is_private(name) else storages["public"]

    def save(self, name, content, max_length=None):
        if name is None:
            name = content.name
        alias, name = _route(name)
        return storages[alias].save(name, content, max_length=max_length)

    def _open(self, name, mode="rb"):
        return self._backend(name).open(name, mode)

    def _save(self, name, content):  # save() above hands every file on
        raise NotImplementedError

    def get_available_name(self, name, max_length=None):
        alias, routed = _route(name)
        return storages[alias].get_available_name(routed, max_length=max_length)

    def generate_filename(self, filename):
        return storages["public"].generate_filename(filename)

    def get_valid_name(self, name):
        return storages["public"].get_valid_name(name)

    def delete(self, name):
        return self._backend(name).delete(name)

    def exists(self, name):
        return self._backend(name).exists(name)

    def listdir(self, path):
        return self._backend(path).listdir(path)

    def size(self, name):
        return self._backend(name).size(name)

    def path(self, name):
        return self._backend(name).path(name)

    def url(self, name):
        if is_private(name):
            return reverse("private_image", args=[name.removeprefix(PRIVATE_PREFIX)])
        return storages["public"].url(name)

    def get_accessed_time(self, name):
        return self._backend(name).get_accessed_time(name)

    def get_created_time(self, name):
        return self._backend(name).get_created_time(name)

    def get_modified_time(self, name):
        return self._backend(name).get_modified_time(name)


def private_original_name() -> str:
    """A new random name for an image's original in the private area."""
    return f"{ORIGINALS}{MARKER}{secrets.token_hex(16)}.jpg"


def save_private_original(content) -> str:
    """Store an image's original under a random name in the private area: the name to give the image's file."""
    return storages["private"].save(private_original_name(), content)


# Who may see a private image --------------------------------------------------------


def shown_on_a_live_page(image) -> bool:
    """Whether a reader sees the image: a live page without view restrictions refers to it."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = (
        ReferenceIndex.get_references_to(image)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    ids = [int(pk) for pk in page_ids if pk.isdigit()]
    return bool(ids) and Page.objects.live().public().filter(pk__in=ids).exists()


def admin_user_may_see(user, image) -> bool:
    """An admin user sees an interview photo when they may see its request."""
    if not (user.is_authenticated and user.has_perm("wagtailadmin.access_admin")):
        return False
    return visible_photos(user).filter(image=image).exists()


def _image_of(name: str):
    """The image a private file belongs to: as its original, or through one of its renditions."""
    if name.startswith(ORIGINALS):
        return get_image_model().objects.filter(file=name).first()
    rendition = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(file=name, image__file__startswith=ORIGINALS + _base(name))
        .select_related("image")
        .first()
    )
    return rendition.image if rendition else None


def serve(request: HttpRequest, path: str) -> FileResponse:
    """A private image's file, to whoever may see it; 404 to anyone else,
    the same for a file that does not exist."""
    if ".." in path.split("/"):
        raise Http404
    name = PRIVATE_PREFIX + path
    image = _image_of(name)
    live = image is not None and shown_on_a_live_page(image)
    if image is None or not (live or admin_user_may_see(request.user, image)):
        raise Http404
    storage = storages["private"]
    if not storage.exists(name):
        raise Http404
    response = FileResponse(storage.open(name, "rb"))
    # Readers may revalidate but not keep it past an unpublishing; admin views never stored.
    response["Cache-Control"] = "no-cache" if live else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
