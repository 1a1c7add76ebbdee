"""sitemap.xml, the blog's part: Wagtail's pages, plus the author and series
pages that are Django views and so not in Wagtail's page tree. The site's
sitemap (config/urls.py) adds the other apps' sections."""

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from . import public_url
from .models import Author, Series


class PublicSitemap(Sitemap):
    """A Django sitemap whose locations start with SITE_BASE_URL, not the
    request's host and scheme."""

    def get_protocol(self, protocol=None):
        return public_url.base()[0]

    def get_domain(self, site=None):
        return public_url.base()[1]


class PageSitemap(WagtailSitemap):
    """Wagtail's pages, at SITE_BASE_URL rather than the Site record's host
    (a demo's or a restore's "localhost")."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = public_url.on_public_base(url["location"])
        return urls


class AuthorSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return Author.objects.order_by("pk")


class SeriesSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return Series.objects.order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "authors": AuthorSitemap(),
    "series": SeriesSitemap(),
}
