"""The company pages in sitemap.xml: Django views, so not in Wagtail's page
tree; only companies with a published case study are public."""

from blog.sitemaps import PublicSitemap
from casestudies.pages.models import published_companies


class CompanySitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return published_companies().order_by("pk")
