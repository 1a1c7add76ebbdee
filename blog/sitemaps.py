"""sitemap.xml: Wagtail's pages, plus the author, series and company pages
that are Django views and so not in Wagtail's page tree."""

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


class CompanySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        from casestudies.pages.models import published_companies

        return published_companies().order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "authors": AuthorSitemap(),
    "series": SeriesSitemap(),
    "companies": CompanySitemap(),
}
