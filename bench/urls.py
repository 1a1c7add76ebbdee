"""The site's own URLs plus one bench-only view, never mounted in production:
the least a request through the same server and middleware can cost."""

from django.http import HttpResponse
from django.urls import path

from blog.urls import urlpatterns as site_urlpatterns

MINIMAL_PATH = "/__bench__/minimal/"


def minimal(request):
    response = HttpResponse(b"ok\n", content_type="text/plain")
    # Not stored by the page cache: every request runs the whole stack and the view.
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [path(MINIMAL_PATH.strip("/") + "/", minimal), *site_urlpatterns]
