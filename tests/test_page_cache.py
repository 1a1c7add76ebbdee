"""Readers get cached pages; publishing, unpublishing and moving empty the cache."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog import page_cache, pageviews
from blog.page_cache import CACHE_HIT_HEADER

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
ARTICLE = "/artikel/kundenzufriedenheit-als-werbefigur/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def reader():
    return Client(HTTP_USER_AGENT="Googlebot/2.1")  # a bot: no view is counted


@pytest.mark.parametrize(
    "path",
    [
        "/",
        ARTICLE,
        "/fallstudien/",
        "/fallstudien/?outcome=failure",
        "/fallstudien/1und1-einladung-ohne-antwort/",
        "/unternehmen/1und1/",
        "/autoren/jan-berger/",
        "/suche/?q=Werbefigur",
        "/en/",
    ],
)
def test_a_cached_page_makes_no_sql_query(demo, reader, path):
    from casestudies import demo as casestudies_demo

    casestudies_demo.load()
    first = reader.get(path)
    assert first.status_code == 200
    assert first[CACHE_HIT_HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = reader.get(path)
    assert second[CACHE_HIT_HEADER] == "hit"
    assert second.content == first.content
    assert len(queries) == 0, [q["sql"] for q in queries]


@pytest.mark.redis
def test_a_counted_view_of_a_cached_page_makes_no_sql_query_with_redis(demo, redis_pageviews):
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.1").get(ARTICLE)
    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.2").get(ARTICLE)
    assert response[CACHE_HIT_HEADER] == "hit"
    assert len(queries) == 0
    assert pageviews.flush_counters() == 2
    assert pageviews.most_read_ids() == [demo["article"].pk]


def test_publishing_empties_the_cache(demo, reader):
    reader.get("/")
    article = demo["article"]
    article.title = "Neuer Titel nach Veröffentlichung"
    article.save_revision().publish()

    response = reader.get("/")
    assert response[CACHE_HIT_HEADER] == "miss"
    assert "Neuer Titel nach Veröffentlichung" in response.content.decode()


def test_a_page_cached_while_a_change_commits_is_not_served_after_it(
    demo, reader, django_capture_on_commit_callbacks
):
    """A reader who renders between a change's signal and its commit sees the
    old data and caches it under the new generation; the commit moves on."""
    with django_capture_on_commit_callbacks(execute=False) as commit:
        page_cache.invalidate_all()  # a change's signal, inside its transaction
    assert reader.get(ARTICLE)[CACHE_HIT_HEADER] == "miss"  # rendered before the commit, cached
    assert reader.get(ARTICLE)[CACHE_HIT_HEADER] == "hit"
    for callback in commit:
        callback()
    assert reader.get(ARTICLE)[CACHE_HIT_HEADER] == "miss"


def test_unpublishing_empties_the_cache(demo, reader):
    assert reader.get(ARTICLE).status_code == 200
    demo["article"].unpublish()
    assert reader.get(ARTICLE).status_code == 404


def test_moving_a_page_empties_the_cache(demo, reader):
    from blog.models import ArticleIndexPage

    second_index = demo["home"].add_child(instance=ArticleIndexPage(title="Archiv", slug="archiv"))
    second_index.save_revision().publish()
    assert reader.get(ARTICLE).status_code == 200
    demo["article"].move(second_index, pos="last-child")
    # Not the stale copy: Wagtail's automatic redirect to the new place.
    moved = reader.get(ARTICLE)
    assert moved.status_code == 301
    assert moved["Location"].endswith("/archiv/kundenzufriedenheit-als-werbefigur/")
    assert reader.get("/archiv/kundenzufriedenheit-als-werbefigur/").status_code == 200


def test_logged_in_editors_never_get_a_cached_page(demo, reader):
    reader.get(ARTICLE)
    editor = Client()
    editor.force_login(demo["admin"])
    response = editor.get(ARTICLE)
    assert CACHE_HIT_HEADER not in response


def test_renaming_an_author_empties_the_cache(demo, reader):
    reader.get(ARTICLE)
    author = demo["authors"]["jan-berger"]
    author.name = "Jan B. Berger"
    author.save()
    assert "Jan B. Berger" in reader.get(ARTICLE).content.decode()


@pytest.mark.parametrize("path", ["/admin/login/", "/api/v2/pages/"])
def test_admin_and_api_are_never_cached(demo, reader, path):
    reader.get(path)
    assert CACHE_HIT_HEADER not in reader.get(path)


def test_the_language_links_lead_to_the_same_page(demo, reader):
    html = reader.get(ARTICLE).content.decode()
    assert 'href="/en/artikel/kundenzufriedenheit-als-werbefigur/"' in html
    english = reader.get("/en/artikel/kundenzufriedenheit-als-werbefigur/")
    assert english.status_code == 200
    assert 'href="/artikel/kundenzufriedenheit-als-werbefigur/"' in english.content.decode()


def test_renaming_a_company_empties_the_cache(demo, reader):
    from casestudies import demo as casestudies_demo

    company = casestudies_demo.load()["companies"]["1und1"]
    for path in ("/fallstudien/", "/unternehmen/1und1/"):
        assert reader.get(path)[CACHE_HIT_HEADER] == "miss"
    company.name = "1&1 Telecom GmbH"
    company.save()
    for path in ("/fallstudien/", "/unternehmen/1und1/"):
        assert "1&amp;1 Telecom GmbH" in reader.get(path).content.decode()
