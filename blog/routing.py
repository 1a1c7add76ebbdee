"""Routing a request to its site and page with one query (see RouteMiddleware)."""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Page, Site
from wagtail.models.pages import RouteResult
from wagtail.views import serve as wagtail_serve

from . import rendered_pages
from .fragments import ANY_RESTRICTION_KEY, TIMEOUT, any_view_restriction, generation_for
from .page_marks import mark_page

logger = logging.getLogger("casebook.routing")


def _site_key(hostname: str, port: int, generation_: int) -> str:
    return f"fragments:site:{generation_}:{hostname}:{port}"


def _route_key(hostname: str, port: int, path: str, generation_: int) -> str:
    return f"fragments:route:{generation_}:{hostname}:{port}:{path}"


def _routes_plainly(model: type[Page]) -> bool:
    """Pages that neither route sub-paths nor serve differently by path."""
    return model.route is Page.route


class RouteMiddleware:
    """Finds the site and the page of a request as Wagtail would, with one
    query instead of two per URL segment plus the site: the site and the
    page's id and type for a URL path come from the cache, only the page
    itself is read. Whatever it cannot answer (no such path, a page type with
    its own routing, a page not live) is left to Wagtail's own routing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After URL resolution: the path as Wagtail's serve view gets it
        # (without the language prefix).
        if view_func is not wagtail_serve or request.method not in ("GET", "HEAD"):
            return None
        try:
            path = view_kwargs["path"] if "path" in view_kwargs else view_args[0]
            return self.route(request, path)
        except Exception:  # the cache down or anything odd: Wagtail routes as usual
            logger.exception("Fast routing failed; Wagtail routes this request")
            for attribute in ("_wagtail_site", "_wagtail_route_for_request"):
                if hasattr(request, attribute):
                    delattr(request, attribute)
        return None

    def route(self, request, path: str) -> HttpResponse | None:
        """Set Wagtail's site and route for this request; or return a
        reader's stored rendering of the page (blog/rendered_pages.py)."""
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        generation_ = generation_for(request)
        site_key = _site_key(hostname, port, generation_)
        route_key = _route_key(hostname, port, path, generation_)
        cached = cache.get_many([site_key, route_key, ANY_RESTRICTION_KEY])  # one round trip
        site = cached.get(site_key)
        if site is None:
            site = Site.find_for_request(request)
            if site is None:
                return None
            site.root_page  # noqa: B018  (read once, stored with the site)
            cache.set(site_key, site, TIMEOUT)
        request._wagtail_site = site
        found = cached.get(route_key)
        if found is None:
            components = [part for part in path.split("/") if part]
            url_path = site.root_page.url_path + "".join(f"{part}/" for part in components)
            found = (
                Page.objects.filter(url_path=url_path, path__startswith=site.root_page.path)
                .values_list("pk", "content_type_id")
                .first()
            )
            if found is None:
                return None
            cache.set(route_key, found, TIMEOUT)
        pk, content_type_id = found
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not issubclass(model, Page) or not _routes_plainly(model):
            return None
        # Private pages are checked by Wagtail on the page itself: none may exist.
        if (
            getattr(model, "stored_for_readers", False)
            and rendered_pages.for_readers(request)
            and not any_view_restriction(cached.get(ANY_RESTRICTION_KEY))
        ):
            response = rendered_pages.stored(request, pk)
            if response is not None:
                mark_page(response, pk)
                return response
        page = model.objects.filter(pk=pk).first()
        if page is None or not page.live:
            return None
        request._wagtail_route_for_request = RouteResult(page)
        return None
