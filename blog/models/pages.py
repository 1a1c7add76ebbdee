"""Page types of the blog: the home page, the article index and articles, and
the abstract StoryPage that articles and case studies share."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from .. import fragments, rendered_pages
from ..blocks import story_blocks
from ..forms import StoryPageForm
from ..page_marks import mark_page

PAGE_SIZE = 12


class Authorship(Orderable):
    """An author of a story, in order. Keyed to Page so that articles and case
    studies share one relation and an author's page lists both."""

    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(
        "blog.Author", verbose_name=_("author"), on_delete=models.PROTECT, related_name="authorships"
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("authorship")
        verbose_name_plural = _("authorships")


class PageTag(TaggedItemBase):
    content_object = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="tagged_items")


def with_listing_data(queryset: QuerySet) -> QuerySet:
    """What a card in a listing shows, fetched in a constant number of queries
    however many stories and authors there are."""
    # A Page queryset made specific() applies these to each page type's query.
    specific = {"for_specific_subqueries": True} if queryset.model is Page else {}
    return queryset.select_related("series", "feed_image", **specific).prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("author")),
        "feed_image__renditions",
        "tags",
        **specific,
    )


def tagged(stories: QuerySet, tag_slug: str) -> QuerySet:
    """The stories with the tag. Through the tags' table, not `tags__slug`:
    the tags hang on wagtailcore.Page, and taggit's join from a page subclass
    names a column the subclass does not have."""
    return stories.filter(pk__in=PageTag.objects.filter(tag__slug=tag_slug).values("content_object_id"))


def story_page_models() -> list[type[Page]]:
    from wagtail.models import get_page_models

    return [m for m in get_page_models() if issubclass(m, StoryPage) and not m._meta.abstract]


def section_page_models() -> list[type[Page]]:
    """Page types whose children are stories and nothing else: the sections
    of the site (the article index, the case-study index), each with feeds."""
    from wagtail.models import get_page_models

    stories = set(story_page_models())
    return [
        m
        for m in get_page_models()
        if m is not Page and (children := set(m.allowed_subpage_models())) and children <= stories
    ]


def live_sections() -> QuerySet:
    return Page.objects.live().public().type(*section_page_models()).order_by("path")


def live_stories() -> QuerySet:
    """All published stories (articles and case studies), newest first."""
    return (
        Page.objects.live()
        .public()
        .type(*story_page_models())
        .specific()
        .order_by("-first_published_at", "-pk")
    )


def stories_by(author, stories: QuerySet | None = None) -> QuerySet:
    """The stories the author wrote or co-wrote."""
    stories = live_stories() if stories is None else stories
    return stories.filter(pk__in=Authorship.objects.filter(author=author).values("page_id"))


def stories_in(series, stories: QuerySet | None = None) -> QuerySet:
    """The stories of a series. Each story type has its own series column, so
    the filter is one subquery per type, not a list of ids in Python."""
    stories = live_stories() if stories is None else stories
    in_series = models.Q(pk__in=[])
    for model in story_page_models():
        in_series |= models.Q(pk__in=model.objects.filter(series=series).values("pk"))
    return stories.filter(in_series)


class StoryPage(Page):
    """What articles and case studies have in common: a date, ordered authors,
    a series, tags and a feed image."""

    date = models.DateField(_("date"), default=timezone.localdate)
    series = models.ForeignKey(
        "blog.Series",
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=PageTag, blank=True, verbose_name=_("tags"))
    feed_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("feed image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown on cards, in feeds and when the page is shared."),
    )

    base_form_class = StoryPageForm

    story_panels = [
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("series"), FieldPanel("tags"), FieldPanel("feed_image")],
            heading=_("Publication"),
        ),
        InlinePanel("authorships", label=_("Authors"), min_num=1),
    ]
    api_fields = [
        APIField("date"),
        APIField("series"),
        APIField("tags"),
        APIField("author_names"),
    ]

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        # Wagtail reads the restrictions of the page and its ancestors (two
        # queries) on every view; on a site with no private page, none apply.
        if not fragments.any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    # blog/routing.py serves a reader the stored rendering without loading the page.
    stored_for_readers = True

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        rendered_pages.store(request, response)
        if not getattr(request, "is_preview", False):
            mark_page(response, self.pk)
        return response

    @cached_property
    def authors(self) -> list:
        """The authors in order; uses the prefetched rows where a listing has them."""
        rows = self.authorships.all()
        if "authorships" not in getattr(self, "_prefetched_objects_cache", {}):
            # The author boxes show each photo: fetch photos and their
            # renditions with the authors, not once per author.
            rows = rows.select_related("author", "author__photo").prefetch_related(
                "author__photo__renditions"
            )
        return [row.author for row in rows]

    @property
    def author_names(self) -> list[str]:
        return [author.name for author in self.authors]

    @property
    def teaser(self) -> str:
        return getattr(self, "intro", "") or self.search_description


class HomePage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    subpage_types = ["blog.ArticleIndexPage", "casestudies.CaseStudyIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["stories"] = list(with_listing_data(live_stories())[:9]) if story_page_models() else []
        context["article_index"] = ArticleIndexPage.objects.live().child_of(self).first()
        return context


class ArticleIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["blog.HomePage"]
    subpage_types = ["blog.ArticlePage"]

    class Meta:
        verbose_name = _("article index")

    def articles(self) -> QuerySet:
        return ArticlePage.objects.live().public().child_of(self).order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles()
        tag_slug = request.GET.get("tag", "").strip()
        tag = None
        if tag_slug:
            # An unknown tag still filters (to nothing) rather than showing everything.
            tag = Tag.objects.filter(slug=tag_slug).first() or Tag(name=tag_slug, slug=tag_slug)
            articles = tagged(articles, tag_slug)
        page = Paginator(with_listing_data(articles), PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(articles=page, tag=tag)
        return context


class ArticlePage(StoryPage):
    intro = models.TextField(_("introduction"), max_length=600)
    body = StreamField(story_blocks(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")] + StoryPage.story_panels
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = StoryPage.api_fields + [APIField("intro"), APIField("body")]
    parent_page_types = ["blog.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            # The article index lists them newest first (date, then id).
            models.Index(fields=["date", "page_ptr"], name="article_newest_first"),
        ]
