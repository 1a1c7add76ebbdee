"""The cache in front of the site: what it may keep (the headers every
response carries) and what every change purges there. The purges go over
HTTP to a real server on a free port standing where Varnish would stand,
which records them; the replicas' integration test runs the real Varnish."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ARTICLE = "/artikel/kundenzufriedenheit-als-werbefigur/"
STUDY = "/fallstudien/1und1-einladung-ohne-antwort/"


class PurgeLog(ThreadingHTTPServer):
    def __init__(self):
        self.purged: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(handler):  # noqa: N802, N805 - the HTTP method's name
                self.purged.append(handler.path)
                handler.send_response(200)
                handler.end_headers()

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def purges(settings) -> Iterator[list[str]]:
    server = PurgeLog()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    try:
        yield server.purged
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def case_studies(demo):
    from casestudies import demo as casestudies_demo

    return casestudies_demo.load()


# --- what every change purges -------------------------------------------------


def test_publishing_purges_the_page_its_index_the_home_page_feeds_and_sitemap(
    demo, purges, django_capture_on_commit_callbacks
):
    article = demo["article"]
    article.title = "Neu"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    for path in (ARTICLE, "/artikel/", "/", "/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/en" + ARTICLE):
        assert path in purges, (path, purges)


def test_nothing_is_purged_before_the_change_is_committed(demo, purges, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        demo["article"].save_revision().publish()
        assert purges == []
    for callback in callbacks:
        callback()
    assert ARTICLE in purges


def test_unpublishing_purges_the_page(demo, purges, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo["article"].unpublish()
    assert ARTICLE in purges
    assert "/artikel/" in purges


def test_approving_a_comment_purges_its_story(demo, purges, django_capture_on_commit_callbacks):
    from django_comments import get_model

    article = demo["article"]
    comment = get_model().objects.create(
        content_object=article, site_id=1, user_name="Leserin", comment="Gut.", is_public=False
    )
    assert purges == []  # a comment waiting for approval changes no page
    comment.is_public = True
    with django_capture_on_commit_callbacks(execute=True):
        comment.save()
    assert ARTICLE in purges


def test_renaming_a_company_purges_its_page_and_its_case_studies(
    case_studies, purges, django_capture_on_commit_callbacks
):
    company = case_studies["companies"]["1und1"]
    company.name = "1&1 Telecom GmbH"
    with django_capture_on_commit_callbacks(execute=True):
        company.save()
    assert "/unternehmen/1und1/" in purges
    assert STUDY in purges
    assert "/fallstudien/" in purges


def test_renaming_an_author_purges_their_page_their_feeds_and_their_stories(
    demo, purges, django_capture_on_commit_callbacks
):
    author = demo["authors"]["jan-berger"]
    author.name = "Jan B."
    with django_capture_on_commit_callbacks(execute=True):
        author.save()
    for path in ("/autoren/jan-berger/", "/feeds/autoren/jan-berger/rss/", ARTICLE):
        assert path in purges, (path, purges)


def test_without_a_front_cache_nothing_is_sent_and_the_page_cache_still_empties(
    demo, settings, django_capture_on_commit_callbacks
):
    from blog.page_cache import CACHE_HIT_HEADER

    settings.PAGE_CACHE_SECONDS = 300
    reader = Client()
    assert reader.get(ARTICLE)[CACHE_HIT_HEADER] == "miss"
    assert reader.get(ARTICLE)[CACHE_HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        demo["article"].save_revision().publish()
    assert reader.get(ARTICLE)[CACHE_HIT_HEADER] == "miss"


# --- what a shared cache may keep -------------------------------------------------


@pytest.fixture
def front_cache_seconds(settings):
    settings.FRONT_CACHE_SECONDS = 600
    settings.PAGE_CACHE_SECONDS = 300


# (The sitemap says max-age=3600 itself; a purge still reaches it.)
@pytest.mark.parametrize("path", ["/", ARTICLE, "/artikel/", "/feeds/rss/", "/en/"])
def test_a_readers_public_page_may_be_kept_by_a_shared_cache(demo, front_cache_seconds, path):
    response = Client().get(path)
    assert response.status_code == 200
    control = response["Cache-Control"]
    assert "public" in control and "s-maxage=600" in control
    assert "max-age=0" in control  # browsers ask again, so they see a purge at once
    assert response["Surrogate-Control"] == "max-age=600"
    assert not response.cookies


def test_a_visitor_with_a_session_gets_a_private_page(demo, front_cache_seconds, client):
    client.force_login(demo["admin"])
    response = client.get(ARTICLE)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Surrogate-Control" not in response


@pytest.mark.parametrize("path", ["/admin/login/", "/interview/kein-gueltiger-link/", "/healthz/"])
def test_admin_questionnaire_and_health_are_never_stored(db, front_cache_seconds, path):
    response = Client().get(path)
    assert "no-store" in response["Cache-Control"], path
    assert "Surrogate-Control" not in response


def test_the_questionnaire_and_the_company_sign_off_are_never_stored(
    front_cache_seconds, client, django_capture_on_commit_callbacks
):
    from tests.public_pages import invitation_path

    opened = client.get(invitation_path(capture=django_capture_on_commit_callbacks), follow=True)
    assert opened.status_code == 200
    assert "private" in opened["Cache-Control"] and "no-store" in opened["Cache-Control"]
    signoff = client.get("/interview/freigabe/kein-token/")
    assert "no-store" in signoff["Cache-Control"]


def test_a_form_with_a_csrf_token_is_private(demo, front_cache_seconds):
    response = Client().get(f"/kommentare/{demo['article'].pk}/")
    assert "no-store" in response["Cache-Control"]


def test_a_post_is_never_stored(demo, front_cache_seconds):
    response = Client().post("/kommentare/senden/", {})
    assert "no-store" in response["Cache-Control"]


def test_deleting_a_series_purges_its_page_and_feeds(demo, purges, django_capture_on_commit_callbacks):
    series = demo["series"]
    path = series.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        series.delete()
    assert path in purges
