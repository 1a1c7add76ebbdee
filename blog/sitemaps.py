"""sitemap.xml, the blog's part: Wagtail's pages, plus the author and series
pages that are Django views and so not in Wagtail's page tree. The site's
sitemap (config/urls.py) adds the other apps' sections."""

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from .models import Author, Series


class AuthorSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Author.objects.order_by("pk")


class SeriesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Series.objects.order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "authors": AuthorSitemap(),
    "series": SeriesSitemap(),
}
