"""An interview photo is public only as part of a live page: from the side of
a reader (anonymous), before publication, after it and after unpublishing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from casestudies.pages import private_images
from tests.interviews.signoff_helpers import complete_checklist

pytestmark = pytest.mark.django_db

# Every size the site's templates and the admin ask for.
SPECS = [
    "max-165x165",
    "max-800x600",
    "width-400|format-webp",
    "width-800|format-jpeg",
    "fill-960x540|format-webp",
    "fill-1200x630|format-jpeg",
    "original",
]
PRIVATE_URL = re.compile(r"/images/private/[^\"'\s,)]+")


def every_url_of(images) -> list[str]:
    urls = []
    for image in images:
        urls.append(image.file.url)
        # A rendition made one by one, and the bulk path of {% picture %}.
        urls += [image.get_rendition(spec).url for spec in SPECS]
        urls += [
            r.url for r in image.get_renditions("width-480|format-webp", "width-1200|format-webp").values()
        ]
        urls += [rendition.url for rendition in image.renditions.all()]
    return sorted(set(urls))


def interview_files_in_public_media(images) -> list[Path]:
    """Public media files of these images: by their random name, or with the same bytes as an original."""
    root = Path(settings.MEDIA_ROOT)
    tokens = [image.file.name.rsplit("/", 1)[-1].split(".")[0].removeprefix("prv-")[:12] for image in images]
    originals = [image.file.open("rb").read() for image in images]
    return [
        path
        for path in (root.rglob("*") if root.exists() else [])
        if path.is_file() and (any(token in path.name for token in tokens) or path.read_bytes() in originals)
    ]


def publish(case, django_capture_on_commit_callbacks):
    completed = complete_checklist(case.page, user=case.editor)  # as the editor does before publishing
    with django_capture_on_commit_callbacks(execute=True):
        completed.get_latest_revision().publish(user=case.editor)
    case.page.refresh_from_db()


def test_before_publication_no_url_of_an_accepted_photo_answers_a_reader(accepted_draft):
    anonymous = Client()
    urls = every_url_of(accepted_draft.images)

    assert len(urls) >= 2 * len(SPECS)
    for url in urls:
        assert url.startswith("/images/private/"), url
        assert anonymous.get(url).status_code == 404, url
    # No file of the photos is in the public media, under any name.
    assert interview_files_in_public_media(accepted_draft.images) == []
    # Nor under the old guessable name, or the file's name in the public media folder.
    for image in accepted_draft.images:
        token = image.file.name.rsplit("/", 1)[-1]
        assert anonymous.get(f"/media/original_images/{token}").status_code == 404
        assert "interview-" not in image.file.name
        assert re.fullmatch(r"private/original_images/prv-[0-9a-f]{32}\.jpg", image.file.name)


def test_a_private_url_is_refused_for_a_path_that_leaves_the_folder(accepted_draft):
    anonymous = Client()
    for path in ("../../etc/passwd", "original_images/../images/x.jpg", "images/nothing.jpg"):
        assert anonymous.get(f"/images/private/{path}").status_code == 404


def test_the_editors_still_see_and_crop_them_in_the_admin(client, accepted_draft):
    case = accepted_draft
    urls = every_url_of(case.images)
    for user in (case.editor, case.author_a):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            assert "no-store" in response["Cache-Control"]
    client.force_login(case.editor)
    image = case.images[0]
    edit = client.get(f"/admin/images/{image.pk}/")
    assert edit.status_code == 200
    assert "/images/private/" in edit.content.decode()
    preview = client.get(f"/admin/pages/{case.page.pk}/view_draft/")
    assert preview.status_code == 200
    shown = set(PRIVATE_URL.findall(preview.content.decode()))
    assert shown
    for url in shown:
        assert client.get(url.replace("&amp;", "&")).status_code == 200


def test_the_api_lists_no_image_or_document_and_no_draft(accepted_draft):
    anonymous = Client()
    assert anonymous.get("/api/v2/images/").status_code == 404
    assert anonymous.get(f"/api/v2/images/{accepted_draft.images[0].pk}/").status_code == 404
    assert anonymous.get("/api/v2/documents/").status_code == 404
    pages = anonymous.get("/api/v2/pages/?limit=20").json()
    assert accepted_draft.page.pk not in [item["id"] for item in pages["items"]]
    assert anonymous.get(f"/api/v2/pages/{accepted_draft.page.pk}/").status_code == 404


def test_search_finds_none_of_it_before_publication(accepted_draft):
    anonymous = Client()
    for query in ("Nordlicht", "Labor", "Zimt", "Ottilie"):
        html = anonymous.get(f"/suche/?q={query}").content.decode()
        assert "/images/private/" not in html, query
        assert "Geheimwerk" not in html and "Zimt im Kaffee" not in html, query


def test_publishing_shows_the_renditions_and_unpublishing_takes_them_back(
    accepted_draft, django_capture_on_commit_callbacks
):
    case, anonymous = accepted_draft, Client()
    publish(case, django_capture_on_commit_callbacks)

    html = anonymous.get(case.page.url).content.decode()
    shown = sorted({url.replace("&amp;", "&") for url in PRIVATE_URL.findall(html)})
    assert len(shown) >= 2
    for url in shown:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("image/")
        assert "no-store" not in response["Cache-Control"]
    # Still nothing in the public media: the same URLs, now answered.
    assert interview_files_in_public_media(case.images) == []

    with django_capture_on_commit_callbacks(execute=True):
        case.page.unpublish(user=case.editor)
    for url in shown:
        assert anonymous.get(url).status_code == 404, url


def test_a_reader_s_photo_costs_a_fixed_number_of_queries(
    accepted_draft, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    case, anonymous = accepted_draft, Client()
    publish(case, django_capture_on_commit_callbacks)
    url = case.images[0].get_rendition("width-400|format-webp").url
    anonymous.get(url)  # content types cached, as in a running process
    with django_assert_max_num_queries(4):
        assert anonymous.get(url).status_code == 200


def test_deleting_the_published_page_takes_them_back(accepted_draft, django_capture_on_commit_callbacks):
    case, anonymous = accepted_draft, Client()
    publish(case, django_capture_on_commit_callbacks)
    shown = {
        url.replace("&amp;", "&")
        for url in PRIVATE_URL.findall(anonymous.get(case.page.url).content.decode())
    }
    assert shown and all(anonymous.get(url).status_code == 200 for url in shown)

    with django_capture_on_commit_callbacks(execute=True):
        case.page.delete()
    for url in shown:
        assert anonymous.get(url).status_code == 404, url


def test_a_public_library_upload_never_passes_for_a_private_original():
    assert private_images._route("original_images/prv-0123.jpg") == (
        "public",
        "original_images/_prv-0123.jpg",
    )
    assert private_images._route("images/prv-0123.width-400.jpg")[0] == "private"
    # A filter spec long enough to cut the marker off still keeps it private.
    assert private_images._route("images/pr.fill-10x10.format-webp.webp")[0] == "private"
    assert private_images._route("images/holiday.width-400.jpg") == ("public", "images/holiday.width-400.jpg")
