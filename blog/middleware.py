from .pageviews import countable_page_id, record_view


class PageViewMiddleware:
    """Counts views of story pages. Sits after the authentication middleware
    (to leave editors out) and outside any page cache (to count cached views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        page_id = countable_page_id(request, response)
        if page_id is not None:
            record_view(request, page_id)
        return response
