"""The caches a change must reach: the Redis page cache behind the site and
the shared cache in front of it (Varnish, Cloudflare, CloudFront through
wagtail.contrib.frontend_cache).

`pages_changed` is the one call for every change a reader would see
(publish, unpublish, move, an approved comment, a renamed company, author or
series, a live page's image): it empties the page cache and purges, in front,
the URLs `affected_urls` computes: the page in both languages, the index
pages above it up to the home page, the feeds and the sitemap. The purge runs
after the commit, so a reader who comes in between cannot bring the old copy
back into the front cache.

The front cache also needs to know what it may keep: `CacheHeadersMiddleware`
marks public pages for a shared cache (s-maxage, Surrogate-Control) and
everything that belongs to one visitor as private and not to be stored."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import override
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Page, ReferenceIndex, Site

from .page_cache import invalidate_all

logger = logging.getLogger("casebook.front_cache")

# Pages for one visitor, or answers that must always be fresh: never stored.
PRIVATE_PREFIXES = ("/admin/", "/django-admin/", "/interview/", "/healthz/", "/i18n/")
# Files keep the headers their server gives them (WhiteNoise: a year for hashed
# static files); the API and documents are left to their own views.
OWN_HEADERS_PREFIXES = ("/static/", "/media/", "/documents/", "/api/")
# Site-wide listings that show every story.
FEED_URL_NAMES = ("blog:feeds", "blog:feed_rss", "blog:feed_atom")


def _site_root_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else settings.SITE_BASE_URL


def _both_languages(path: str) -> list[str]:
    """German has no prefix, English lives under /en/ (config/urls.py)."""
    return [path, f"/en{path}"] if not path.startswith("/en/") else [path.removeprefix("/en"), path]


def _page_paths(page: Page) -> list[str]:
    """The page's own path and those of the live pages above it (its index
    pages and the home page); a page without a route adds nothing."""
    paths = []
    for each in [*page.get_ancestors().live().filter(depth__gt=1), page]:
        url = each.get_url()
        if url:
            paths.append(urlsplit(url).path)
    return paths


def _object_paths(obj) -> list[str]:
    """An author, series or company: its own page and its feeds, if it has them."""
    paths = []
    if hasattr(obj, "get_absolute_url"):
        with override(settings.LANGUAGE_CODE):
            paths.append(obj.get_absolute_url())
    kind = {"author": "autoren", "series": "serien"}.get(obj._meta.model_name)
    if kind and getattr(obj, "slug", ""):
        for name in ("blog:feed_rss", "blog:feed_atom"):
            with override(settings.LANGUAGE_CODE):
                paths.append(reverse(name, kwargs={"kind": kind, "slug": obj.slug}))
    return paths


def pages_referring_to(obj) -> list[Page]:
    """Live pages that show `obj` (through a foreign key, a chooser or a
    StreamField block), as Wagtail's reference index records them."""
    references = ReferenceIndex.get_references_to(obj)
    page_ids = {
        int(ref.object_id)
        for ref in references
        if issubclass(ref.base_content_type.model_class() or object, Page)
    }
    return list(Page.objects.live().filter(pk__in=page_ids))


def affected_urls(
    pages: Iterable[Page] = (), objects: Iterable = (), extra_paths: Iterable[str] = ()
) -> list[str]:
    """Every public URL whose content a change to `pages` (or to `objects`
    shown on pages) can alter, as full URLs for the front cache."""
    paths: list[str] = ["/", "/sitemap.xml"]
    with override(settings.LANGUAGE_CODE):
        paths += [reverse(name) for name in FEED_URL_NAMES]
    for page in pages:
        paths += _page_paths(page)
        section = page.get_parent()
        if section is not None and section.depth > 2:
            for name in ("blog:section_feed_rss", "blog:section_feed_atom"):
                with override(settings.LANGUAGE_CODE):
                    paths.append(reverse(name, kwargs={"section": section.slug}))
    for obj in objects:
        paths += _object_paths(obj)
        for page in pages_referring_to(obj):
            paths += _page_paths(page)
    paths += extra_paths
    root = _site_root_url().rstrip("/")
    urls: list[str] = []
    for path in paths:
        for variant in _both_languages(path):
            url = root + variant
            if url not in urls:
                urls.append(url)
    return urls


def pages_changed(
    pages: Iterable[Page] = (), objects: Iterable = (), extra_paths: Iterable[str] = ()
) -> None:
    """Empty the page cache now, and purge the affected URLs in front once
    the change is committed. Safe without a front cache (nothing to purge)."""
    invalidate_all()
    if not settings.WAGTAILFRONTENDCACHE:
        return
    # Computed now, while a deleted author or company still has its key and
    # references; sent once the change is committed.
    urls = affected_urls(pages, objects, extra_paths)

    def purge() -> None:
        try:
            purge_urls_from_cache(urls)
        except Exception:
            # The front copies still expire after FRONT_CACHE_SECONDS.
            logger.exception("Purging the front cache failed")

    transaction.on_commit(purge)


# --- signal receivers (connected in blog/apps.py) -------------------------------


def on_page_change(sender, instance, **kwargs) -> None:
    """page_published, page_unpublished."""
    pages_changed([instance])


def on_page_move(sender, instance, url_path_before: str = "", **kwargs) -> None:
    """post_page_move: the old address must go from the front cache too."""
    old_paths = []
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and url_path_before.startswith(site.root_page.url_path):
        old_paths.append("/" + url_path_before.removeprefix(site.root_page.url_path))
    pages_changed([instance], extra_paths=old_paths)


def on_shown_object_change(sender, instance, **kwargs) -> None:
    """An author, series or company: its name shows on every page that names it."""
    pages_changed(objects=[instance])


def on_image_change(sender, instance, created: bool = False, **kwargs) -> None:
    """A new focal point or file changes a live page's renditions; a new image shows nowhere yet."""
    if created:
        return
    pages = pages_referring_to(instance)
    if pages:
        pages_changed(pages)


# --- what a shared cache may keep -------------------------------------------------


def _private(request: HttpRequest, response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or request.path.startswith(PRIVATE_PREFIXES)
        or bool(response.cookies)
        or "private" in control
        or "no-store" in control
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    )


class CacheHeadersMiddleware:
    """Outermost, so it sees the response as it leaves: public pages get
    `s-maxage` and `Surrogate-Control` for the shared cache (and max-age=0,
    so browsers ask again and see a purge at once); a page for one visitor
    (a session, the questionnaire, the sign-off, the admin, a form with a
    CSRF token) gets `private, no-store`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _private(request, response):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Surrogate-Control", None)
            return response
        seconds = settings.FRONT_CACHE_SECONDS
        if request.path.startswith(OWN_HEADERS_PREFIXES):
            return response
        if seconds > 0 and response.status_code in (200, 301, 404) and "Cache-Control" not in response:
            patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
            response["Surrogate-Control"] = f"max-age={seconds}"
        return response
