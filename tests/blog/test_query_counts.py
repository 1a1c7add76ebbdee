"""The public pages cost the same number of SQL queries however much there
is: 3 or 300 articles, 1 or 5 authors on an article. Each page is rendered
once to create its image renditions, then measured with an empty cache, so a
rendition or site lookup per item would show up as extra queries."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.signal_handlers import disable_reference_index_auto_update

from blog.models import Authorship
from blog.models.pages import with_listing_data
from tests import services
from tests.factories import AuthorFactory, make_article, make_image
from tests.plans import sorts_all_rows

pytestmark = pytest.mark.django_db

SMALL_ARTICLES = 3
LARGE_ARTICLES = 300


def count_queries(client, url: str) -> int:
    assert client.get(url).status_code == 200, url  # creates the renditions
    services.clear_cache(cache)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_articles(index, how_many: int, *, authors, series, images) -> None:
    # The reference index (admin usage counts) is not what these pages read;
    # skipping it makes 300 pages take half the time.
    with disable_reference_index_auto_update():
        _add_articles(index, how_many, authors=authors, series=series, images=images)


def _add_articles(index, how_many: int, *, authors, series, images) -> None:
    for number in range(how_many):
        make_article(
            index,
            # Two authors each, so a query per author or per card would add up.
            authors=[authors[number % len(authors)], authors[(number + 1) % len(authors)]],
            series=series,
            tags=["Werbung", f"Thema {number % 4}"],
            feed_image=images[number % len(images)],
            body_text="Kundendienst im Social Web.",
        )


def add_coauthors(article, authors) -> None:
    start = article.authorships.count()
    Authorship.objects.bulk_create(
        Authorship(page=article, author=author, sort_order=start + offset)
        for offset, author in enumerate(authors)
    )


@pytest.fixture
def world(demo):
    """The demo (one article) plus two more: 3 articles, the story article by
    one author with a photo."""
    images = [make_image(f"Bild {n}") for n in range(3)]
    authors = [AuthorFactory(photo=make_image(f"Porträt {n}")) for n in range(4)]
    add_articles(
        demo["article_index"], SMALL_ARTICLES - 1, authors=authors, series=demo["series"], images=images
    )
    return {**demo, "images": images, "authors": authors}


def test_public_pages_cost_the_same_queries_with_3_or_300_articles_and_1_or_5_authors(client, world):
    article = world["article"]
    urls = {
        "article": article.url,
        "article index": world["article_index"].url,
        "article index by tag": world["article_index"].url + "?tag=werbung",
        "home": "/",
        "home (English)": "/en/",
        "author": world["authors"][0].get_absolute_url(),
        "author index": "/autoren/",
        "series": world["series"].get_absolute_url(),
        "search": "/suche/?q=Kundendienst",
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
        "author feed": f"/feeds/autoren/{world['authors'][0].slug}/rss/",
    }
    assert len(article.authors) == 1
    small = {name: count_queries(client, url) for name, url in urls.items()}

    started = time.monotonic()
    add_articles(
        world["article_index"],
        LARGE_ARTICLES - SMALL_ARTICLES,
        authors=world["authors"],
        series=world["series"],
        images=world["images"],
    )
    add_coauthors(article, world["authors"])
    built_in = time.monotonic() - started

    response = client.get(article.url)
    for author in world["authors"]:
        assert author.name in response.content.decode()
    assert response.content.decode().count('class="author-box"') == 5
    large = {name: count_queries(client, url) for name, url in urls.items()}

    assert large == small, f"query counts grew with the data (built in {built_in:.1f}s)"


@pytest.mark.postgres
def test_the_article_index_reads_the_newest_articles_without_sorting_them_all(postgres, world):
    first_page = with_listing_data(world["article_index"].articles())[:12]
    assert not sorts_all_rows(first_page)
