"""The company pages in sitemap.xml: Django views, so not in Wagtail's page
tree; only companies with a published case study are public."""

from django.contrib.sitemaps import Sitemap

from casestudies.pages.models import published_companies


class CompanySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return published_companies().order_by("pk")
