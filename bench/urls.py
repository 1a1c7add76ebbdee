"""The site's own URLs plus two bench-only views, never mounted in production:
the least a request through the same server and middleware can cost, once
rendered by a view and once served from the page cache."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

MINIMAL_PATH = "/__bench__/minimal/"
MINIMAL_CACHED_PATH = "/__bench__/minimal-cached/"


def minimal(request):
    response = HttpResponse(b"ok\n", content_type="text/plain")
    # Not stored by the page cache: every request runs the whole stack and the view.
    response["Cache-Control"] = "no-store"
    return response


def minimal_cached(request):
    # Stored by the page cache like any public page: later requests are hits.
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [
    path(MINIMAL_PATH.strip("/") + "/", minimal),
    path(MINIMAL_CACHED_PATH.strip("/") + "/", minimal_cached),
    *site_urlpatterns,
]
