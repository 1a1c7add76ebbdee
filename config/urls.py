"""The site's URLs: the apps' own patterns, Wagtail's admin and pages, and the
few project-wide endpoints (health, sitemap, API, language switch)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from blog.api import api_router
from blog.sitemaps import SITEMAPS
from blog.views import sitemap
from casestudies.interviews.admin import calendar_views
from casestudies.interviews.admin import reports as interview_reports
from casestudies.pages import private_images
from casestudies.pages.sitemaps import CompanySitemap

from . import health

SITEMAP_SECTIONS = {**SITEMAPS, "companies": CompanySitemap()}

urlpatterns = [
    # Outside i18n_patterns: probes need one URL that never redirects by language.
    path("healthz/", health.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    # Wagtail's reports and page search without another author's requests, at their own addresses.
    path("admin/", include(interview_reports.urlpatterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Interview photos of the image library: to editors who may see them, to readers once live.
    path("images/private/<path:path>", private_images.serve, name="private_image"),
    # An editor's calendar app fetches the editorial calendar here: the secret address is the key.
    path("calendar/<str:token>.ics", calendar_views.feed, name="calendar_feed"),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAP_SECTIONS}, name="sitemap"),
    path("i18n/setlang/", set_language, name="set_language"),
    # The questionnaire speaks the contact's language, not the URL's.
    path("interview/", include("casestudies.interview_urls")),
    # A mail provider's inbound and tracking webhooks (django-anymail; secret checked, 403 otherwise).
    path("anymail/", include("casestudies.interviews.inbound.webhooks")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public URLs are stable (docs/design.md): German without a prefix, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("blog.urls")),
    path("", include("casestudies.pages.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
