"""The public search: Wagtail search over published stories (articles and
case studies), each hit with the reader's words marked."""

from django.core.paginator import Page as ResultPage
from django.core.paginator import Paginator
from wagtail.models import Page

from .highlight import excerpt, highlight, query_terms, story_texts
from .models.pages import PAGE_SIZE, live_stories, story_page_models, with_listing_data

SEARCH_MAX_RESULTS = 200


def search_stories(query: str, page_number: str | None) -> ResultPage:
    """One page of hits, best first. The search backend ranks ids; the cards
    of the shown page are then fetched with the listing prefetches, so a page
    of results costs the same number of queries however many hits there are."""
    hits = Page.objects.live().public().type(*story_page_models()).search(query)[:SEARCH_MAX_RESULTS]
    result_page = Paginator([hit.pk for hit in hits], PAGE_SIZE).get_page(page_number)
    stories = {
        story.pk: story for story in with_listing_data(live_stories().filter(pk__in=result_page.object_list))
    }
    result_page.object_list = [stories[pk] for pk in result_page.object_list if pk in stories]
    terms = query_terms(query)
    for story in result_page.object_list:
        story.highlighted_title = highlight(story.title, terms)
        story.highlighted_excerpt = highlight(excerpt(story_texts(story), terms), terms)
    return result_page
