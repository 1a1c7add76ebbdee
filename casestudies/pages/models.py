"""The case-study pages: an index with filters and the case study itself."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from modelcluster.queryset import FakeQuerySet
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from blog import fragments
from blog.models.pages import PAGE_SIZE, StoryPage, with_listing_data
from casestudies.companies.models import Company
from casestudies.pages import guards
from casestudies.pages.blocks import case_study_blocks
from casestudies.pages.checklist import ChecklistPanel
from casestudies.pages.facets import IndexFacets
from casestudies.pages.filters import COUNTED_BY, CaseStudyFilter, suggested_names, years_of
from casestudies.pages.outcomes import Outcome


class CompanyAPISerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    industry = serializers.CharField()
    industry_label = serializers.CharField(source="get_industry_display")


def case_study_listing(queryset: QuerySet) -> QuerySet:
    """What a case-study card shows, in a constant number of queries."""
    return (
        with_listing_data(queryset)
        .select_related("company", "hero_image")
        .prefetch_related("hero_image__renditions")
    )


def published_companies() -> QuerySet:
    """Companies with at least one published case study: the only ones the
    public site names. A company the editors only approached (an interview
    request, no story yet) stays out of sight."""
    return Company.objects.filter(pk__in=CaseStudyPage.objects.live().public().values("company_id"))


class CaseStudyIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["blog.HomePage"]
    subpage_types = ["casestudies.CaseStudyPage"]
    max_count = 1

    class Meta:
        verbose_name = _("case study index")

    def case_studies(self) -> QuerySet:
        return CaseStudyPage.objects.live().public().child_of(self).order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        case_studies, companies = self.case_studies(), published_companies()
        # Counting every case study on each view made the index grow with them (pages/facets.py).
        facets = IndexFacets(self.pk, request, counted_by=COUNTED_BY)
        filters = CaseStudyFilter(
            request.GET or None,
            queryset=case_studies,
            companies=companies,
            year_choices=facets.get("years", lambda: years_of(case_studies)),
            company_suggestions=facets.get("companies", lambda: suggested_names(companies)),
        )
        rows = facets.get("outcomes", filters.outcome_rows)
        paginator = Paginator(case_study_listing(filters.qs), PAGE_SIZE)
        paginator.count = filters.count(rows)  # known from the counts: no COUNT(*) of its own
        context.update(
            case_studies=paginator.get_page(request.GET.get("page")),
            filters=filters,
            outcome_counts=filters.outcome_counts(rows),
            filtered=filters.is_active(),
        )
        return context


class CaseStudyPage(StoryPage):
    company = models.ForeignKey(
        "casestudies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="case_studies",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    summary = models.TextField(_("summary"), max_length=800, help_text=_("Shown on cards and in feeds."))
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(case_study_blocks(), verbose_name=_("body"), blank=True)
    verdict = models.TextField(_("verdict"), blank=True, help_text=_("One sentence: what the story shows."))

    content_panels = (
        [ChecklistPanel()]
        + Page.content_panels
        + [
            MultiFieldPanel(
                [FieldPanel("company"), FieldPanel("outcome"), FieldPanel("summary")],
                heading=_("Case"),
            ),
            FieldPanel("hero_image"),
            FieldPanel("body"),
            FieldPanel("verdict"),
        ]
        + StoryPage.story_panels
    )
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("verdict"),
        index.FilterField("outcome"),
        index.FilterField("date"),
        index.RelatedFields("company", [index.SearchField("name"), index.FilterField("industry")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = StoryPage.api_fields + [
        APIField("outcome"),
        APIField("outcome_label", serializer=serializers.CharField(source="get_outcome_display")),
        APIField("company", serializer=CompanyAPISerializer()),
        APIField("summary"),
        APIField("hero_image"),
        APIField("body"),
        APIField("verdict"),
    ]
    parent_page_types = ["casestudies.CaseStudyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        indexes = [
            # The index page lists them newest first (date, then id): read the
            # first twelve in order instead of sorting every case study.
            models.Index(fields=["date", "page_ptr"], name="casestudy_newest_first"),
        ]

    @property
    def teaser(self) -> str:
        return self.summary

    def clean(self):
        super().clean()
        # Cards and feeds show the feed image; without one of its own, a case
        # study is shown with its hero image.
        if self.feed_image_id is None and self.hero_image_id is not None:
            self.feed_image_id = self.hero_image_id

    @cached_property
    def authors(self) -> list:
        """The authors in order, with their photos' renditions, so that the
        author boxes cost the same however many authors a case study has."""
        rows = self.authorships.all()
        # Listings prefetch the rows; a preview holds them in memory.
        if "authorships" in getattr(self, "_prefetched_objects_cache", {}) or isinstance(rows, FakeQuerySet):
            return [row.author for row in rows]
        photos = get_image_model().objects.prefetch_renditions()
        rows = rows.select_related("author").prefetch_related(Prefetch("author__photo", queryset=photos))
        return [row.author for row in rows]

    def publish(self, revision, *args, **kwargs):
        # The last line of every publication guard (casestudies.pages.guards):
        # workflow approvals, bulk publishing, scheduled publishing and code
        # all come through here. The admin's own doors refuse earlier, with a
        # message and without saving anything.
        guards.check_publishable(revision.as_object())
        return super().publish(revision, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The rendered article is cached per live revision (blog/fragments.py);
        # its images' renditions are fetched only when it is rendered
        # (the article's template: prefetch_body_renditions).
        context["article_cache_key"] = fragments.article_key(self, request)
        return context
