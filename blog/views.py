"""Public views of the blog that are not pages: authors, series, search."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.cache import cache_control
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.images import get_image_model

from .models import Author, Series
from .models.pages import PAGE_SIZE, live_sections, stories_by, stories_in, with_listing_data
from .search import search_stories

_photos = Prefetch("photo", queryset=get_image_model().objects.prefetch_related("renditions"))


def _paginated(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def author_index(request):
    # The photos' renditions come in one query, not one per author.
    authors = Author.objects.prefetch_related(_photos)
    return TemplateResponse(request, "blog/author_index.html", {"authors": authors})


def author_detail(request, slug: str):
    author = get_object_or_404(Author.objects.prefetch_related(_photos, "links"), slug=slug)
    stories = with_listing_data(stories_by(author))
    return TemplateResponse(
        request, "blog/author_detail.html", {"author": author, "stories": _paginated(request, stories)}
    )


def series_index(request):
    return TemplateResponse(request, "blog/series_index.html", {"series_list": Series.objects.all()})


def series_detail(request, slug: str):
    series = get_object_or_404(Series, slug=slug)
    stories = with_listing_data(stories_in(series))
    return TemplateResponse(
        request, "blog/series_detail.html", {"series": series, "stories": _paginated(request, stories)}
    )


def search(request):
    query = request.GET.get("q", "").strip()
    results = search_stories(query, request.GET.get("page")) if query else None
    return TemplateResponse(request, "blog/search.html", {"query": query, "results": results})


def feed_index(request):
    return TemplateResponse(
        request,
        "blog/feeds.html",
        {"sections": live_sections(), "authors": Author.objects.all(), "series_list": Series.objects.all()},
    )


@cache_control(max_age=3600)
def sitemap(request, **kwargs):
    """Wagtail's sitemap with the German URLs: the sitemap sits outside the
    language prefixes, and a crawler's Accept-Language must not pick them."""
    with translation.override(settings.LANGUAGE_CODE):
        response = wagtail_sitemap(request, **kwargs)
        return response.render() if hasattr(response, "render") else response
