"""A story as a reader gets it, rendered once and served without touching
the database until it changes.

The page cache (blog/page_cache.py) keeps whole responses only until
anything is published anywhere. A story's own HTML changes far less often:
when the story itself is published again, when an editor decides on one of
its comments, and with what the fragment generation covers (names, images,
links, moves; blog/fragments.py). So its rendering is kept under the
fragment generation, host, language and page, stored with two stamps read
before it was rendered: the page's publication stamp and its comment stamp.
It is served (by blog/routing.py, before Wagtail loads the page) only while
both stamps are unchanged.

A stamp becomes a new random number at the change and again once it has
committed: a reader who rendered in between (what the database showed
before the commit) stored that rendering under a stamp that no longer matches.

Only for readers: signed-in users (the user bar, the editors' view) and
requests with a query string are rendered afresh every time, and nothing is
kept while any page on the site is private. docs/decisions.md, "Fragments"."""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from . import fragments

_PENDING = "_casebook_rendered_page"


def _stamp_key(kind: str, page_pk: int) -> str:
    return f"fragments:stamp:{kind}:{page_pk}"


def _page_key(request: HttpRequest, page_pk: int) -> str:
    generation = fragments.generation_for(request)
    return f"fragments:page:{generation}:{request.get_host()}:{get_language()}:{page_pk}"


def for_readers(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.GET and not request.user.is_authenticated


def stored(request: HttpRequest, page_pk: int) -> HttpResponse | None:
    """The stored rendering of this page, if it is still true; else None,
    and the stamps are remembered for store() after Wagtail rendered it."""
    key = _page_key(request, page_pk)
    stamp_keys = [_stamp_key("page", page_pk), _stamp_key("comments", page_pk)]
    found = cache.get_many([key, *stamp_keys])  # one round trip
    stamps = []
    for stamp_key in stamp_keys:
        stamp = found.get(stamp_key)
        if stamp is None:
            # Never set, or let go by the cache: a new one, which no stored
            # rendering can carry.
            cache.add(stamp_key, secrets.randbits(63), None)
            stamp = cache.get(stamp_key)
        stamps.append(stamp)
    kept = found.get(key)
    if kept is not None and list(kept[:2]) == stamps:
        return HttpResponse(kept[2])
    if None not in stamps:
        setattr(request, _PENDING, (key, *stamps))
    return None


def store(request: HttpRequest, response: HttpResponse) -> None:
    """Keep Wagtail's rendering of the page stored() did not have."""
    pending = getattr(request, _PENDING, None)
    if pending is None or response.status_code != 200:
        return
    if callable(getattr(response, "render", None)):
        response.render()
    key, page_stamp, comments_stamp = pending
    cache.set(key, (page_stamp, comments_stamp, response.content), fragments.TIMEOUT)


def _renew(kind: str, page_pk: int) -> None:
    key = _stamp_key(kind, page_pk)
    # Now, and again once committed: a rendering made in between (of the
    # data before the commit) is stored under the middle stamp.
    cache.set(key, secrets.randbits(63), None)
    transaction.on_commit(lambda: cache.set(key, secrets.randbits(63), None))


def page_published(instance=None, **_kwargs) -> None:
    """Wagtail's page_published: the page has a new live revision."""
    if instance is not None:
        _renew("page", instance.pk)


def comments_changed(page_pk: int) -> None:
    """A comment of this page was approved, hidden or deleted."""
    _renew("comments", page_pk)
