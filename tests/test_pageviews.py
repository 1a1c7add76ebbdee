"""Page views: counted once per visit, never for bots, previews or editors;
folded from Redis into the database; ranked as "most read"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from blog import pageviews
from blog.models import PageViewDay

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Firefox/140.0"
ARTICLE = "/artikel/kundenzufriedenheit-als-werbefigur/"


def total_views(page) -> int:
    """Today's views (the demo seeds the article's views of 2009 as well)."""
    pageviews.flush_counters()
    return sum(
        PageViewDay.objects.filter(page=page, day=timezone.localdate()).values_list("views", flat=True)
    )


@pytest.fixture(params=["database_pageviews", "redis_pageviews"])
def counter(request):
    """Every test runs against the database counter and the Redis counter."""
    request.getfixturevalue(request.param)
    return request.param


@pytest.fixture
def redis_counter(redis_pageviews):
    return "redis"


def test_a_visit_counts_once(demo, counter):
    reader = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert reader.get(ARTICLE).status_code == 200
    assert total_views(demo["article"]) == 1


def test_two_readers_count_twice(demo, counter):
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7").get(ARTICLE)
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.9").get(ARTICLE)
    assert total_views(demo["article"]) == 2


def test_two_readers_behind_our_proxy_count_twice(demo, counter, settings):
    # Behind the reverse proxy every request comes from the proxy's address;
    # the readers are told apart by the address the proxy vouches for.
    settings.TRUSTED_PROXY_COUNT = 1
    for reader in ("203.0.113.7", "198.51.100.9"):
        Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=reader).get(ARTICLE)
    assert total_views(demo["article"]) == 2


@pytest.mark.parametrize(
    "agent",
    ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "Mozilla/5.0 HeadlessChrome/120", ""],
)
def test_bots_are_not_counted(demo, counter, agent):
    assert Client(HTTP_USER_AGENT=agent).get(ARTICLE).status_code == 200
    assert total_views(demo["article"]) == 0


def test_logged_in_editors_are_not_counted(demo, counter):
    editor = Client(HTTP_USER_AGENT=BROWSER)
    editor.force_login(demo["admin"])
    assert editor.get(ARTICLE).status_code == 200
    assert total_views(demo["article"]) == 0


def test_previews_are_not_counted(demo, counter, rf):
    article = demo["article"]
    request = rf.get(ARTICLE, HTTP_USER_AGENT=BROWSER)
    response = article.make_preview_request(request)
    assert response.status_code == 200
    assert pageviews.PAGE_HEADER not in response
    assert total_views(article) == 0


def test_pages_that_are_not_stories_are_not_counted(demo, counter):
    seeded = PageViewDay.objects.count()  # the demo article's views from 2009
    assert Client(HTTP_USER_AGENT=BROWSER).get("/").status_code == 200
    pageviews.flush_counters()
    assert PageViewDay.objects.count() == seeded


def test_ranking_is_right_after_a_flush(demo, counter):
    from tests.blog_pages import make_article

    index = demo["article_index"]
    quiet = make_article(index, "Wenig gelesen", demo["authors"]["tobias-keller"])
    popular = make_article(index, "Viel gelesen", demo["authors"]["miriam-hoffmann"])
    for n in range(3):
        Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=f"203.0.113.{n}").get(popular.url)
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.50").get(quiet.url)

    pageviews.flush_counters()

    assert pageviews.most_read_ids(days=30)[:2] == [popular.pk, quiet.pk]
    # All time, the demo article's seeded 5,852 views come first.
    assert pageviews.most_read_ids(days=None)[:3] == [demo["article"].pk, popular.pk, quiet.pk]


@pytest.mark.redis
def test_redis_counting_costs_one_round_trip(demo, redis_counter, rf):
    script = pageviews._counter_script()
    request = rf.get(ARTICLE, HTTP_USER_AGENT=BROWSER)
    pageviews.record_view(request, demo["article"].pk)  # loads the script once

    calls: list[tuple] = []
    original = script.registered_client.execute_command

    def counting(*args, **kwargs):
        calls.append(args[:1])
        return original(*args, **kwargs)

    script.registered_client.execute_command = counting
    try:
        request = rf.get(ARTICLE, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.44")
        assert pageviews.record_view(request, demo["article"].pk) is True
    finally:
        script.registered_client.execute_command = original
    assert calls == [("EVALSHA",)]


@pytest.mark.redis
def test_views_counted_during_a_flush_are_not_lost(demo, redis_counter, rf):
    article = demo["article"]
    pageviews.record_view(rf.get(ARTICLE, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.1"), article.pk)
    original = pageviews._add_to_database

    def count_meanwhile(counts):
        # A reader arrives while the flush writes to the database.
        pageviews.record_view(rf.get(ARTICLE, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.2"), article.pk)
        original(counts)

    pageviews._add_to_database = count_meanwhile
    try:
        assert pageviews.flush_counters() == 1
    finally:
        pageviews._add_to_database = original
    assert pageviews.flush_counters() == 1
    assert total_views(article) == 2


def test_most_read_shows_on_the_home_page_and_beside_articles(demo, database_pageviews):
    from django.core.cache import cache

    from tests.services import clear_cache

    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.20").get(ARTICLE)
    clear_cache(cache)  # the page copies rendered before the view was counted
    pageviews.rebuild_most_read()
    for path in ("/", ARTICLE):
        html = Client(HTTP_USER_AGENT=BROWSER).get(path).content.decode()
        box = html.split('class="most-read"', 1)[1].split("</aside>", 1)[0]
        assert "Kundenzufriedenheit als Werbefigur" in box, path


def test_an_unpublished_story_leaves_most_read(demo, database_pageviews):
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.21").get(ARTICLE)
    pageviews.rebuild_most_read()  # what the flush task does every five minutes
    assert [p.pk for p in pageviews.most_read()] == [demo["article"].pk]
    demo["article"].unpublish()
    assert pageviews.most_read() == []


def test_most_read_speaks_the_readers_language(demo, database_pageviews):
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.22").get(ARTICLE)
    pageviews.rebuild_most_read()
    german = Client(HTTP_USER_AGENT=BROWSER).get("/").content.decode()
    english = Client(HTTP_USER_AGENT=BROWSER).get("/en/").content.decode()
    for heading in ("Meistgelesen</h", "Letzte 30 Tage</h", "Insgesamt</h"):
        assert heading in german
    for heading in ("Most read</h", "Last 30 days</h", "All time</h"):
        assert heading in english
        assert heading not in german


@pytest.mark.redis
def test_folding_a_days_counters_costs_the_same_few_statements_for_any_number_of_pages(
    demo, redis_counter, django_assert_max_num_queries
):
    import datetime

    from wagtail.models import Page

    pages = list(Page.objects.values_list("pk", flat=True))
    day = datetime.date(2026, 3, 1)
    PageViewDay.objects.create(page_id=pages[0], day=day, views=5)  # folded once before
    counters = {pk: 2 for pk in pages} | {999_999: 4}  # and a page deleted since it was read
    pageviews._redis().hset(pageviews._key("day", day.isoformat()), mapping=counters)

    # Savepoint, the pages that still exist, one upsert, release: not one per page.
    with django_assert_max_num_queries(4):
        assert pageviews.flush_counters() == 2 * len(pages) + 4

    assert PageViewDay.objects.filter(day=day).count() == len(pages)
    assert PageViewDay.objects.get(page_id=pages[0], day=day).views == 7
    assert PageViewDay.objects.get(page_id=pages[1], day=day).views == 2


@pytest.mark.redis
def test_a_fold_that_fails_half_way_loses_and_doubles_nothing(demo, redis_counter, monkeypatch):
    import datetime

    from django.db.utils import IntegrityError
    from wagtail.models import Page

    pages = list(Page.objects.values_list("pk", flat=True)[:3])
    client = pageviews._redis()
    days = [datetime.date(2026, 3, day) for day in (1, 2, 3)]
    for day in days:
        client.hset(pageviews._key("day", day.isoformat()), mapping={pk: 2 for pk in pages})
    # A hash of the first day left behind by an earlier run that failed.
    client.hset(pageviews._key("day", days[0].isoformat(), "flushing", "old"), mapping={pages[0]: 5})
    monkeypatch.setattr(pageviews, "FOLD_BATCH", len(pages))  # one day per statement
    original, calls = pageviews._add_to_database, []

    def fails_once(counts):
        calls.append(len(counts))
        if len(calls) == 2:
            raise IntegrityError("the database went away half-way")
        original(counts)

    monkeypatch.setattr(pageviews, "_add_to_database", fails_once)
    first = pageviews.flush_counters()
    second = pageviews.flush_counters()

    assert first + second == 3 * 3 * 2 + 5
    views = dict(PageViewDay.objects.filter(page_id=pages[0], day__in=days).values_list("day", "views"))
    assert views == {days[0]: 7, days[1]: 2, days[2]: 2}
    assert not list(client.scan_iter(match=pageviews._key("day", "*")))


def test_a_deleted_page_takes_its_counts_along(demo):
    """The counts have no foreign key in the database (folding is cheaper
    without it): Django deletes them with the page."""
    import datetime

    from wagtail.models import Page

    article = demo["article"]
    PageViewDay.objects.create(page_id=article.pk, day=datetime.date(2026, 3, 1), views=3)

    Page.objects.get(pk=article.pk).delete()

    assert not PageViewDay.objects.filter(page_id=article.pk).exists()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_batches_are_written_at_once_never_two_of_one_day(
    postgres, demo, redis_counter, monkeypatch
):
    """The fold writes FOLD_WRITERS batches side by side, each on its own
    connection; a day's second hash (left by a failed run) waits for its first."""
    import datetime
    import threading
    import time

    from wagtail.models import Page

    pages = list(Page.objects.values_list("pk", flat=True)[:3])
    client = pageviews._redis()
    days = [datetime.date(2026, 3, day) for day in range(1, 7)]
    for day in days:
        client.hset(pageviews._key("day", day.isoformat()), mapping={pk: 2 for pk in pages})
    client.hset(pageviews._key("day", days[0].isoformat(), "flushing", "old"), mapping={pages[0]: 5})
    monkeypatch.setattr(pageviews, "FOLD_BATCH", len(pages))  # one hash per statement
    original, lock = pageviews._add_to_database, threading.Lock()
    running: list[str] = []
    seen = {"most at once": 0, "one day twice at once": False, "on the caller's thread": False}

    def watched(counts):
        with lock:
            seen["one day twice at once"] |= bool(set(counts.days) & set(running))
            seen["on the caller's thread"] |= threading.current_thread() is threading.main_thread()
            running.extend(set(counts.days))
            seen["most at once"] = max(seen["most at once"], len(running))
        time.sleep(0.3)  # long enough for the next batch to start beside it
        original(counts)
        with lock:
            for day in set(counts.days):
                running.remove(day)

    monkeypatch.setattr(pageviews, "_add_to_database", watched)
    assert pageviews.flush_counters() == 6 * 3 * 2 + 5

    assert seen == {"most at once": 2, "one day twice at once": False, "on the caller's thread": False}
    views = dict(PageViewDay.objects.filter(page_id=pages[0], day__in=days).values_list("day", "views"))
    assert views == {days[0]: 7, **{day: 2 for day in days[1:]}}
    assert not list(client.scan_iter(match=pageviews._key("day", "*")))
