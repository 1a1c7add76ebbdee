"""The blog's public URLs (authors, series, search, comments, feeds), mounted
by config/urls.py under the site's language prefix."""

from django.urls import path

from . import comment_views, feeds, views

app_name = "blog"

# Public URLs are stable (docs/design.md): German without a prefix, English under /en/.
urlpatterns = [
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
]
