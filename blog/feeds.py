"""RSS and Atom feeds of the stories: all of them, or one section's (the
articles, the case studies), one author's or one series' (the same Feed
class, narrowed by the URL)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Page

from . import public_url
from .models import Author, Series
from .models.pages import live_sections, live_stories, stories_by, stories_in, with_listing_data

FEED_SIZE = 30

# The URL's first segment after /feeds/ names what narrows the feed; the
# segments match the public pages (/autoren/<slug>/, /serien/<slug>/).
FEED_KINDS = {"autoren": Author, "serien": Series}


class StoryFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(
        self, request, kind: str | None = None, slug: str | None = None, section: str | None = None
    ):
        if section is not None:
            page = live_sections().filter(slug=section).first()
            if page is None:
                raise Http404(f"No section {section!r}")
            return page.specific
        if kind is None:
            return None
        model = FEED_KINDS.get(kind)
        if model is None:
            raise Http404(f"No feed kind {kind!r}")
        return get_object_or_404(model, slug=slug)

    def title(self, obj) -> str:
        return f"Casebook – {obj}" if obj else "Casebook"

    def link(self, obj) -> str:
        if isinstance(obj, Page):
            return obj.get_url()
        return obj.get_absolute_url() if obj else "/"

    def description(self, obj) -> str:
        if isinstance(obj, Author):
            return _("Stories by %(name)s on Casebook") % {"name": obj.name}
        if isinstance(obj, Series):
            return _("Stories of the series %(name)s on Casebook") % {"name": obj.name}
        if isinstance(obj, Page):
            return _("%(section)s on Casebook") % {"section": obj.title}
        return _("Case studies and articles from Casebook")

    def items(self, obj):
        stories = live_stories()
        if isinstance(obj, Author):
            stories = stories_by(obj, stories)
        elif isinstance(obj, Series):
            stories = stories_in(obj, stories)
        elif isinstance(obj, Page):
            stories = stories.descendant_of(obj)
        # Authors and tags of every item come with the listing prefetches.
        return list(with_listing_data(stories)[:FEED_SIZE])

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        # Readers treat an item's description (and Atom's summary, type="html")
        # as HTML: the intro is plain text, so it is escaped for HTML here and
        # then once more for XML by the feed generator.
        return escape(item.teaser)

    def item_link(self, item) -> str:
        return item.get_url()

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item) -> str:
        return ", ".join(item.author_names)

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def get_feed(self, obj, request):
        # Django builds the feed's links from the sites framework and the
        # request's scheme; readers must get the public base URL.
        feed = super().get_feed(obj, request)
        for key in ("link", "feed_url"):
            feed.feed[key] = public_url.on_public_base(feed.feed.get(key) or "")
        for item in feed.items:
            item["link"] = public_url.on_public_base(item["link"])
        return feed

    def item_guid(self, item) -> str:
        return f"{settings.SITE_BASE_URL}/page/{item.pk}"

    item_guid_is_permalink = False


class AtomStoryFeed(StoryFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj) -> str:
        return self.description(obj)
