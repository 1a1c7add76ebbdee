"""Whole-page cache for readers.

A reader without a session cookie gets a stored copy of a public page
without touching the database. Every key carries a site-wide generation
number; publishing, unpublishing or moving a page (or any other change that
shows on many pages at once, such as an author's name or an approved comment)
bumps it, so all copies go stale at once. Copies also expire after
PAGE_CACHE_SECONDS, which keeps "most read" fresh."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from . import redis_breaker

logger = logging.getLogger("casebook.page_cache")

GENERATION_KEY = "page-cache:generation"
EXCLUDED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/interview/",
    "/api/",
    "/healthz/",
    "/i18n/",
    "/documents/",
    "/images/",
    "/static/",
    "/media/",
)
CACHE_HIT_HEADER = "X-Casebook-Cache"


_missed_invalidation = False


def invalidate_all(**_kwargs) -> None:
    """Make every cached page stale, now and again once the change commits: a
    reader rendering in between sees the old data and caches it under the
    first new generation. Safe to connect to any signal."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    global _missed_invalidation
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)
    if not redis_breaker.available():
        # Redis did not hear it: bump the generation once it is back, or its
        # copies would outlive the change.
        _missed_invalidation = True


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def _key(request: HttpRequest, generation: int) -> str:
    url = f"{request.get_host()}{request.get_full_path()}"
    return f"page-cache:{generation}:{hashlib.sha256(url.encode()).hexdigest()}"


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(EXCLUDED_PREFIXES)
    )


def _cacheable_response(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and not any(word in control for word in ("private", "no-store", "no-cache"))
    )


class PageCacheMiddleware:
    """Placed before the session middleware: a hit returns before anything
    could query the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _missed_invalidation
        if _missed_invalidation and redis_breaker.available():
            _missed_invalidation = False
            _new_generation()
        if not _cacheable_request(request):
            return self.get_response(request)
        generation = _generation()
        if not redis_breaker.available():
            # Redis is away (the breaker is open): no page cache at all, rather
            # than copies in one process that another one's change cannot reach.
            return self.get_response(request)
        key = _key(request, generation)
        cached = cache.get(key)
        if cached is not None:
            cached[CACHE_HIT_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        # A page that rendered a CSRF token belongs to one visitor.
        if _cacheable_response(response) and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            response[CACHE_HIT_HEADER] = "miss"
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response
