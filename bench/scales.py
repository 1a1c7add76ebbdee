"""The listings at two data sizes in one run: the main benchmark database
(10,000 case studies, 1,000 requests) and a small one beside it (100 case
studies, 10 requests), named after it with `_small`. Requests switch between
them by reconnecting; each has its own cache key prefix, so that no cached
page, route or rendition of one is served for the other."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from . import seed
from .latency import Measurement, _check, counted, reader, timed

SMALL = replace(
    seed.Scale(),
    case_studies=100,
    interview_requests=10,
    contact_events=500,
    companies=100,
)


def small_name() -> str:
    return f"{settings.DATABASES['default']['NAME']}_small"


@contextmanager
def using(name: str):
    """Every query and cache key of this process goes to database `name` meanwhile."""
    config = settings.DATABASES["default"]
    cache = caches["default"]
    old_name, old_prefix = config["NAME"], cache.key_prefix
    old_setting_prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    connection.close()
    ContentType.objects.clear_cache()  # ids differ between the databases
    config["NAME"] = connection.settings_dict["NAME"] = name
    cache.key_prefix = f"{old_prefix}-{name}"
    settings.CACHES["default"]["KEY_PREFIX"] = cache.key_prefix  # page-view counters too
    try:
        yield
    finally:
        connection.close()
        ContentType.objects.clear_cache()
        config["NAME"] = connection.settings_dict["NAME"] = old_name
        cache.key_prefix = old_prefix
        settings.CACHES["default"]["KEY_PREFIX"] = old_setting_prefix


def prepare_small(prepare_database, reseed: bool, log) -> dict:
    name = small_name()
    prepare_database(reseed, log, name=name)
    with using(name):
        log(f"database: migrate {name}")
        call_command("migrate", interactive=False, verbosity=0)
        return seed.seed(SMALL, log=log)


@contextmanager
def rows_per_page(count: int):
    """The admin's request list shows `count` rows a page meanwhile. The bench
    only: to tell the growth of the data from the growth of the page (20 rows
    of 1,000 requests, but all 11 of the small database's)."""
    from casestudies.interviews.admin.views import IndexView

    IndexView.get_paginate_by = lambda self, queryset: count
    try:
        yield
    finally:
        del IndexView.get_paginate_by


def listings(
    big: list[tuple[str, str]], small: list[tuple[str, str]], admin_user, *, samples: int, rounds: int, log
):
    """p50 of each listing at both sizes; rounds alternate the databases.
    `big` and `small`: (name, url) in the same order (URLs may differ: ids).
    results["same_rows"]: (big, small) pairs of the admin's list measured
    again, showing at both sizes as many rows a page as the small database
    has requests."""
    from casestudies.interviews.models import InterviewRequest

    with using(small_name()):
        small_rows = InterviewRequest.objects.count()
    results = {
        size: [
            Measurement(name=name, method="GET", url=url, cache="miss / never cached") for name, url in pairs
        ]
        for size, pairs in (("big", big), ("small", small))
    }
    same_rows = {
        size: [
            replace(
                m, name=f"{m.name}, {small_rows} rows a page at both sizes", samples=[], cpu=[], queries=[]
            )
            for m in results[size]
            if m.url.startswith("/admin/")
        ]
        for size in ("big", "small")
    }

    def measure(size: str) -> None:
        editor = reader()
        editor.force_login(admin_user() if callable(admin_user) else admin_user)
        anonymous = reader()
        for result in results[size]:
            sample(result, editor if result.url.startswith("/admin/") else anonymous, samples)
        with rows_per_page(small_rows):
            for result in same_rows[size]:
                sample(result, editor, samples)

    for number in range(rounds):
        log(f"listings: round {number + 1} of {rounds}, 10,000 / 1,000")
        measure("big")
        log(f"listings: round {number + 1} of {rounds}, 100 / 10")
        with using(small_name()):
            measure("small")
        time.sleep(0)
    results["same_rows"] = list(zip(same_rows["big"], same_rows["small"], strict=True))
    return results


def sample(result: Measurement, user, samples: int) -> None:
    """Three warm-up views, then `samples` timed ones and one counted, each a cache miss."""
    from blog.page_cache import invalidate_all

    for _ in range(3):
        invalidate_all()
        _check(user.get(result.url), result.name)
    for _ in range(samples):
        invalidate_all()
        elapsed, cpu, response = timed(lambda url=result.url, user=user: user.get(url))
        _check(response, result.name)
        result.samples.append(elapsed)
        result.cpu.append(cpu)
    invalidate_all()
    queries, _ = counted(lambda url=result.url, user=user: user.get(url))
    result.queries.append(queries)
