"""Public views of the blog that are not pages: authors, series, search."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from wagtail.models import Page

from .models import Author, Series
from .models.pages import PAGE_SIZE, live_stories, story_page_models, with_listing_data

SEARCH_MAX_RESULTS = 200


def _paginated(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def author_index(request):
    authors = Author.objects.select_related("photo")
    return TemplateResponse(request, "blog/author_index.html", {"authors": authors})


def author_detail(request, slug: str):
    author = get_object_or_404(Author.objects.select_related("photo").prefetch_related("links"), slug=slug)
    stories = with_listing_data(live_stories().filter(authorships__author=author).distinct())
    return TemplateResponse(
        request, "blog/author_detail.html", {"author": author, "stories": _paginated(request, stories)}
    )


def series_index(request):
    return TemplateResponse(request, "blog/series_index.html", {"series_list": Series.objects.all()})


def series_detail(request, slug: str):
    series = get_object_or_404(Series, slug=slug)
    stories = with_listing_data(live_stories().filter(id__in=_story_ids_in_series(series)))
    return TemplateResponse(
        request, "blog/series_detail.html", {"series": series, "stories": _paginated(request, stories)}
    )


def _story_ids_in_series(series: Series) -> list[int]:
    ids: list[int] = []
    for model in story_page_models():
        ids.extend(model.objects.filter(series=series).values_list("id", flat=True))
    return ids


def search(request):
    query = request.GET.get("q", "").strip()
    results = None
    if query:
        pages = Page.objects.live().public().type(*story_page_models()).specific()
        hits = list(pages.search(query)[:SEARCH_MAX_RESULTS])
        results = _paginated(request, hits)
    return TemplateResponse(request, "blog/search.html", {"query": query, "results": results})


def feed_index(request):
    return TemplateResponse(
        request,
        "blog/feeds.html",
        {"authors": Author.objects.all(), "series_list": Series.objects.all()},
    )
