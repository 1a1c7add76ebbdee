"""Wagtail's read API at /api/v2/: live, public pages only (PagesAPIViewSet
lists nothing else). No image or document endpoint: nothing of the site reads
them, and Wagtail's would list every file of the libraries, including those no
live page uses (docs/decisions.md)."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
