"""Filtering the case-study index: outcome, industry, company, series, year.

Invalid choices (a company that does not exist, a year with no case study)
are reported by the form and ignored, so a stale link still shows a list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from blog.models import PageTag, Series
from casestudies.companies.models import Industry
from casestudies.pages.outcomes import Outcome

FILTER_NAMES = ("outcome", "industry", "company", "series", "year", "tag")
COMPANY_LIST_ID = "company-suggestions"
COMPANY_SUGGESTIONS = 30


class CaseStudyFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"), empty_label=_("All"))
    industry = django_filters.ChoiceFilter(
        field_name="company__industry", choices=Industry.choices, label=_("Industry"), empty_label=_("All")
    )
    # A text field, not a menu of every company: the page must not grow with
    # the companies. It takes a name or a slug (links from a company's page);
    # the browser suggests COMPANY_SUGGESTIONS names (a datalist).
    company = django_filters.CharFilter(
        method="filter_company",
        label=_("Company"),
        widget=forms.TextInput(attrs={"list": COMPANY_LIST_ID, "autocomplete": "off"}),
    )
    series = django_filters.ModelChoiceFilter(
        queryset=Series.objects.all(),
        to_field_name="slug",
        # The one series a case study belongs to; the menu's "Series" is plural in German.
        label=pgettext_lazy("the one series a story belongs to", "Series"),
        empty_label=_("All"),
    )
    # Tag links on case-study pages lead here; kept hidden, but it survives paging.
    tag = django_filters.CharFilter(method="filter_tag", widget=forms.HiddenInput)
    year = django_filters.ChoiceFilter(field_name="date__year", label=_("Year"), empty_label=_("All"))

    def __init__(
        self, data=None, queryset: QuerySet | None = None, *, companies: QuerySet, year_choices=None, **kwargs
    ):
        super().__init__(data, queryset=queryset, **kwargs)
        self._unfiltered = queryset
        # Only companies readers can find a case study of (and a page for): the index hands them in.
        self._companies = companies
        if year_choices is None:
            # A scan of every case study: done once per request (outcome_counts reuses it).
            years = queryset.dates("date", "year", order="DESC") if queryset is not None else []
            year_choices = [(str(year.year), str(year.year)) for year in years]
        self._year_choices = year_choices
        self.filters["year"].extra["choices"] = year_choices

    def filter_company(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        company = self._companies.filter(Q(slug=value) | Q(name__iexact=value)).order_by("pk").first()
        # A company nobody can find (a stale link, a typo) is ignored, as an invalid choice was.
        return queryset if company is None else queryset.filter(company=company)

    def company_suggestions(self) -> list[str]:
        """The names the company field suggests: a few, however many companies there are."""
        return list(self._companies.order_by("name").values_list("name", flat=True)[:COMPANY_SUGGESTIONS])

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Tags hang on wagtailcore.Page; a join through the subclass fails on
        # SQLite, a subquery on the tag rows does not.
        tagged = PageTag.objects.filter(tag__slug=value).values("content_object_id")
        return queryset.filter(pk__in=tagged)

    def is_active(self) -> bool:
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in FILTER_NAMES)

    def outcome_counts(self) -> list[dict[str, object]]:
        """Per outcome, how many case studies the other active filters leave:
        the numbers a reader sees beside each outcome link."""
        others = CaseStudyFilter(
            self._without("outcome"),
            queryset=self._unfiltered,
            companies=self._companies,
            year_choices=self._year_choices,
        )
        rows = dict(others.qs.order_by().values_list("outcome").annotate(n=Count("pk")))
        selected = self.form.cleaned_data.get("outcome") if self.is_bound else ""
        return [
            {"value": value, "label": label, "count": rows.get(value, 0), "selected": value == selected}
            for value, label in Outcome.choices
        ]

    def _without(self, name: str):
        if not self.is_bound:
            return None
        data = self.data.copy()
        data.pop(name, None)
        data.pop("page", None)
        return data
