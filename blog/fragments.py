"""What a rendered page is made of and changes seldom, cached across the
page cache's generations: the site of a host name, the page at a URL path,
whether any page is private at all, and the rendered article of a story
(blog/routing.py reads the first two).

The page cache's generation goes up on every publish anywhere (a listing or
"most read" may change); these stay valid through that. A cached article is
keyed on its page's live revision and on a second, rarer generation (this
module's) that goes up only on what can change an article without a new
revision of its own: a renamed author, series or company, a replaced image,
a tag, a page moved, renamed, unpublished or deleted (links and URLs), a
site changed. docs/decisions.md, "Fragments", says why."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page, PageViewRestriction

GENERATION_KEY = "fragments:generation"
ANY_RESTRICTION_KEY = "fragments:any-view-restriction"
# A day: a key nobody reads again (an old generation) goes away by itself.
TIMEOUT = 24 * 60 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def generation_for(request: HttpRequest | None) -> int:
    """The generation, read once per request."""
    if request is None:
        return generation()
    if not hasattr(request, "_fragment_generation"):
        request._fragment_generation = generation()
    return request._fragment_generation


def invalidate(**_kwargs) -> None:
    """Make every fragment stale, now and again once the change commits (a
    fragment rendered in between, from the old data, would otherwise be kept
    for a day under the new generation). Safe to connect to any signal."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def invalidate_on_publish(instance=None, previous_revision=None, **_kwargs) -> None:
    """A first publication or a new slug changes URLs other pages link to;
    any other publish changes only its own page (a new live revision)."""
    if previous_revision is None or previous_revision.as_object().slug != getattr(instance, "slug", None):
        invalidate()


def forget_restrictions(**_kwargs) -> None:
    cache.delete(ANY_RESTRICTION_KEY)
    invalidate()  # what public() lists, and whether stored renderings may be served


# Stamps: finer than the generation, for what one change makes untrue (a
# page's rendering, the index's counts). A value is stored beside the stamps
# it was computed under (keep) and used only while they are unchanged (current).


def stamp_key(name: str) -> str:
    return f"fragments:stamp:{name}"


def stamps_in(found: dict, names: list[str]) -> list[int | None]:
    """The stamps of `names` from a cache.get_many of their stamp_key()s.
    One never set (or let go by the cache) is made anew, so that no value
    stored under an earlier stamp can match it; None if the cache is away."""
    stamps = []
    for name in names:
        key = stamp_key(name)
        stamp = found.get(key)
        if stamp is None:
            cache.add(key, secrets.randbits(63), None)
            stamp = cache.get(key)
        stamps.append(stamp)
    return stamps


def current(kept, stamps: list) -> Any:
    """The value keep() stored (`kept`, as the cache returned it) if it was
    stored under exactly these stamps; else None."""
    if kept is None or None in stamps or kept[0] != stamps:
        return None
    return kept[1]


def keep(key: str, stamps: list, value: Any) -> None:
    """Store `value` beside the stamps it was computed under (read before)."""
    if None not in stamps:
        cache.set(key, (stamps, value), TIMEOUT)


def renew_stamp(name: str) -> None:
    """Now, and again once the change has committed: a value computed in
    between (from what the database showed before the commit) was stored
    under the middle stamp, which then no longer matches."""
    key = stamp_key(name)
    cache.set(key, secrets.randbits(63), None)
    transaction.on_commit(lambda: cache.set(key, secrets.randbits(63), None))


def any_view_restriction(cached: bool | None = None) -> bool:
    """Whether any page is private (login, password, groups). Almost never
    on this site, and then no page needs its ancestors' restrictions read.
    `cached`: the stored answer, where the caller read it already (routing)."""
    value = cache.get(ANY_RESTRICTION_KEY) if cached is None else cached
    if value is None:
        value = PageViewRestriction.objects.exists()
        cache.set(ANY_RESTRICTION_KEY, value, TIMEOUT)
    return value


def article_key(page: Page, request: HttpRequest | None) -> str | None:
    """The cache key of a page's rendered article, or None where it must be
    rendered afresh: previews (unsaved edits under the live revision's number)."""
    if request is None or getattr(request, "is_preview", False):
        return None
    return f"{page.pk}:{page.live_revision_id}:{page.last_published_at}:{generation_for(request)}:{get_language()}"


def page_url(request: HttpRequest, slug: str) -> str:
    """Wagtail's slugurl (the URL of the site's page with this slug, or ""),
    cached: the main navigation asks it on every page, and its query reads
    the site's whole page tree."""
    from wagtail.templatetags.wagtailcore_tags import slugurl

    key = f"fragments:slugurl:{generation_for(request)}:{request.get_host()}:{get_language()}:{slug}"
    url = cache.get(key)
    if url is None:
        url = slugurl({"request": request}, slug) or ""
        cache.set(key, url, TIMEOUT)
    return url
