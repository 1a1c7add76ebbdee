"""Counting page views: once per visitor and page within half an hour, never
for bots, previews or logged-in editors.

With Redis the count costs one round trip (a Lua script that checks the
visitor mark and increments the day's counter together); a periodic task
folds the counters into PageViewDay. Without Redis the database is updated
directly. The visitor mark is a keyed hash of address, browser and page that
lives for half an hour in the cache and is never stored anywhere else."""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum
from django.db.utils import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from pybreaker import CircuitBreakerError
from wagtail.models import Page

from . import redis_breaker
from .client_address import client_ip
from .models import PageViewDay
from .models.pages import story_page_models
from .page_marks import PAGE_HEADER
from .parallel_writes import ParallelWrites

logger = logging.getLogger("casebook.pageviews")

VISIT_SECONDS = 30 * 60
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|"
    r"curl|wget|python-requests|httpx|go-http-client|headlesschrome|lighthouse",
    re.IGNORECASE,
)

# KEYS[1] visitor mark, KEYS[2] the day's hash; ARGV[1] mark TTL, ARGV[2] page id.
_COUNT_SCRIPT = """
if redis.call('set', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then
  return redis.call('hincrby', KEYS[2], ARGV[2], 1)
end
return 0
"""


def countable_page_id(request: HttpRequest, response: HttpResponse) -> int | None:
    if request.method != "GET" or response.status_code != 200:
        return None
    raw = response.get(PAGE_HEADER, "")
    if not raw.isdigit():
        return None
    if getattr(request, "is_preview", False):
        return None
    if BOT_PATTERN.search(request.headers.get("User-Agent", "")) or not request.headers.get("User-Agent"):
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    return int(raw)


def visitor_mark(request: HttpRequest, page_id: int) -> str:
    source = "|".join([client_ip(request), request.headers.get("User-Agent", ""), str(page_id)])
    return hmac.new(settings.SECRET_KEY.encode(), source.encode(), hashlib.sha256).hexdigest()[:32]


def _key(*parts: str) -> str:
    return ":".join([settings.CACHES["default"].get("KEY_PREFIX", "") or "casebook", "views", *parts])


def _redis():
    if not settings.PAGEVIEW_REDIS_URL:
        return None
    import redis

    return redis.Redis.from_url(
        settings.PAGEVIEW_REDIS_URL,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )


_client = None
_script = None


def _counter_script():
    global _client, _script
    if _client is None:
        _client = _redis()
        _script = _client.register_script(_COUNT_SCRIPT) if _client else None
    return _script


def reset_clients() -> None:
    """Forget the Redis client (settings changed, e.g. in tests)."""
    global _client, _script
    _client = _script = None


def record_view(request: HttpRequest, page_id: int) -> bool:
    """Count one view unless this visitor was counted for the page within the
    last half hour. Returns whether it counted. Never raises: a view that
    cannot be counted must not cost the reader the page."""
    mark = visitor_mark(request, page_id)
    today = timezone.localdate().isoformat()
    script = _counter_script()
    try:
        if script is not None and redis_breaker.available():
            try:
                return bool(
                    redis_breaker.call(
                        script, keys=[_key("seen", mark), _key("day", today)], args=[VISIT_SECONDS, page_id]
                    )
                )
            except (CircuitBreakerError, *redis_breaker.OUTAGE):
                logger.warning("Redis away: the view of page %s is written to the database", page_id)
        elif script is not None:
            logger.info("Redis away: the view of page %s is written to the database", page_id)
        # Without Redis (or while it is away) the visitor mark lives in the
        # cache (the in-process stand-in then) and the view goes to the database.
        if not cache.add(_key("seen", mark), 1, VISIT_SECONDS):
            return False
        _add_to_database({(page_id, timezone.localdate()): 1})
        return True
    except Exception:
        logger.warning("page view of page %s not counted", page_id, exc_info=True)
        return False


UPSERT_BATCH = 5_000
# Counters folded per database statement (and per transaction): few round
# trips, and memory for this many counters at a time.
FOLD_BATCH = 200_000
# Batches written at once on PostgreSQL, each on its own connection: the
# server writes a statement with one core (parallel_writes).
FOLD_WRITERS = 2
# Redis hashes read per round trip.
READ_KEYS = 20
_UPSERT_END = "ON CONFLICT (page_id, day) DO UPDATE SET views = {table}.views + EXCLUDED.views"


@dataclass
class Counts:
    """Page-and-day counters as three parallel columns of decimal text, as
    Redis hands them over: on PostgreSQL they travel as three strings, so
    Python converts no value and the server parses them (string_to_array)."""

    pages: list[bytes] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    views: list[bytes] = field(default_factory=list)

    def add_hash(self, day: datetime.date, counters: dict[bytes, bytes]) -> None:
        self.pages.extend(counters.keys())
        self.views.extend(counters.values())
        self.days.extend([day.isoformat()] * len(counters))

    def total(self) -> int:
        return sum(map(int, self.views))

    def __len__(self) -> int:
        return len(self.pages)

    @classmethod
    def of(cls, counts: dict[tuple[int, datetime.date], int]) -> Counts:
        return cls(
            pages=[str(page).encode() for page, _ in counts],
            days=[day.isoformat() for _, day in counts],
            views=[str(views).encode() for views in counts.values()],
        )


def _add_to_database(counts: Counts | dict[tuple[int, datetime.date], int]) -> None:
    """Add the counts in one statement, not one per page and day: an upsert
    (INSERT ... ON CONFLICT DO UPDATE). Counts of pages deleted meanwhile are
    dropped. A page and day must not appear twice in one call."""
    if isinstance(counts, dict):
        counts = Counts.of(counts)
    if not counts:
        return
    table = connection.ops.quote_name(PageViewDay._meta.db_table)
    pages = connection.ops.quote_name(Page._meta.db_table)
    end = _UPSERT_END.format(table=table)
    # Only quoted table names and placeholders go into the texts; the values are parameters.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (page_id, day, views) "  # noqa: S608
                "SELECT u.page_id, u.day, u.views FROM unnest("
                "string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')::date[], "
                "string_to_array(%s, ',')::int[]) AS u(page_id, day, views) "
                f"WHERE EXISTS (SELECT 1 FROM {pages} p WHERE p.id = u.page_id) {end}",
                [b",".join(counts.pages).decode(), ",".join(counts.days), b",".join(counts.views).decode()],
            )
            return
        items = list(zip(map(int, counts.pages), counts.days, map(int, counts.views), strict=True))
        for start in range(0, len(items), UPSERT_BATCH):
            batch = items[start : start + UPSERT_BATCH]
            existing = set(
                Page.objects.filter(pk__in={page for page, _, _ in batch}).values_list("pk", flat=True)
            )
            rows = [row for row in batch if row[0] in existing]
            if rows:
                cursor.execute(
                    f"INSERT INTO {table} (page_id, day, views) "  # noqa: S608
                    f"VALUES {', '.join(['(%s, %s, %s)'] * len(rows))} {end}",
                    [value for row in rows for value in row],
                )


def flush_counters() -> int:
    """Fold Redis counters into the database; returns how many views moved.

    Each day's hash is renamed before it is read (all in one round trip), so
    views counted meanwhile land in a fresh hash. The renamed hashes are read
    READ_KEYS per round trip and written FOLD_BATCH counters per statement,
    each statement its own transaction; a hash is deleted only after the
    transaction holding all of it has committed, and one left behind by a
    failed run is picked up by the next. A run that dies between a commit
    and the delete counts those hashes twice (one batch at most, FOLD_WRITERS
    on PostgreSQL, where that many batches are written at once)."""
    client = _redis()
    if client is None:
        return 0
    fresh = [key for key in client.scan_iter(match=_key("day", "*"), count=1000) if b":flushing:" not in key]
    if fresh:
        pipe = client.pipeline(transaction=False)
        for key in fresh:
            pipe.rename(key, f"{key.decode()}:flushing:{uuid.uuid4().hex}")
        # A hash renamed meanwhile by another flush is that flush's to fold.
        pipe.execute(raise_on_error=False)
    flushing = list(client.scan_iter(match=_key("day", "*", "flushing", "*"), count=1000))
    batch, keys, days = Counts(), [], set()

    def write(batch: Counts, keys: list[bytes], days: set[datetime.date]) -> int:
        try:
            _add_to_database(batch)
        except IntegrityError:
            logger.exception("page view counters of %s kept for the next flush", sorted(days))
            return 0
        client.delete(*keys)
        return batch.total()

    # Inside a caller's transaction every batch is written in it, in order.
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    with ParallelWrites(FOLD_WRITERS if parallel else 1) as writes:
        for start in range(0, len(flushing), READ_KEYS):
            group = flushing[start : start + READ_KEYS]
            pipe = client.pipeline(transaction=False)
            for key in group:
                pipe.hgetall(key)
            for key, counters in zip(group, pipe.execute(), strict=True):
                day = datetime.date.fromisoformat(key.decode().split(":day:", 1)[1].split(":", 1)[0])
                # Two hashes of one day (one left by a failed run) never share a statement.
                if len(batch) + len(counters) > FOLD_BATCH or day in days:
                    if batch:
                        writes.submit(functools.partial(write, batch, keys, days), days)
                    batch, keys, days = Counts(), [], set()
                batch.add_hash(day, counters)
                keys.append(key)
                days.add(day)
        if batch:
            writes.submit(functools.partial(write, batch, keys, days), days)
    return writes.total


def most_read_ids(days: int | None = 30, limit: int = 5) -> list[int]:
    rows = PageViewDay.objects.all()
    if days is not None:
        rows = rows.filter(day__gt=timezone.localdate() - datetime.timedelta(days=days))
    ranking = rows.values("page_id").annotate(total=Sum("views")).order_by("-total", "page_id")
    return [row["page_id"] for row in ranking[: limit * 3]]


def in_order(pages: Iterable, ids: list[int], limit: int) -> list:
    by_id = {page.pk: page for page in pages}
    return [by_id[pk] for pk in ids if pk in by_id][:limit]


MOST_READ_SECONDS = 10 * 60


def _most_read_key(days: int | None, limit: int) -> str:
    return f"most-read:{days or 'all'}:{limit}"


def most_read(days: int | None = 30, limit: int = 5) -> list:
    """The most read live stories, best first. Kept in the cache for ten
    minutes and rebuilt after every flush of the counters."""
    key = _most_read_key(days, limit)
    ids = cache.get(key)
    if ids is None:
        ids = most_read_ids(days, limit)
        cache.set(key, ids, MOST_READ_SECONDS)
    if not ids:
        return []
    pages = Page.objects.live().public().type(*story_page_models()).filter(pk__in=ids).specific()
    return in_order(pages, ids, limit)


def rebuild_most_read() -> None:
    for days in (30, None):
        cache.set(_most_read_key(days, 5), most_read_ids(days, 5), MOST_READ_SECONDS)


def seed_views(page, day: datetime.date, views: int) -> None:
    """Demo content: `views` on `page` counted on `day`, unless that day
    already has a count (a second run, or real readers, keep theirs)."""
    PageViewDay.objects.get_or_create(page_id=page.pk, day=day, defaults={"views": views})
