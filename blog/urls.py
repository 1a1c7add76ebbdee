from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import comment_views, feeds, health, views
from .api import api_router
from .sitemaps import SITEMAPS

# Public URLs are stable (DESIGN.md): German without a prefix, English under /en/.
blog_patterns = (
    [
        path("autoren/", views.author_index, name="author_index"),
        path("autoren/<slug:slug>/", views.author_detail, name="author"),
        path("serien/", views.series_index, name="series_index"),
        path("serien/<slug:slug>/", views.series_detail, name="series"),
        path("suche/", views.search, name="search"),
        path("kommentare/<int:page_id>/", comment_views.comment_form, name="comment_form"),
        path("kommentare/senden/", comment_views.post_comment, name="comment_post"),
        path("kommentare/danke/", comment_views.comment_done, name="comment_done"),
        path("feeds/", views.feed_index, name="feeds"),
        path("feeds/rss/", feeds.StoryFeed(), name="feed_rss"),
        path("feeds/atom/", feeds.AtomStoryFeed(), name="feed_atom"),
        # A section: a page whose children are stories (/artikel/, /fallstudien/).
        path("feeds/<slug:section>/rss/", feeds.StoryFeed(), name="section_feed_rss"),
        path("feeds/<slug:section>/atom/", feeds.AtomStoryFeed(), name="section_feed_atom"),
        path("feeds/<str:kind>/<slug:slug>/rss/", feeds.StoryFeed(), name="feed_rss"),
        path("feeds/<str:kind>/<slug:slug>/atom/", feeds.AtomStoryFeed(), name="feed_atom"),
    ],
    "blog",
)

urlpatterns = [
    # Outside i18n_patterns: probes need one URL that never redirects by language.
    path("healthz/", health.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("i18n/setlang/", set_language, name="set_language"),
    # The questionnaire speaks the contact's language, not the URL's.
    path("interview/", include("casestudies.interview_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("", include(blog_patterns)),
    path("", include("casestudies.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
