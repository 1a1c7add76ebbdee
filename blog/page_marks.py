"""Which page a response shows: a header the story pages set and the
page-view counter (blog.pageviews) reads. It travels with the response into
the page cache, so cached views count too."""

from django.http import HttpResponse

PAGE_HEADER = "X-Casebook-Page"


def mark_page(response: HttpResponse, page_id: int) -> None:
    """Tell the page-view middleware which page this response shows."""
    response[PAGE_HEADER] = str(page_id)
