"""Listing and page cost a constant number of queries, however many case
studies, authors and images there are."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casestudies.pages.blocks import timeline_event
from casestudies.pages.models import case_study_listing
from tests.factories import AuthorFactory, make_image
from tests.plans import sorts_all_rows

from .factories import CompanyFactory, make_case_study

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    client.get(url)  # renditions are created on the first view
    # Measure with a cold rendition cache: the worst case, after a restart.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_case_studies(index, number: int) -> None:
    for _ in range(number):
        make_case_study(
            index,
            company=CompanyFactory(),
            authors=[AuthorFactory(photo=make_image()), AuthorFactory()],
            feed_image=make_image(),
            hero_image=make_image(),
        )


def test_index_queries_do_not_grow_with_case_studies(client, index):
    add_case_studies(index, 2)
    few = count_queries(client, "/fallstudien/")
    add_case_studies(index, 38)
    many = count_queries(client, "/fallstudien/")
    assert "card card--" in client.get("/fallstudien/").content.decode()
    assert few == many


def test_filtered_index_queries_do_not_grow(client, index):
    add_case_studies(index, 2)
    few = count_queries(client, "/fallstudien/?outcome=failure&year=2010")
    add_case_studies(index, 20)
    assert count_queries(client, "/fallstudien/?outcome=failure&year=2010") == few


def test_the_index_scans_the_years_once(client, index):
    # The year choices read every case study; the outcome counts' second
    # filter used to read them all again.
    add_case_studies(index, 2)
    client.get("/fallstudien/?outcome=failure")
    cache.clear()  # not from the page cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/fallstudien/?outcome=failure").status_code == 200
    years = [q["sql"] for q in queries if "date_trunc" in q["sql"].lower()]
    assert len(years) == 1, years


@pytest.mark.postgres
def test_the_index_reads_the_newest_case_studies_without_sorting_them_all(postgres, index):
    add_case_studies(index, 3)
    # What the paginator asks for the first page: newest first, twelve.
    first_page = case_study_listing(index.case_studies())[:12]
    assert not sorts_all_rows(first_page)


def with_alt(image) -> dict:
    # Alt text and credit: what the pre-publication checklist asks of every image.
    return {"image": image.pk, "alt_text": "Bild", "decorative": False}


def case_study_with(index, *, authors: int, images: int):
    body = [
        {"type": "image", "value": {"image": with_alt(make_image()), "caption": "Bild", "credit": "Foto"}}
        for _ in range(images)
    ]
    body.append(
        {
            "type": "interview",
            "value": {
                "interviewee": "",
                "pairs": [
                    {
                        "question": f"Frage {n}",
                        "answer": f"Antwort {n}",
                        "photo": with_alt(make_image()),
                        "photo_credit": "Foto",
                    }
                    for n in range(images)
                ],
            },
        }
    )
    body.append(
        {
            "type": "timeline",
            "value": {
                "heading": "",
                "events": [
                    timeline_event(what=str(n), date=datetime.date(2010, 1, n + 1)) for n in range(images)
                ],
            },
        }
    )
    return make_case_study(
        index,
        authors=[AuthorFactory(photo=make_image()) for _ in range(authors)],
        hero_image=make_image(),
        body=body,
        tags=("a", "b"),
    )


def test_case_study_page_queries_do_not_grow_with_authors_and_images(client, index):
    small = case_study_with(index, authors=1, images=1)
    large = case_study_with(index, authors=5, images=5)
    few = count_queries(client, small.url)
    many = count_queries(client, large.url)
    html = client.get(large.url).content.decode()
    assert html.count('class="author-box"') == 5
    assert html.count('class="interview__question"') == 5
    assert few == many


def test_company_page_queries_do_not_grow(client, index):
    company = CompanyFactory(slug="konstant")
    make_case_study(index, company=company, feed_image=make_image(), authors=[AuthorFactory()])
    few = count_queries(client, "/unternehmen/konstant/")
    for _ in range(15):
        make_case_study(
            index, company=company, feed_image=make_image(), authors=[AuthorFactory(), AuthorFactory()]
        )
    assert count_queries(client, "/unternehmen/konstant/") == few


def test_home_page_queries_do_not_grow_with_case_studies(client, demo, index):
    # The home page lists the newest stories of every kind: case-study cards
    # (company, outcome, hero image) must not cost a query each. Each page
    # type costs its own queries, so both kinds are on the page both times.
    from tests.factories import make_article

    add_case_studies(index, 2)
    few = count_queries(client, "/")
    add_case_studies(index, 20)
    make_article(demo["article_index"], title="Neuester Artikel", authors=[AuthorFactory()])
    html = client.get("/").content.decode()
    assert html.count("card card--failure") == 8 and "Neuester Artikel" in html  # the nine newest
    assert count_queries(client, "/") == few


def page_cache_miss_queries(client, url: str) -> int:
    """Queries of a case study rendered again after a publish elsewhere (the
    page cache's generation bumped): what a reader meets most often uncached."""
    from blog.page_cache import invalidate_all

    client.get(url)
    invalidate_all()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("more", [0, 30])
def test_an_uncached_case_study_costs_at_most_ten_queries(client, index, more):
    # Two data sizes: a small page alone, and a larger one among many others.
    # After a publish elsewhere the page cache is stale but the article's
    # fragment, the route and the navigation are not (blog/fragments.py).
    # With every cache empty (after a restart) the count is higher once, and
    # the same at any size (test_case_study_page_queries_do_not_grow_...).
    add_case_studies(index, more)
    page = case_study_with(index, authors=1 + more // 6, images=1 + more // 6)
    queries = page_cache_miss_queries(client, page.url)
    html = client.get(page.url).content.decode()
    assert html.count('class="author-box"') == 1 + more // 6
    assert queries <= 10, queries
