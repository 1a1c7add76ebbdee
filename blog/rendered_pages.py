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

A stamp is renewed at the change and again once it has committed
(fragments.renew_stamp): a rendering made in between is never served after.

Only for readers: signed-in users (the user bar, the editors' view) and
requests with a query string are rendered afresh every time, and nothing is
kept while any page on the site is private. docs/decisions.md, "Fragments"."""

from __future__ import annotations

import zlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from . import fragments

_PENDING = "_casebook_rendered_page"


def _stamps(page_pk: int) -> list[str]:
    return [f"page:{page_pk}", f"comments:{page_pk}"]


def _page_key(request: HttpRequest, page_pk: int) -> str:
    generation = fragments.generation_for(request)
    return f"fragments:rendered:{generation}:{request.get_host()}:{get_language()}:{page_pk}"


def for_readers(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.GET and not request.user.is_authenticated


def stored(request: HttpRequest, page_pk: int) -> HttpResponse | None:
    """The stored rendering of this page, if it is still true; else None,
    and the stamps are remembered for store() after Wagtail rendered it."""
    key = _page_key(request, page_pk)
    names = _stamps(page_pk)
    found = cache.get_many([key, *map(fragments.stamp_key, names)])  # one round trip
    stamps = fragments.stamps_in(found, names)
    content = fragments.current(found.get(key), stamps)
    if content is not None:
        return HttpResponse(zlib.decompress(content))
    setattr(request, _PENDING, (key, stamps))
    return None


def store(request: HttpRequest, response: HttpResponse) -> None:
    """Keep Wagtail's rendering of the page stored() did not have."""
    pending = getattr(request, _PENDING, None)
    if pending is None or response.status_code != 200:
        return
    if callable(getattr(response, "render", None)):
        response.render()
    key, stamps = pending
    # Compressed (fast level): a page of HTML is a fifth of its size in Redis,
    # where every story read in a day is kept; unpacking costs a few microseconds.
    fragments.keep(key, stamps, zlib.compress(response.content, 1))


def page_published(instance=None, **_kwargs) -> None:
    """Wagtail's page_published: the page has a new live revision."""
    if instance is not None:
        fragments.renew_stamp(_stamps(instance.pk)[0])


def comments_changed(page_pk: int) -> None:
    """A comment of this page was approved, hidden or deleted."""
    fragments.renew_stamp(_stamps(page_pk)[1])
