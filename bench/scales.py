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


def listings(
    big: list[tuple[str, str]], small: list[tuple[str, str]], admin_user, *, samples: int, rounds: int, log
):
    """p50 of each listing at both sizes; rounds alternate the databases.
    `big` and `small`: (name, url) in the same order (URLs may differ: ids)."""
    from blog.page_cache import invalidate_all

    results = {
        size: [
            Measurement(name=name, method="GET", url=url, cache="miss / never cached") for name, url in pairs
        ]
        for size, pairs in (("big", big), ("small", small))
    }

    def measure(size: str) -> None:
        client = reader()
        client.force_login(admin_user() if callable(admin_user) else admin_user)
        anonymous = reader()
        for result in results[size]:
            user = client if result.url.startswith("/admin/") else anonymous
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

    for number in range(rounds):
        log(f"listings: round {number + 1} of {rounds}, 10,000 / 1,000")
        measure("big")
        log(f"listings: round {number + 1} of {rounds}, 100 / 10")
        with using(small_name()):
            measure("small")
        time.sleep(0)
    return results
